"""Real-world ways of publishing a report, as synthetic variants (issue 10): never research data.

Each class of ``VARIANTS`` prints a synthetic record (``toolkit.synthetic``) the way
some agencies publish: merged or repeated cells, tables continued or split, other
headings, misprinted labels, other units' tables beside the agency's, numbers with
separators, fee sentences, tracked changes, tables pasted as pictures, skewed scans.
``variant(seed, name)`` gives the file and the record it prints: where the variant
hides a value, the expectation is what is printed. ``compare`` is the oracle: every
cell right, null (with or without a note saying why) or wrong.

>>> report = variant(3, "groups_repeated_html")
>>> report.name, "合成" in report.expected["agency"]
('SYNTHETIC_3_groups_repeated_html.html', True)
"""
from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from toolkit import codebook
from toolkit.synthetic import (
    HEADINGS, LAYOUTS, PREFIX, PROSE, SCAN_DPI, Cell, Noise, Synthetic, document, label, make_record, place,
    render_docx, render_pdf, section2_table, section3_table, section4_table, _text_rows,
)

SECTIONS = ("section2", "section3", "section4")
PLAIN = Noise()


@dataclass
class Draft:
    """A report on its way to print: the record it must read as, its blocks, the draws."""

    record: dict
    fee_sentence: str
    rng: random.Random
    blocks: list = field(default_factory=list)
    revisions: list = field(default_factory=list)  # tracked changes: (table, row, column, kind, old)


@dataclass(frozen=True)
class Variant:
    """How one class of publishing prints: the layout (file type and renderer), steps on
    the record before printing (``before``) and on the printed blocks (``edits``)."""

    layout: str
    edits: tuple[Callable, ...] = ()
    before: tuple[Callable, ...] = ()
    options: tuple[tuple[str, object], ...] = ()  # renderer keyword arguments
    render: Callable | None = None                # (draft) -> bytes, instead of the layout's renderer

    @property
    def ocr(self) -> bool:
        """Read by OCR: seconds per report."""
        return self.layout == "scan" or picture_table in self.edits


# --- finding the tables in the blocks ----------------------------------------------------

def table_index(blocks: list, section: str) -> int:
    """Block index of a section's table (the agency's own: the n-th table printed)."""
    tables = [i for i, (kind, _) in enumerate(blocks) if kind == "table"]
    return tables[SECTIONS.index(section)]


def set_table(draft: Draft, section: str, rows: list) -> None:
    draft.blocks[table_index(draft.blocks, section)] = ("table", rows)


def get_table(draft: Draft, section: str) -> list:
    return draft.blocks[table_index(draft.blocks, section)][1]


def head_rows(rows: list) -> int:
    """How many heading rows a table opens with."""
    return next(r for r, row in enumerate(rows) if any(c.kind != "head" for c in row))


def _rows_from(placed: list) -> list:
    return [[cell for _, cell in sorted(row, key=lambda item: item[0])] for row in placed]


def split_rows(rows: list, at: int, continued: str = "") -> tuple[list, list]:
    """The rows before ``at`` and from ``at`` on; a cell merged down across the cut ends
    there and its rest becomes a cell of ``continued`` text, as a page break leaves it."""
    placed = [list(row) for row in place(rows)]
    for r, row in enumerate(placed[:at]):
        for i, (column, cell) in enumerate(row):
            if r + cell.rows > at:
                row[i] = (column, replace(cell, rows=at - r))
                placed[at].append((column, replace(cell, text=continued, rows=r + cell.rows - at)))
    placed = _rows_from(placed)
    return placed[:at], placed[at:]


def cut_points(rows: list, kinds=("label",)) -> list[int]:
    """Rows a table can be cut before: data rows past the first ones that no merged
    cell other than the outcome column crosses."""
    start = head_rows(rows) + 3
    placed = place(rows)
    crossing = {r + k for r, row in enumerate(placed) for _, c in row
                if c.kind == "group" and c.rows < 10 for k in range(1, c.rows)}
    return [r for r in range(start, len(rows) - 1) if r not in crossing]


# --- grid formats ---------------------------------------------------------------------

def label_blank_cell(draft: Draft) -> None:
    """A label over two or three label columns printed in one, the rest left as empty cells."""
    def row_of(row):
        out = []
        for cell in row:
            if cell.kind == "label" and cell.cols > 1:
                out += [replace(cell, cols=1)] + [Cell("", "empty")] * (cell.cols - 1)
            else:
                out.append(cell)
        return out
    set_table(draft, "section3", [row_of(row) for row in get_table(draft, "section3")])


def value_colspan(draft: Draft) -> None:
    """商业企业 over two grid columns, its heading and every value cell under it."""
    rows = [list(row) for row in get_table(draft, "section3")]
    business = label("section3", codebook.SECTION3_COLUMNS[1], "*")
    rows[0][1] = replace(rows[0][1], cols=rows[0][1].cols + 1)
    rows[1][1] = replace(rows[1][1], cols=rows[1][1].cols + 1)
    rows[2] = [replace(c, cols=2) if c.text == business else c for c in rows[2]]
    for row in rows[3:]:
        at = len(row) - 6  # the second of the seven values
        row[at] = replace(row[at], cols=2)
    set_table(draft, "section3", rows)


def groups_repeated(draft: Draft) -> None:
    """Group labels (三、本年度办理结果, (三)不予公开…) printed on every row of the group."""
    rows = get_table(draft, "section3")
    placed = [list(row) for row in place(rows)]
    for r, row in enumerate(place(rows)):
        for column, cell in row:
            if cell.kind == "group" and cell.rows > 1:
                placed[r] = [(c, replace(x, rows=1) if c == column else x) for c, x in placed[r]]
                for k in range(1, cell.rows):
                    placed[r + k].append((column, replace(cell, rows=1)))
    set_table(draft, "section3", _rows_from(placed))


def header_repeated(draft: Draft) -> None:
    """The heading rows printed again in the middle of the table, where a page broke."""
    rows = get_table(draft, "section3")
    top, bottom = split_rows(rows, draft.rng.choice(cut_points(rows)))
    set_table(draft, "section3", top + rows[:head_rows(rows)] + bottom)


def continued(draft: Draft) -> None:
    """The table split in two, 续表 between, the second part under the headings again."""
    rows = get_table(draft, "section3")
    top, bottom = split_rows(rows, draft.rng.choice(cut_points(rows)))
    at = table_index(draft.blocks, "section3")
    draft.blocks[at:at + 1] = [("table", top), ("text", draft.rng.choice(("续表", "（续表）", "续表："))),
                               ("table", rows[:head_rows(rows)] + bottom)]


REMARKS = ("", "无")


def remarks_column(draft: Draft) -> None:
    """A 备注 column after the totals of sections 三 and 四, empty or with remarks such as 无."""
    kind = draft.rng.choice(("empty", "无", "mixed"))
    remark = lambda: {"empty": "", "无": "无"}.get(kind) or draft.rng.choice(REMARKS)
    for section in ("section3", "section4"):
        rows = get_table(draft, section)
        heads = head_rows(rows)
        out = [row + [Cell("备注", "head", rows=heads)] if r == 0 else
               (row if r < heads else row + [Cell(remark(), "remark")]) for r, row in enumerate(rows)]
        set_table(draft, section, out)


def section4_split(draft: Draft) -> None:
    """Section 四 as two tables: 行政复议, then 行政诉讼."""
    rows = get_table(draft, "section4")
    heads = [label("section4", c, "*") for c in codebook.SECTION4_COLUMNS]
    groups = [label("section4", g, "*") for g in codebook.SECTION4_GROUPS]
    values = rows[-1]
    first = [[Cell(groups[0], "head", cols=5)], [Cell(h, "head") for h in heads], values[:5]]
    second = [[Cell("行政诉讼", "head", cols=10)],
              [Cell(groups[1], "head", cols=5), Cell(groups[2], "head", cols=5)],
              [Cell(h, "head") for h in heads * 2], values[5:15]]
    at = table_index(draft.blocks, "section4")
    draft.blocks[at:at + 1] = [("table", first), ("table", second)]


# --- where tables sit -------------------------------------------------------------------

PAREN_NUMBERS = "一二三四五六"


def headings_parenthesised(draft: Draft) -> None:
    """Section headings numbered （一）…（六） instead of 一、…六、."""
    _retitle(draft, {h: f"（{PAREN_NUMBERS[i]}）{h[2:]}" for i, h in enumerate(HEADINGS)})


def headings_unnumbered(draft: Draft) -> None:
    """Section headings without their numbers."""
    _retitle(draft, {h: h[2:] for h in HEADINGS})


def _retitle(draft: Draft, new: dict) -> None:
    draft.blocks = [(kind, new.get(content, content)) if kind == "heading" else (kind, content)
                    for kind, content in draft.blocks]


NARRATIVE = ("一、总体情况", "二、主动公开工作", "三、依申请公开工作", "四、存在的主要问题及改进情况", "五、其他需要报告的事项")
TABLE_CAPTIONS = ("表二：主动公开政府信息情况", "表三：收到和处理政府信息公开申请情况", "表四：政府信息公开行政复议、行政诉讼情况")


def narrative_with_tables_after(draft: Draft) -> None:
    """A narrative numbered its own way, the statistics tables appended after it (表二…表四)."""
    blocks = draft.blocks
    tables = [content for kind, content in blocks if kind == "table"]
    prose = [content for kind, content in blocks if kind == "text"]
    preamble = [b for b in blocks[:3]]
    body = [("heading", NARRATIVE[0]), ("text", prose[2]),
            ("heading", NARRATIVE[1]), ("text", "本机关依法主动公开政府信息，具体数据见表二。"),
            ("heading", NARRATIVE[2]), ("text", "本机关依法办理政府信息公开申请，具体数据见表三、表四。"),
            ("heading", NARRATIVE[3]), ("text", PROSE["section5"]),
            ("heading", NARRATIVE[4]), ("text", draft.fee_sentence),
            ("text", "附件：政府信息公开情况统计表")]
    for caption, table in zip(TABLE_CAPTIONS, tables):
        body += [("text", caption), ("table", table)]
    draft.blocks = preamble + body


def render_converter_markdown(draft: Draft) -> bytes:
    """Markdown as PDF converters write it: every grid column a pipe cell (merged areas
    empty), wrapped labels joined by <br>, some labels on a row of their own above their numbers."""
    rng, out = draft.rng, []
    for kind, content in draft.blocks:
        if kind != "table":
            out += [content, ""]
            continue
        lines = [line for row in _text_rows(content, Noise(split_label=0.3), rng) for line in row]
        width = max(map(len, lines))
        lines = [[_wrapped(cell, rng) for cell in line + [""] * (width - len(line))] for line in lines]
        pipe = lambda line: "| " + " | ".join(line) + " |"
        out += [pipe(lines[0]), "|" + "---|" * width, *map(pipe, lines[1:]), ""]
    return "\n".join(out).encode("utf-8")


def _wrapped(text: str, rng: random.Random) -> str:
    """A long cell text broken by <br> between two Chinese characters, half the time."""
    places = [i for i in range(3, len(text) - 2) if _cjk(text[i - 1]) and _cjk(text[i])]
    if len(text) < 8 or not places or rng.random() < 0.5:
        return text
    at = rng.choice(places)
    return text[:at] + "<br>" + text[at:]


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --- misprinted and variant labels ---------------------------------------------------------

PREFIX_PATTERN = re.compile(r"^(\([一二三四五六七]\)|[一二三四]、|\d+\.)")


def _labels(draft: Draft):
    """(section, row index, cell index) of every row label of sections 二 and 三."""
    for section in ("section2", "section3"):
        for r, row in enumerate(get_table(draft, section)):
            for i, cell in enumerate(row):
                if cell.kind == "label":
                    yield section, r, i


def _relabel(draft: Draft, section: str, r: int, i: int, text: str) -> None:
    rows = [list(row) for row in get_table(draft, section)]
    rows[r][i] = replace(rows[r][i], text=text)
    set_table(draft, section, rows)


def _body(text: str) -> tuple[str, str]:
    match = PREFIX_PATTERN.match(text)
    return (match.group(0), text[match.end():]) if match else ("", text)


def _distance(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def labels_misprinted(draft: Draft) -> None:
    """One to three row labels with a character missing or two swapped, each still closer
    to its own label than to any other (a reader would not hesitate)."""
    found = list(_labels(draft))
    bodies = {section: [_body(get_table(draft, section)[r][i].text)[1] for s, r, i in found if s == section]
              for section in ("section2", "section3")}
    for section, r, i in draft.rng.sample(found, 3):
        prefix, body = _body(get_table(draft, section)[r][i].text)
        if len(body) < 5:
            continue
        at = draft.rng.randrange(1, len(body) - 2)
        typo = (body[:at] + body[at + 1:] if draft.rng.random() < 0.5
                else body[:at] + body[at + 1] + body[at] + body[at + 2:])
        others = [b for b in bodies[section] if b != body]
        if typo != body and all(_distance(typo, b) >= 4 and typo not in b for b in others):
            _relabel(draft, section, r, i, prefix + typo)


def labels_qita(draft: Draft) -> None:
    """其它 for 其他 in every table cell."""
    for section in SECTIONS:
        set_table(draft, section, [[replace(c, text=c.text.replace("其他", "其它")) for c in row]
                                   for row in get_table(draft, section)])


def labels_dunhao(draft: Draft) -> None:
    """A 顿号 inside one to three row labels."""
    for section, r, i in draft.rng.sample(list(_labels(draft)), 3):
        prefix, body = _body(get_table(draft, section)[r][i].text)
        places = [k for k in range(2, len(body) - 1) if _cjk(body[k - 1]) and _cjk(body[k])]
        if places:
            at = draft.rng.choice(places)
            _relabel(draft, section, r, i, prefix + body[:at] + "、" + body[at:])


SUB_NUMBERS = {  # style -> how sub-row n is numbered
    "dunhao": lambda n: f"{n}、", "brackets": lambda n: f"({n})", "full_brackets": lambda n: f"（{n}）",
    "circled": lambda n: chr(0x245F + n), "full_stop": lambda n: f"{n}．",
}


def labels_numbering(draft: Draft) -> None:
    """Sub-rows of section 三 numbered 1、 (1) （1） ① or 1． instead of 1."""
    number = SUB_NUMBERS[draft.rng.choice(sorted(SUB_NUMBERS))]
    rows = [[replace(c, text=re.sub(r"^(\d+)\.", lambda m: number(int(m.group(1))), c.text)) if c.kind == "label" else c
             for c in row] for row in get_table(draft, "section3")]
    set_table(draft, "section3", rows)


# --- one document, several tables ---------------------------------------------------------

UNITS = ("合成信息中心", "合成服务中心", "合成执法大队", "合成事务所", "合成管理站")


def _tables_of(record: dict) -> dict:
    return {"section2": section2_table(record["section2"], record["section2_template"]),
            "section3": section3_table(record["section3"], record["section3_template"]),
            "section4": section4_table(record["section4"], False)}


def _other_record(draft: Draft) -> dict:
    return make_record(draft.rng, draft.record["section3_template"])[0]


def subordinate_units(draft: Draft) -> None:
    """Each table followed by the tables of one or two subordinate units, under a caption
    naming the unit; the agency's own table comes first (sometimes captioned 本级)."""
    agency = draft.record["agency"]
    units = draft.rng.sample(UNITS, draft.rng.randint(1, 2))
    others = [_tables_of(_other_record(draft)) for _ in units]
    own = draft.rng.random() < 0.5
    for section in reversed(SECTIONS):
        at = table_index(draft.blocks, section)
        extra = [b for unit, tables in zip(units, others)
                 for b in (("text", f"{agency}下属{unit}"), ("table", tables[section]))]
        draft.blocks[at + 1:at + 1] = extra
        if own:
            draft.blocks.insert(at, ("text", f"{agency}本级"))


def two_years(draft: Draft) -> None:
    """This year's tables followed by last year's, each under its year."""
    year = draft.record["year"]
    last = _tables_of(_other_record(draft))
    for section in reversed(SECTIONS):
        at = table_index(draft.blocks, section)
        draft.blocks[at + 1:at + 1] = [("text", f"{year - 1}年"), ("table", last[section])]
        draft.blocks.insert(at, ("text", f"{year}年"))


# --- numbers --------------------------------------------------------------------------

def large_numbers(draft: Draft) -> None:
    """Counts in the thousands: section 三's 自然人 grants (identities kept) and section 二's
    decisions and fees."""
    extra = draft.rng.randint(1000, 40000)
    section3 = draft.record["section3"]
    for row in ("granted", "total_processed", "new_received"):
        for column in (0, 6):
            section3[row][column] += extra
    section2 = draft.record["section2"]
    for item, columns in section2.items():
        for column in columns:
            if column in ("decisions", "in_force") and draft.rng.random() < 0.5:
                columns[column] = draft.rng.randint(1000, 99999)
            if column == "amount_10k_yuan" and draft.rng.random() < 0.5:
                columns[column] = round(draft.rng.uniform(1000, 99999), 4)


def _renumber(draft: Draft, form: Callable) -> None:
    for section in SECTIONS:
        set_table(draft, section, [[replace(c, text=form(c.text, draft.rng)) if c.kind == "value" else c
                                    for c in row] for row in get_table(draft, section)])


def _grouped(text: str, separator: str) -> str:
    whole, dot, decimals = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    if not digits.isdigit():
        return text
    return sign + f"{int(digits):,}".replace(",", separator) + dot + decimals


def numbers_thousands(draft: Draft) -> None:
    """Thousands separators: 1,200."""
    _renumber(draft, lambda text, rng: _grouped(text, ","))


def numbers_spaced(draft: Draft) -> None:
    """Digits spaced inside a cell: 13 290 (thousands), sometimes 2 4 0 (every digit)."""
    def form(text, rng):
        if text.isdigit() and 10 <= int(text) < 1000 and rng.random() < 0.3:
            return " ".join(text)
        return _grouped(text, " ")
    _renumber(draft, form)


FULL_WIDTH_DIGITS = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def numbers_full_width(draft: Draft) -> None:
    """Full-width digits: １２."""
    _renumber(draft, lambda text, rng: text.translate(FULL_WIDTH_DIGITS))


# --- fees ---------------------------------------------------------------------------

UNPAID = (  # fee notices sent, nothing collected: 0
    "本年度向申请人发出收费通知{n}件，申请人均未缴纳，实际未收取信息处理费。",
    "本年度发出信息处理费收费通知{n}份，因申请人逾期未缴费，未实际收取费用。",
    "本年度发出收费通知{n}件，申请人未缴纳，实际收取信息处理费0元。",
)


def fee_thousands(draft: Draft) -> None:
    """A fee in the thousands of 元, with a separator: 1,200元."""
    amount = draft.rng.randint(1000, 99999)
    draft.record["processing_fee_yuan"] = amount
    draft.fee_sentence = f"本年度共收取信息处理费{amount:,}元。"


def fee_unpaid(draft: Draft) -> None:
    """Fee notices sent but never paid: the sentence says nothing was collected (0)."""
    draft.record["processing_fee_yuan"] = 0
    draft.fee_sentence = draft.rng.choice(UNPAID).format(n=draft.rng.randint(1, 5))


def fee_line_break(draft: Draft) -> None:
    """The fee sentence broken by a line break (inside a word, never inside the amount)."""
    amount = draft.rng.randint(1, 5000)
    draft.record["processing_fee_yuan"] = amount
    sentence = f"本年度共收取信息处理费{amount}元。"
    at = draft.rng.choice([i for i in range(3, sentence.index(str(amount)) + 1)])
    draft.fee_sentence = sentence[:at] + "\n" + sentence[at:]


def fee_heading_qita(draft: Draft) -> None:
    """Section 六 headed 其它需要报告的事项."""
    _retitle(draft, {HEADINGS[5]: HEADINGS[5].replace("其他", "其它")})


# --- Word: tracked changes ----------------------------------------------------------------

REVISIONS = ("replaced", "inserted", "digit_deleted", "deleted")


def tracked_changes(draft: Draft) -> None:
    """Three or four section 三 values edited with track changes on: the value shown once
    changes are accepted is printed; a value deleted outright leaves the cell blank (None)."""
    rows = get_table(draft, "section3")
    placed = place(rows)
    names = list(draft.record["section3"])
    cells = [(r, column, i) for r, row in enumerate(placed) if r >= 3
             for i, (column, cell) in enumerate([(c, x) for c, x in row if x.kind == "value"])]
    names_of = lambda cell: names[cell[0] - 3]
    nonzero = [c for c in cells if draft.record["section3"][names_of(c)][c[2]]]
    for r, column, i in draft.rng.sample(nonzero if len(nonzero) >= 4 else cells, 4):
        kind = draft.rng.choice(REVISIONS)
        value = draft.record["section3"][names[r - 3]][i]
        draft.revisions.append((r, column, kind, str(value), str(value + draft.rng.randint(1, 9))))
        if kind == "deleted":
            draft.record["section3"][names[r - 3]][i] = None


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REVISION_XML = {  # kind -> the cell paragraph's content: {value} shown, {old} the text replaced
    "replaced": '<w:del {a}><w:r><w:delText>{old}</w:delText></w:r></w:del><w:ins {b}><w:r><w:t>{value}</w:t></w:r></w:ins>',
    "inserted": '<w:ins {a}><w:r><w:t>{value}</w:t></w:r></w:ins>',
    "digit_deleted": '<w:r><w:t>{value}</w:t></w:r><w:del {a}><w:r><w:delText>{digit}</w:delText></w:r></w:del>',
    "deleted": '<w:del {a}><w:r><w:delText>{value}</w:delText></w:r></w:del>',
}


def render_tracked_docx(draft: Draft) -> bytes:
    """The Word document with the revisions of ``tracked_changes`` written into section 三's cells."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(io.BytesIO(render_docx(draft.blocks, PLAIN, draft.rng)))
    table = document.tables[1]
    width = len(table.columns)
    for n, (r, column, kind, value, old) in enumerate(draft.revisions):
        paragraph = table._cells[r * width + column].paragraphs[0]._p
        for run in list(paragraph):
            if run.tag == f"{{{W}}}r":
                paragraph.remove(run)
        attributes = [f'w:id="{900 + 2 * n + k}" w:author="合成" w:date="2024-01-01T00:00:00Z"' for k in (0, 1)]
        xml = REVISION_XML[kind].format(a=attributes[0], b=attributes[1], value=value, old=old, digit=old[-1])
        for element in parse_xml(f'<w:root xmlns:w="{W}">{xml}</w:root>'):
            paragraph.append(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- pictures and scans ------------------------------------------------------------------

def picture_table(draft: Draft) -> None:
    """One statistics table pasted as a picture (150 dpi) instead of a table."""
    section = draft.rng.choice(SECTIONS)
    at = table_index(draft.blocks, section)
    draft.blocks[at] = ("image", (table_png(draft.blocks[at][1], draft.rng), None))


def _pages(blocks: list, rng: random.Random, angle: float = 0.0) -> list:
    import pypdfium2 as pdfium
    from PIL import Image

    pages = [p.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
             for p in pdfium.PdfDocument(render_pdf(blocks, PLAIN, rng))]
    return [p.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255) if angle else p for p in pages]


def _stacked(pages: list):
    from PIL import Image

    image = Image.new("L", (max(p.width for p in pages), sum(p.height for p in pages)), 255)
    top = 0
    for page in pages:
        image.paste(page, (0, top))
        top += page.height
    return image


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def table_png(rows: list, rng: random.Random) -> bytes:
    """A table as a screenshot: printed alone, cropped to its lines with a white margin."""
    from PIL import ImageOps

    image = _stacked(_pages([("table", rows)], rng))
    left, top, right, bottom = ImageOps.invert(image).getbbox()
    margin = 20
    return _png(image.crop((left - margin, top - margin, right + margin, bottom + margin)))


def render_rotated_scan(draft: Draft) -> bytes:
    """Each page scanned at 150 dpi turned by 1 to 3 degrees either way (white corners)."""
    angle = draft.rng.choice((-1, 1)) * draft.rng.uniform(1.0, 3.0)
    return _png(_stacked(_pages(draft.blocks, draft.rng, angle)))


# --- the classes ----------------------------------------------------------------------------

PDF_PADDING = (6, 10, 14)  # points above and below each cell's text: the tables run over pages


def _grid(edit: Callable) -> dict:
    """The class in a web page and in a Word document."""
    return {f"{edit.__name__}_{layout}": Variant(layout, (edit,)) for layout in ("html", "docx")}


VARIANTS: dict[str, Variant] = {
    **_grid(label_blank_cell), **_grid(value_colspan), **_grid(groups_repeated), **_grid(header_repeated),
    **_grid(continued), **_grid(remarks_column), **_grid(section4_split),
    "frame_html": Variant("html", options=(("frame", True),)),
    "frame_docx": Variant("docx", options=(("frame", True),)),
    "pdf_repeat_header": Variant("pdf", options=(("repeat_header", True),)),
    "headings_parenthesised_tabs": Variant("tabs", (headings_parenthesised,)),
    "headings_unnumbered_html": Variant("html", (headings_unnumbered,)),
    "narrative_html": Variant("html", (narrative_with_tables_after,)),
    "narrative_docx": Variant("docx", (narrative_with_tables_after,)),
    "converter_markdown": Variant("markdown", render=render_converter_markdown),
    "labels_misprinted_tabs": Variant("tabs", (labels_misprinted,)),
    "labels_misprinted_html": Variant("html", (labels_misprinted,)),
    "labels_qita_html": Variant("html", (labels_qita,)),
    "labels_dunhao_tabs": Variant("tabs", (labels_dunhao,)),
    "labels_numbering_tabs": Variant("tabs", (labels_numbering,)),
    "labels_numbering_docx": Variant("docx", (labels_numbering,)),
    "subordinate_units_html": Variant("html", (subordinate_units,)),
    "subordinate_units_docx": Variant("docx", (subordinate_units,)),
    "two_years_html": Variant("html", (two_years,)),
    "numbers_spaced_html": Variant("html", (numbers_spaced,), before=(large_numbers,)),
    "numbers_spaced_docx": Variant("docx", (numbers_spaced,), before=(large_numbers,)),
    "numbers_thousands_tabs": Variant("tabs", (numbers_thousands,), before=(large_numbers,)),
    "numbers_thousands_html": Variant("html", (numbers_thousands,), before=(large_numbers,)),
    "numbers_full_width_tabs": Variant("tabs", (numbers_full_width,), before=(large_numbers,)),
    "fee_thousands_tabs": Variant("tabs", before=(fee_thousands,)),
    "fee_unpaid_html": Variant("html", before=(fee_unpaid,)),
    "fee_line_break_tabs": Variant("tabs", before=(fee_line_break,)),
    "fee_line_break_docx": Variant("docx", before=(fee_line_break,)),
    "fee_heading_qita_html": Variant("html", (fee_heading_qita,)),
    "tracked_changes_docx": Variant("docx", (tracked_changes,), render=render_tracked_docx),
    "picture_table_docx": Variant("docx", (picture_table,)),
    "picture_table_html": Variant("html", (picture_table,)),
    "scan_rotated": Variant("scan", render=render_rotated_scan),
}


def variant(seed, name: str) -> Synthetic:
    """One report of variant class ``name``: the same ``seed`` draws the same record as
    ``synthesize`` (before the variant changes what is printed)."""
    how = VARIANTS[name]
    record, fee_sentence = make_record(random.Random(f"{seed}"))
    draft = Draft(record, fee_sentence, random.Random(f"{seed}:{name}"))
    for step in how.before:
        step(draft)
    draft.blocks = document(draft.record, draft.fee_sentence)
    for edit in how.edits:
        edit(draft)
    if how.layout == "pdf" and dict(how.options).get("repeat_header"):
        options = {**dict(how.options), "padding": draft.rng.choice(PDF_PADDING)}
    else:
        options = dict(how.options)
    data = how.render(draft) if how.render else LAYOUTS[how.layout][1](draft.blocks, PLAIN, draft.rng, **options)
    return Synthetic(f"{PREFIX}{seed}_{name}{LAYOUTS[how.layout][0]}", name, data, draft.record, [], PLAIN, seed)


# --- the oracle ------------------------------------------------------------------------------

FEE = "processing_fee_yuan"


def cells(record: dict):
    """(section, row, column) -> value of sections 二, 三 and 四, and the fee."""
    for section in SECTIONS:
        for row, values in (record.get(section) or {}).items():
            items = values.items() if isinstance(values, dict) else enumerate(values)
            for column, value in items:
                yield (section, row, column), value
    yield ("section6", FEE, None), record.get(FEE)


def explained(notes: list[str], section: str, row: str) -> bool:
    """A note names the cell's section and its row, or speaks of the whole section
    (naming none of its rows)."""
    named = lambda name, note: re.search(rf"(?<![a-z_]){name}(?![a-z_])", note) is not None
    for note in notes:
        if note.startswith(section) and (named(row, note) or not any(named(name, note) for name in _ROWS[section])):
            return True
    return False


_ROWS = {"section2": tuple(codebook.section2_layout("2019")) + tuple(codebook.section2_layout("2021")),
         "section3": codebook.section3_rows("2019") + codebook.section3_rows("2021"),
         "section4": tuple(codebook.SECTION4_GROUPS), "section6": (FEE,)}


def _same(got, expected) -> bool:
    if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
        return abs(got - expected) < 0.005
    return got == expected


def compare(read: dict, expected: dict) -> list[tuple]:
    """Every expected cell as (key, read, expected, verdict): right, null (with a note
    naming its section and row), unexplained (null without one) or wrong (a number
    that is not the printed one)."""
    got = dict(cells(read))
    notes = read.get("notes", [])
    out = []
    for key, value in cells(expected):
        found = got.get(key)
        if _same(found, value):
            verdict = "right"
        elif found is None:
            verdict = "null" if explained(notes, key[0], key[1]) else "unexplained"
        else:
            verdict = "wrong"
        out.append((key, found, value, verdict))
    return out
