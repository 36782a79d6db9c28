"""Synthetic reports for tests and benchmarks: never research data.

Every file is named ``SYNTHETIC_…``, its agency is a made-up 合成… name and its
text says it is synthetic. A record is drawn with consistent statistics (the
codebook's four identities hold unless broken on purpose), then printed in one of
``LAYOUTS``, with real-world noise as options (``Noise``). Each report comes with
what ``read_report`` must give: the record, and the identities it must fail.

>>> report = synthesize(7, "tabs")
>>> report.name, report.expected["agency"].startswith("合成")
('SYNTHETIC_7_tabs.txt', True)

Command line: ``python -m toolkit.synthetic 100 /tmp/synthetic --formats tabs html``.
"""
from __future__ import annotations

import argparse
import base64
import importlib.util
import io
import json
import random
import sys
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from toolkit import codebook
from toolkit.config import PROCESSED, RAW

PREFIX = "SYNTHETIC_"
NOTICE = "说明：本文件为合成数据（SYNTHETIC），由 toolkit.synthetic 生成，仅供测试和性能评估，不是真实的政府信息公开工作年度报告。"
PLACES = ("示例县", "样本市", "演示区", "模拟县", "虚拟市", "范例区")
AGENCY_KINDS = ("人民政府办公室", "人民政府", "司法局", "自然资源局", "市场监督管理局", "教育局")
YEARS = {"2019": (2019, 2020), "2021": (2021, 2022, 2023, 2024)}
MIXED_TEMPLATES = 0.1  # share of reports whose section 二 follows the other template (seed 000)

# --- the statistics -------------------------------------------------------------

COLUMN_SCALE = (1.0, 0.15, 0.03, 0.03, 0.05, 0.08)  # applicants' share of requests, by column
ZERO_SHARE = (0.15, 0.6, 0.9, 0.9, 0.85, 0.8)       # chance that a column receives nothing
OUTCOME_WEIGHT = {  # how requests end, by row (2019's other_processing takes the other_* weight)
    "granted": 30, "partially_granted": 8, "withheld_state_secret": 0.5, "withheld_law_prohibited": 0.5,
    "withheld_three_security_one_stability": 0.3, "withheld_third_party_rights": 2, "withheld_internal_affairs": 1,
    "withheld_process_information": 2, "withheld_enforcement_case_file": 0.5, "withheld_administrative_inquiry": 1,
    "unable_not_held": 20, "unable_needs_creation": 3, "unable_unclear_after_correction": 1,
    "not_processed_petition_complaint": 3, "not_processed_repeated": 2, "not_processed_publication": 0.5,
    "not_processed_massive_repeated": 0.5, "not_processed_confirmation": 1,
    "other_overdue_correction": 2, "other_overdue_fee": 0.2, "other_other": 4, "other_processing": 6.2,
}
SECTION2_DRAW = {  # column -> (chance of zero, largest value)
    "issued": (0.3, 30), "repealed": (0.6, 15), "in_force": (0.1, 300), "decisions": (0.2, 20000),
    "amount_10k_yuan": (0.3, 5000), "new_made": (0.3, 30), "new_published": (0.3, 30),
    "total_published": (0.1, 300), "previous_year_items": (0.3, 500), "change": (0.5, 20),
    "projects": (0.4, 200), "total_amount": (0.4, 9000),
}
DECIMAL_COLUMNS = {"amount_10k_yuan": 4, "total_amount": 2}  # decimals printed
SIGNED_COLUMNS = {"change"}  # 本年增/减 can fall
SECTION4_DRAW = (0.6, 6)  # chance of zero, largest value of a section 四 cell


def make_record(rng: random.Random, template: str | None = None) -> tuple[dict, str]:
    """One report's record in the codebook's shape (every identity holds) and its
    section 六 sentence on the 信息处理费."""
    template3 = template or rng.choice(codebook.TEMPLATES)
    other = [t for t in codebook.TEMPLATES if t != template3][0]
    template2 = other if rng.random() < MIXED_TEMPLATES else template3
    fee, fee_sentence = _fee(rng)
    record = {
        "agency": "合成" + rng.choice(PLACES) + rng.choice(AGENCY_KINDS),
        "year": rng.choice(YEARS[template3]),
        "province": None, "prefecture": None, "county": None, "division_code": None, "level": None,
        "section2_template": template2, "section3_template": template3,
        "section2": _section2(rng, template2), "section3": _section3(rng, template3), "section4": _section4(rng),
        "processing_fee_yuan": fee,
    }
    return record, fee_sentence


def _draw(rng: random.Random, zero: float, top: float) -> int:
    """Zero-inflated, mostly small, sometimes large: like the counts reports print."""
    return 0 if rng.random() < zero else min(top, int(rng.paretovariate(1.2)))


def _section2(rng: random.Random, template: str) -> dict:
    values = {}
    for item, columns in codebook.section2_layout(template).items():
        values[item] = {}
        for column in columns:
            zero, top = SECTION2_DRAW[column]
            if column in DECIMAL_COLUMNS:
                value = 0 if rng.random() < zero else round(rng.uniform(0.01, top), DECIMAL_COLUMNS[column])
            else:
                value = 0 if rng.random() < zero else int(min(top, rng.paretovariate(0.6)))
            values[item][column] = -value if column in SIGNED_COLUMNS and rng.random() < 0.3 else value
    return values


def _section3(rng: random.Random, template: str) -> dict:
    rows = codebook.section3_rows(template)
    outcomes = rows[2:-2]
    weights = [OUTCOME_WEIGHT[row] for row in outcomes]
    scale = rng.choice((3, 10, 30, 100, 400))
    values = {row: [0] * 7 for row in rows}
    for column, (share, zero) in enumerate(zip(COLUMN_SCALE, ZERO_SHARE)):
        processed = 0 if rng.random() < zero else 1 + int(rng.expovariate(1 / (scale * share)))
        for row in rng.choices(outcomes, weights, k=processed):
            values[row][column] += 1
        forward = rng.randint(0, processed // 4) if rng.random() < 0.4 else 0
        over = rng.randint(0, processed + forward) // 3 if rng.random() < 0.4 else 0
        values["total_processed"][column] = processed
        values["carried_forward"][column] = forward
        values["carried_over"][column] = over
        values["new_received"][column] = processed + forward - over
    for row in rows:
        values[row][6] = sum(values[row][:6])
    return values


def _section4(rng: random.Random) -> dict:
    values = {}
    for group in codebook.SECTION4_GROUPS:
        parts = [_draw(rng, *SECTION4_DRAW) for _ in codebook.SECTION4_COLUMNS[:-1]]
        values[group] = dict(zip(codebook.SECTION4_COLUMNS, [*parts, sum(parts)]))
    return values


FEE_SENTENCES = (  # (kind, sentence); {amount} in the unit of the kind
    ("none", "本年度没有产生信息处理费。"), ("none", "本机关未收取信息处理费。"), ("none", "本年度不涉及信息处理费。"),
    ("yuan", "本年度共收取信息处理费{amount}元。"), ("10k_yuan", "本年度共收取信息处理费{amount}万元。"),
    ("silent", "无。"), ("silent", "本年度无其他需要报告的事项。"),
)


def _fee(rng: random.Random) -> tuple[int | float | None, str]:
    kind, sentence = rng.choice(FEE_SENTENCES)
    yuan = {"none": 0, "silent": None, "yuan": rng.randint(1, 5000), "10k_yuan": 100 * rng.randint(1, 300)}[kind]
    return yuan, sentence.format(amount=yuan / 10_000 if kind == "10k_yuan" else yuan)


# --- identities broken on purpose -------------------------------------------------

def break_identities(values: dict, identities: tuple[int, ...], rng: random.Random) -> tuple[list, set]:
    """Make exactly the given identities fail, each at one place; returns the
    failures read_report must list, as (identity, section, row, column), and the
    cells (section, row, column index) that must stay printed for them to show."""
    section3, section4 = values["section3"], values["section4"]
    failed, guard = [], set()
    rows = list(section3)
    outcomes, column = rows[2:-2], rng.randrange(6)
    name = codebook.SECTION3_COLUMNS[column]
    size = rng.randint(1, 9)
    if 1 in identities or 3 in identities:  # room to move a count between outcome rows
        for row in ("granted", "total_processed", "new_received"):
            section3[row][0] += size
            section3[row][6] += size
    if 1 in identities:  # move a total between two outcome rows: each row fails, the column sums hold
        up, down = rng.choice([r for r in outcomes if r != "granted"]), "granted"
        section3[up][6] += size
        section3[down][6] -= size
        failed += [(1, "section3", up, "total"), (1, "section3", down, "total")]
        guard |= {("section3", row, i) for row in (up, down) for i in range(7)}
    if 2 in identities:  # carried forward grows, in its column and its total
        for i in (column, 6):
            section3["carried_forward"][i] += size
        failed += [(2, "section3", None, name), (2, "section3", None, "total")]
        guard |= {("section3", row, i) for row in (rows[0], rows[1], rows[-2], rows[-1]) for i in (column, 6)}
    if 3 in identities:  # total processed and new received grow together: only the outcome sum fails
        for row in ("total_processed", "new_received"):
            for i in (column, 6):
                section3[row][i] += size
        failed += [(3, "section3", "total_processed", name), (3, "section3", "total_processed", "total")]
        guard |= {("section3", row, i) for row in rows for i in (column, 6)}
    if 4 in identities:
        group = rng.choice(codebook.SECTION4_GROUPS)
        section4[group]["total"] += size
        failed.append((4, "section4", group, "total"))
        guard |= {("section4", group, i) for i in range(5)}
    return failed, guard


def blank_zeros(values: dict, share: float, guard: set, rng: random.Random) -> None:
    """Print a ``share`` of the zero cells blank (``None``), as some agencies do;
    cells in ``guard`` stay printed."""
    for section in ("section2", "section3", "section4"):
        for row, cells in values[section].items():
            keys = range(len(cells)) if isinstance(cells, list) else list(cells)
            for i, key in enumerate(keys):
                if cells[key] == 0 and (section, row, i) not in guard and rng.random() < share:
                    cells[key] = None


# --- the printed document -----------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One printed table cell; ``kind`` is head, label, group or value."""

    text: str
    kind: str = "value"
    rows: int = 1
    cols: int = 1


SECTION3_PREFIX = {"new_received": "一、", "carried_over": "二、", "granted": "(一)", "partially_granted": "(二)",
                   "other_processing": "(六)", "total_processed": "(七)", "carried_forward": "四、"}
SECTION3_GROUPS = (("withheld_", "(三)不予公开"), ("unable_", "(四)无法提供"),
                   ("not_processed_", "(五)不予处理"), ("other_o", "(六)其他处理"))
PRINTED_LABELS = {  # (section, name, template or "*") -> label as printed, where it differs from the codebook's
    ("section3", "withheld_three_security_one_stability", "*"): "危及“三安全一稳定”",
    ("section3", "carried_forward", "*"): "结转下年度继续办理",
    ("section3", "partially_granted", "*"): "部分公开(区分处理的,只计这一情形,不计其他情形)",  # fields.csv cuts it at a comma
    ("section2", "normative_documents", "2019"): "规范性文件",
    ("section2", "decisions", "2019"): "处理决定数量",
}
SECTION2_BLOCKS = {  # template -> (item of 第二十条, items printed under it)
    "2021": (("(一)", ("regulations", "normative_documents")), ("(五)", ("licensing",)),
             ("(六)", ("penalty", "compulsion")), ("(八)", ("administrative_fees",))),
    "2019": (("(一)", ("regulations", "normative_documents")), ("(五)", ("licensing", "other_external_services")),
             ("(六)", ("penalty", "compulsion")), ("(八)", ("administrative_fees",)),
             ("(九)", ("central_procurement",))),
}
SECTION3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
OUTCOMES = "三、本年度办理结果"
TITLE = "年政府信息公开工作年度报告"
PERIOD = "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
PROSE = {
    "section1": "{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息{n}条，"
                "依申请公开工作依法规范办理。",
    "section5": "政府信息公开工作与群众期待还有差距，下一步将进一步规范依申请公开办理，提升公开质量。",
}


def label(section: str, name: str, template: str) -> str:
    """A field's label as a report prints it."""
    for key in ((section, name, template), (section, name, "*")):
        if key in PRINTED_LABELS:
            return PRINTED_LABELS[key]
    return next(row["label_zh"] for row in codebook.fields(section) if row["name"] == name)


def document(record: dict, fee_sentence: str, extra_cell: bool = False) -> list[tuple[str, object]]:
    """The report as blocks: ("title" | "heading" | "text", str) or ("table", rows of ``Cell``)."""
    agency, year = record["agency"], record["year"]
    return [
        ("title", f"{agency}{year}{TITLE}"),
        ("text", NOTICE),
        ("text", PERIOD.format(year=year)),
        ("heading", HEADINGS[0]),
        ("text", PROSE["section1"].format(year=year, agency=agency, n=len(agency) * 97)),
        ("heading", HEADINGS[1]),
        ("table", section2_table(record["section2"], record["section2_template"])),
        ("heading", HEADINGS[2]),
        ("table", section3_table(record["section3"], record["section3_template"])),
        ("heading", HEADINGS[3]),
        ("table", section4_table(record["section4"], extra_cell)),
        ("heading", HEADINGS[4]),
        ("text", PROSE["section5"]),
        ("heading", HEADINGS[5]),
        ("text", fee_sentence),
    ]


WIDTH2 = 4


def section2_table(values: dict, template: str) -> list[list[Cell]]:
    layout = codebook.section2_layout(template)
    rows = []
    for article, items in SECTION2_BLOCKS[template]:
        columns = layout[items[0]]
        rows.append([Cell(f"第二十条第{article}项", "head", cols=WIDTH2)])
        rows.append([Cell("信息内容", "head"), *_spread([label("section2", c, template) for c in columns], "head")])
        for item in items:
            rows.append([Cell(label("section2", item, template), "label"), *_spread(list(values[item].values()), "value")])
    return rows


def _spread(texts: list, kind: str) -> list[Cell]:
    """One cell per text, the last spanning the rest of the section 二 table."""
    cells = [Cell(_printed(t), kind) for t in texts]
    return cells[:-1] + [replace(cells[-1], cols=WIDTH2 - len(cells))]


def section3_table(values: dict, template: str) -> list[list[Cell]]:
    heads = [label("section3", c, template) for c in codebook.SECTION3_COLUMNS]
    rows = [
        [Cell(SECTION3_NOTE, "head", rows=3, cols=3), Cell("申请人情况", "head", cols=7)],
        [Cell(heads[0], "head", rows=2), Cell("法人或其他组织", "head", cols=5), Cell(heads[-1], "head", rows=2)],
        [Cell(h, "head") for h in heads[1:-1]],
    ]
    names = list(values)
    outcomes = names[2:-1]  # under 三、本年度办理结果, (七)总计 included
    group_of = {name: next((g for start, g in SECTION3_GROUPS if name.startswith(start)), None) for name in names}
    for name in names:
        group = group_of[name] if name != "other_processing" else None
        row = [Cell(OUTCOMES, "group", rows=len(outcomes))] if name == outcomes[0] else []
        members = [n for n in names if group_of[n] == group] if group else []
        if group and name == members[0]:
            row.append(Cell(group, "group", rows=len(members)))
        prefix = f"{members.index(name) + 1}." if group else SECTION3_PREFIX[name]
        span = 1 if group else (2 if name in outcomes else 3)
        row.append(Cell(prefix + label("section3", name, template), "label", cols=span))
        rows.append(row + [Cell(_printed(v)) for v in values[name]])
    return rows


def section4_table(values: dict, extra_cell: bool) -> list[list[Cell]]:
    heads = [label("section4", c, "*") for c in codebook.SECTION4_COLUMNS]
    groups = [label("section4", g, "*") for g in codebook.SECTION4_GROUPS]
    cells = [Cell(_printed(v)) for group in values.values() for v in group.values()]
    return [
        [Cell(groups[0], "head", cols=5), Cell("行政诉讼", "head", cols=10)],
        [*[Cell(h, "head", rows=2) for h in heads], Cell(groups[1], "head", cols=5), Cell(groups[2], "head", cols=5)],
        [Cell(h, "head") for h in heads * 2],
        cells + ([Cell("0")] if extra_cell else []),
    ]


def _printed(value) -> str:
    """A value as printed; ``None`` is a blank, given its form by the noise step."""
    return "" if value is None else str(value)


def place(rows: list[list[Cell]]) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column they start in, as a browser lays them out."""
    taken, placed = set(), []
    for r, row in enumerate(rows):
        column, found = 0, []
        for cell in row:
            while (r, column) in taken:
                column += 1
            found.append((column, cell))
            taken |= {(r + i, column + j) for i in range(cell.rows) for j in range(cell.cols)}
            column += cell.cols
        placed.append(found)
    return placed


def width_of(placed: list[list[tuple[int, Cell]]]) -> int:
    """Grid columns of a placed table."""
    return max(column + cell.cols for row in placed for column, cell in row)


# --- noise ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Noise:
    """Real-world defects to print; each applies only to the layouts where it can occur (``NOT_IN``)."""

    group_label_middle: bool = False  # 不予公开 etc. printed on the middle row of its group
    split_label: float = 0.0          # share of rows whose label ends its line, the numbers on the next
    blanks: float = 0.0               # share of zero cells printed blank (null in the record)
    spaced_labels: float = 0.0        # share of labels with spaces inside ("本 年度办 理结果")
    full_width: bool = False          # （一） and ：，in labels
    extra_cell: bool = False          # a 16th cell after section 四's fifteen
    broken: tuple[int, ...] = ()      # identities made to fail
    blank_marks: tuple[str, ...] = ("/", "-", "—", "无")  # how a blank prints in text (grid cells may also be empty)

    def for_layout(self, layout: str) -> "Noise":
        """This noise without what cannot occur in ``layout``."""
        return replace(self, **{name: getattr(Noise, name) for name, layouts in NOT_IN.items() if layout in layouts})


GRID = ("html", "docx", "pdf", "scan")
NOT_IN = {  # noise -> layouts where it does not occur
    "group_label_middle": GRID,     # a merged cell starts on the first row of its group
    "split_label": ("pipes", "crawler", *GRID),  # pipes already put every cell on its own line
    "blanks": ("crawler",),         # a crawler drops blank cells: nothing is left to read
    "extra_cell": ("crawler", "docx", "pdf", "scan"),  # run together it is just more digits; in a
    # Word or PDF grid it adds a column, and its empty heading cells come before the values (``test_synthetic``)
}
FULL_WIDTH = str.maketrans("():,", "（）：，")


def _apply_noise(blocks: list, noise: Noise, rng: random.Random, blank_marks) -> list:
    """Spaces and full-width brackets in labels, blank cells given a printed form."""
    def label_text(text: str) -> str:
        if noise.full_width:
            text = text.translate(FULL_WIDTH)
        if rng.random() < noise.spaced_labels:
            text = "".join(ch + (" " if _cjk(ch) and _cjk(nxt) and rng.random() < 0.3 else "")
                           for ch, nxt in zip(text, text[1:] + " "))
        return text

    def cell(c: Cell) -> Cell:
        if c.kind == "value":
            return replace(c, text=c.text or rng.choice(blank_marks))
        return replace(c, text=label_text(c.text))

    return [(kind, [[cell(c) for c in row] for row in content] if kind == "table" else content)
            for kind, content in blocks]


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --- layouts ---------------------------------------------------------------------------

def _text_rows(rows: list[list[Cell]], noise: Noise, rng: random.Random) -> list[list[list[str]]]:
    """Table rows as printed lines of cell texts (a row may take two lines),
    with every grid column present ("" where a merged cell continues)."""
    placed = place(rows)
    width = width_of(placed)
    grid = [[""] * width for _ in rows]
    for r, row in enumerate(placed):
        for column, cell in row:
            at = r + cell.rows // 2 if noise.group_label_middle and cell.kind == "group" else r
            grid[at][column] = cell.text
    lines = []
    for r, row in enumerate(placed):
        values = [column for column, cell in row if cell.kind == "value"]
        has_label = any(cell.kind == "label" for _, cell in row)
        if values and has_label and rng.random() < noise.split_label:
            lines.append([grid[r][:values[0]], [""] * values[0] + grid[r][values[0]:]])
        else:
            lines.append([grid[r]])
    return lines


def render_tabs(blocks, noise, rng) -> bytes:
    """Tab-separated rows, as text saved from a word processor (seeds 000, 002)."""
    out = []
    for kind, content in blocks:
        if kind == "table":
            out += ["\t".join(line) for row in _text_rows(content, noise, rng) for line in row]
        else:
            out += [content, ""]
    return "\n".join(out).encode("utf-8")


def render_markdown(blocks, noise, rng) -> bytes:
    """Markdown: # headings and pipe tables."""
    out = []
    for kind, content in blocks:
        if kind == "table":
            lines = [line for row in _text_rows(content, noise, rng) for line in row]
            out += ["| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
            out += ["| " + " | ".join(line) + " |" for line in lines[1:]] + [""]
        else:
            out += [{"title": "# ", "heading": "## "}.get(kind, "") + content, ""]
    return "\n".join(out).encode("utf-8")


def render_pipes(blocks, noise, rng) -> bytes:
    """One cell per line ending in " |" (seeds 001, 003)."""
    out = []
    for kind, content in blocks:
        if kind == "table":
            out += [f"{cell} |" for row in _text_rows(content, noise, rng) for line in row for cell in line if cell]
        else:
            out.append(content)
    return "\n".join(out).encode("utf-8")


def render_crawler(blocks, noise, rng) -> bytes:
    """A crawler's text: a header, then the body on one line, table cells run together."""
    body = []
    for kind, content in blocks[1:]:
        if kind == "table":
            body.append("".join(cell for row in _text_rows(content, noise, rng) for line in row for cell in line))
        else:
            body.append(content)
    header = [f"标题: {blocks[0][1]}", "发布机构: ", "栏目: 政府信息公开年报", "=" * 20 + " 正文 " + "=" * 20]
    return "\n".join(header + [" ".join(body)]).encode("utf-8")


HTML_TAGS = {"title": "h1", "heading": "h2"}


def render_html(blocks, noise, rng, frame: bool = False) -> bytes:
    """A web page: title, navigation, paragraphs, tables with rowspan group labels; ``frame``
    puts the body in a one-cell layout table. An ("image", (png, src)) block is an ``<img>``,
    inline (``src`` None) or linked."""
    out = []
    for kind, content in blocks:
        if kind == "table":
            out.append('<table border="1" cellspacing="0">' + "".join(
                "<tr>" + "".join(f'<td rowspan="{c.rows}" colspan="{c.cols}">{escape(c.text)}</td>' for c in row) + "</tr>"
                for row in content) + "</table>")
        elif kind == "image":
            png, src = content
            out.append(f'<p><img src="{src or "data:image/png;base64," + base64.b64encode(png).decode()}"></p>')
        else:
            tag = HTML_TAGS.get(kind, "p")
            out.append(f"<{tag}>{escape(content)}</{tag}>")
    body = "\n".join(out)
    if frame:
        body = f'<table width="100%"><tr><td>{body}</td></tr></table>'
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(blocks[0][1])}</title></head><body>'
            '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>'
            + body + "</body></html>").encode("utf-8")


def render_docx(blocks, noise, rng, frame: bool = False) -> bytes:
    """A Word document (python-docx), merged cells for group labels; ``frame`` puts the body
    in a one-cell layout table. An ("image", (png, _)) block is a picture."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Inches

    document = docx.Document()
    body = document.add_table(rows=1, cols=1).cell(0, 0) if frame else document
    for kind, content in blocks:
        if kind == "image":
            body.add_paragraph().add_run().add_picture(io.BytesIO(content[0]), width=Inches(6))
            continue
        if kind == "page_break":
            body.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if kind != "table":
            body.add_paragraph(content)
            continue
        placed = place(content)
        width = width_of(placed)
        table = body.add_table(rows=len(content), cols=width)
        grid = table._cells  # once: table.cell() lays out the whole table on every call
        for r, row in enumerate(placed):
            for c, cell in row:
                grid[r * width + c].text = cell.text
                if cell.rows > 1 or cell.cols > 1:
                    grid[r * width + c].merge(grid[(r + cell.rows - 1) * width + c + cell.cols - 1])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_COLUMN_WIDTHS = {4: [30, 70 / 3, 70 / 3, 70 / 3], 10: [5, 10, 29] + [8] * 7, 15: [100 / 15] * 15}  # % of the page


def render_pdf(blocks, noise, rng, repeat_header: bool = False, padding: float | None = None) -> bytes:
    """A PDF with a text layer (reportlab; Noto Sans CJK converted to TrueType, see ``pdf_font``).
    ``repeat_header`` repeats a table's heading rows on every page it runs over; ``padding``
    (points above and below a cell's text) makes tables taller."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    font = pdf_font()
    texts = [c.text for kind, content in blocks if kind == "table" for row in content for c in row]
    missing = set("".join(texts + [content for kind, content in blocks if kind != "table"])) - printable()
    if missing:
        raise ValueError(f"characters not in the PDF font subset (add them to printable()): {''.join(sorted(missing))}")
    style = lambda size, lead: ParagraphStyle(f"s{size}", fontName=font, fontSize=size, leading=lead, wordWrap="CJK")
    styles = {"title": style(16, 24), "heading": style(12, 20), "text": style(11, 17), "cell": style(9, 12)}
    buffer = io.BytesIO()
    page = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60)
    story = []
    for kind, content in blocks:
        if kind == "page_break":
            story.append(PageBreak())
            continue
        if kind != "table":
            story.append(Paragraph(xml_escape(content), styles[kind]))
            continue
        placed = place(content)
        width = width_of(placed)
        grid = [[""] * width for _ in content]
        spans = []
        for r, row in enumerate(placed):
            for c, cell in row:
                grid[r][c] = Paragraph(xml_escape(cell.text), styles["cell"])
                if cell.rows > 1 or cell.cols > 1:
                    spans.append(("SPAN", (c, r), (c + cell.cols - 1, r + cell.rows - 1)))
        heading_rows = next(r for r, row in enumerate(content) if any(c.kind != "head" for c in row))
        table = Table(grid, colWidths=[page.width * w / 100 for w in PDF_COLUMN_WIDTHS.get(width, [100 / width] * width)],
                      repeatRows=heading_rows if repeat_header else 0,
                      splitInRow=1 if repeat_header or padding else 0)  # a merged group label may run over a page
        pads = [(side, (0, 0), (-1, -1), padding) for side in ("TOPPADDING", "BOTTOMPADDING")] if padding else []
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   *spans, *pads]))
        story.append(table)
    page.build(story)
    return buffer.getvalue()


def render_scan(blocks, noise, rng) -> bytes:
    """The PDF's pages as one long grey PNG, as a scanner or a screenshot gives them."""
    import pypdfium2 as pdfium
    from PIL import Image

    pages = [p.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
             for p in pdfium.PdfDocument(render_pdf(blocks, noise, rng))]
    image = Image.new("L", (pages[0].width, sum(p.height for p in pages)), 255)
    for i, p in enumerate(pages):
        image.paste(p, (0, i * pages[0].height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


SCAN_DPI = 150


@cache
def pdf_font() -> str:
    """Register Noto Sans CJK SC (pip package noto-cjk-sans-otc) with reportlab.

    reportlab embeds only TrueType outlines and the package's font has CFF
    (PostScript) outlines, so the characters the generator can print are subset
    with fontTools and their outlines converted to TrueType (cu2qu), in memory.
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, newTable
    from noto_cjk_sans_otc import FONT_PATH
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTCollection(str(FONT_PATH)).fonts[NOTO_SC]
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    options.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(printable()))
    subsetter.subset(font)
    order, glyphs = font.getGlyphOrder(), {}
    glyph_set = font.getGlyphSet()
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    font["loca"], font["glyf"] = newTable("loca"), newTable("glyf")
    font["glyf"].glyphOrder, font["glyf"].glyphs = order, glyphs
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion, maxp.maxZones = 0x00010000, 1
    for name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, name, 0)
    font["head"].glyphDataFormat = 0
    font["post"].formatType, font["post"].extraNames, font["post"].mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    pdfmetrics.registerFont(TTFont(PDF_FONT, buffer))
    return PDF_FONT


PDF_FONT, NOTO_SC = "SyntheticNotoSansSC", 2  # the SC face of the collection


@cache
def printable() -> frozenset[str]:
    """Every character a synthetic report can print (the PDF font is subset to them)."""
    texts = [NOTICE, SECTION3_NOTE, OUTCOMES, TITLE, PERIOD, *HEADINGS, "合成法人或其他组织行政诉讼信息内容第二十条项续表",
             "".join(PLACES), "".join(AGENCY_KINDS), *PROSE.values(), *(s for _, s in FEE_SENTENCES), *Noise.blank_marks, *PRINTED_LABELS.values(),
             *(g for _, g in SECTION3_GROUPS), *SECTION3_PREFIX.values(), "一二三四五六七八九十、",
             *(row["label_zh"] for row in codebook.fields()),
             "".join(chr(i) for i in range(32, 127)), "（）：，。《》“”"]
    return frozenset("".join(texts))


LAYOUTS = {  # layout -> (file suffix, renderer)
    "tabs": (".txt", render_tabs), "pipes": (".txt", render_pipes), "markdown": (".md", render_markdown),
    "crawler": (".txt", render_crawler), "html": (".html", render_html), "docx": (".docx", render_docx),
    "pdf": (".pdf", render_pdf), "scan": (".png", render_scan),
}
TEXT_LAYOUTS = ("tabs", "pipes", "markdown", "crawler")


def available_layouts() -> tuple[str, ...]:
    """Layouts this installation can render: PDF and scans need reportlab and the PDF reader."""
    pdf = importlib.util.find_spec("reportlab") is not None and importlib.util.find_spec("toolkit.readers.pdf") is not None
    return tuple(name for name in LAYOUTS if pdf or name not in ("pdf", "scan"))


# --- one report, many reports ---------------------------------------------------------------

@dataclass
class Synthetic:
    """A rendered synthetic report and what ``read_report`` must give for it."""

    name: str
    layout: str
    data: bytes = field(repr=False)
    expected: dict                          # the record (codebook keys)
    failed: list[tuple]                     # (identity, section, row, column) that must fail
    noise: Noise
    seed: object

    def truth(self) -> dict:
        return {"file": self.name, "layout": self.layout, "seed": self.seed, "noise": asdict(self.noise),
                "expected": self.expected, "failed_identities": [list(f) for f in self.failed]}


def synthesize(seed, layout: str, noise: Noise = Noise(), template: str | None = None) -> Synthetic:
    """One synthetic report: the same ``seed`` gives the same record in every layout."""
    record, fee_sentence = make_record(random.Random(f"{seed}"), template)
    noise = noise.for_layout(layout)
    rng = random.Random(f"{seed}:{layout}")
    failed, guard = break_identities(record, tuple(sorted(set(noise.broken))), rng)
    blank_zeros(record, noise.blanks, guard, rng)
    blocks = document(record, fee_sentence, noise.extra_cell)
    blocks = _apply_noise(blocks, noise, rng, noise.blank_marks + (("",) if layout in GRID else ()))
    data = LAYOUTS[layout][1](blocks, noise, rng)
    return Synthetic(file_name(seed, layout), layout, data, record, failed, noise, seed)


def file_name(seed, layout: str) -> str:
    return f"{PREFIX}{seed}_{layout}{LAYOUTS[layout][0]}"


def check_destination(out_dir: Path) -> Path:
    """Refuse the project's research data folders: synthetic reports never mix with real ones."""
    out_dir = Path(out_dir).resolve()
    for forbidden in (RAW, PROCESSED):
        if out_dir == forbidden.resolve() or forbidden.resolve() in out_dir.parents:
            raise ValueError(f"refusing to write synthetic reports into {forbidden}: that is research data")
    return out_dir


def generate(n: int, out_dir: str | Path, formats=None, seed: int = 0, noise: Noise = Noise()) -> list[Synthetic]:
    """Write ``n`` reports in each of ``formats`` (default: every available layout) to
    ``out_dir``, with their expected records in ``SYNTHETIC_truth.json``."""
    out_dir = check_destination(Path(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        for layout in formats or available_layouts():
            report = synthesize(f"{seed}-{i}", layout, noise)
            (out_dir / report.name).write_bytes(report.data)
            made.append(report)
    truth = [report.truth() for report in made]
    (out_dir / f"{PREFIX}truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m toolkit.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="reports per format")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--formats", nargs="+", choices=list(LAYOUTS), help="layouts (default: all available)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--blanks", type=float, default=0.0, help="share of zero cells printed blank")
    parser.add_argument("--broken", type=int, nargs="*", default=[], choices=[1, 2, 3, 4], help="identities to break")
    args = parser.parse_args(argv)
    try:
        made = generate(args.n, args.out_dir, args.formats, args.seed, Noise(blanks=args.blanks, broken=tuple(args.broken)))
    except ValueError as error:
        parser.error(str(error))
    print(f"wrote {len(made)} synthetic reports to {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
