"""Review pages: every extracted number beside the place in the report it was read from.

``write_review(processed, out)`` reads what ``extract`` wrote (``records/*.json`` and
``corrections_applied.parquet``) and writes ``index.html``, one row per report, and a
page per report: sections 二, 三 and 四 laid out as the report prints them, every cell
marked (printed, blank, unread, part of a failed identity, corrected), and beside them
the source (``review_source``). Clicking a cell says where it was read and gives a line
for ``data/corrections.csv``. The pages are static files: no server, nothing fetched.

    python -m toolkit review data/processed --out reports/review
"""
from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from toolkit import codebook, tidy
from toolkit.checks import Finding
from toolkit.codebook import SECTION3_COLUMNS, SECTION4_COLUMNS, SECTION4_GROUPS
from toolkit.corpus import load_records
from toolkit.stored import loaded
from toolkit.corrections import NAMES as CORRECTABLE
from toolkit.grid_tables import SECTION4_GROUP_HEADINGS
from toolkit.outputs import record_file
from toolkit.report import Report
from toolkit.review_assets import SCRIPT, STYLE
from toolkit.review_source import Place, Source, show_source

SECTION_TITLES = {"section2": "二、主动公开政府信息情况", "section3": "三、收到和处理政府信息公开申请情况",
                  "section4": "四、政府信息公开行政复议、行政诉讼情况"}
STATUSES = {  # class -> what the legend says
    "printed": "printed: a number as the report prints it",
    "blank": "blank: the report prints nothing there (blank, /, —, 无)",
    "unread": "unread: printed, but the toolkit could not read it (the notes say why)",
    "failed": "part of a failed identity (the total that does not add up is outlined)",
    "corrected": "corrected in data/corrections.csv (printed → corrected)",
}
NUMERALS = "一二三四五六七八九十"
NO_CORRECTION = {  # why a cell cannot be named in data/corrections.csv
    "section2": "Corrections are not available for section 二: data/corrections.csv corrects the harmonised "
                "rows and columns of sections 三 and 四 only.",
    "summed": "Corrections are not available for this row of the 2021 template: the harmonised layer sums it into "
              "other_processing, and a correction names that row (section3.other_processing.<column>).",
}


class ReviewError(ValueError):
    """A folder the review pages cannot be made from; the message says what to do."""


@dataclass
class Cell:
    """One value of a record as the page shows it."""

    key: str  # section.row.column, as data/corrections.csv names it
    value: object
    status: str  # printed, blank or unread
    checks: list[str] = field(default_factory=list)  # messages of the failed identities it is part of
    checked_total: bool = False  # the printed total of a failed identity
    corrected: object = None  # the corrected value, when a correction applied


def write_review(processed: str | Path, out: str | Path, progress: bool = False) -> Path:
    """Write ``index.html`` and one page per record of ``processed`` into ``out``; returns the index."""
    processed, out = Path(processed), Path(out)
    reports = _reports(processed)
    corrections = _corrections(processed)
    out.mkdir(parents=True, exist_ok=True)
    names = page_names([r.name for r in reports])
    rows = []
    with tqdm(reports, desc="Review pages", unit="report", disable=not progress) as bar:
        for report in bar:
            mine = corrections[corrections["report"] == report.name]
            page, summary = review_page(report, mine, out, names[report.name])
            (out / f"{names[report.name]}.html").write_text(page, encoding="utf-8")
            rows.append(summary)
    index = out / "index.html"
    index.write_text(index_page(rows, processed), encoding="utf-8")
    return index


def _reports(processed: Path) -> list[Report]:
    if not processed.is_dir():
        raise ReviewError(f"{processed}: no such folder (give the folder extract wrote, e.g. data/processed)")
    if not any((processed / "records").glob("*.json")):
        raise ReviewError(f"{processed}: no records in {processed / 'records'} (run `python -m toolkit extract "
                          f"<reports> --out {processed}` first)")
    try:
        reports = loaded(load_records(processed).reports)  # each record read once, not at every look
    except (ValueError, KeyError, TypeError) as error:
        raise ReviewError(f"{processed / 'records'}: a record cannot be read ({type(error).__name__}: {error}): "
                          "extract again") from error
    return sorted(reports, key=lambda r: (r.record["agency"] or "", r.record["year"] or 0, r.name))


def _corrections(processed: Path) -> pd.DataFrame:
    path = processed / "corrections_applied.parquet"
    columns = ["report", "field", "printed_value", "corrected_value", "source", "status"]
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=columns)


def page_names(names: list[str]) -> dict[str, str]:
    """Report name -> its page's file name without ``.html``: the file's stem, or its whole
    name where another report has that stem (a.txt and a.html) or the stem is another's
    whole name, escaped as records are (``outputs.record_file``); so no two meet, and
    none is the index. (Every report name has a suffix: readers go by it.)

    >>> page_names(["004.txt", "a.txt", "a.html", "a.txt.pdf", "2023/b.pdf", "index.txt"])
    {'004.txt': '004', 'a.txt': 'a.txt', 'a.html': 'a.html', 'a.txt.pdf': 'a.txt.pdf', '2023/b.pdf': '2023%2Fb', 'index.txt': 'index.txt'}
    """
    escaped = {name: record_file(name).removesuffix(".json") for name in names}
    stems = {name: escaped[name].rsplit(".", 1)[0] for name in names}
    counts = Counter(stems.values())
    taken = set(escaped.values()) | {"index"}
    return {name: stems[name] if counts[stems[name]] == 1 and stems[name] not in taken else escaped[name]
            for name in names}


# --- one report ------------------------------------------------------------------------

def review_page(report: Report, corrections: pd.DataFrame, out: Path, stem: str) -> tuple[str, dict]:
    """One report's page and its row of the index."""
    cells = report_cells(report, corrections)
    places = {key: _place(report, key) for key in cells}
    source = show_source(report.to_dict(), places, out, stem)
    unread = sum(cell.status == "unread" for cell in cells.values())
    corrected = sum(cell.corrected is not None for cell in cells.values())
    summary = {"page": f"{stem}.html", "report": report.name, "agency": report.record["agency"],
               "year": report.record["year"], "format": report.provenance["format"], "checks": len(report.checks),
               "unread": unread, "corrected": corrected, "source": source.path is not None}
    info = {"report": report.name, "no_correction": NO_CORRECTION,
            "rows": {key.rsplit(".", 1)[0]: _row_info(report, key, places[key]) for key in cells},
            "cells": {key: _cell_info(cell, places[key]) for key, cell in cells.items()}}
    if report.record.get("legacy"):
        body = _legacy_table(report.record["legacy"])
        summary["checks"] = len(report.record["legacy"]["checks"])
        summary["unread"] = sum(row["value"] is None for row in report.record["legacy"]["rows"])
    else:
        body = "".join(_section(report, section, cells) for section in SECTION_TITLES)
    page = _PAGE.format(
        title=html.escape(f"{report.record['agency'] or '?'} {report.record['year'] or ''} · {report.name}"),
        css=STYLE, js=SCRIPT,
        heading=_heading(report, unread, corrected, source, corrections, cells),
        legend=_legend(), tables=body, notes=_notes(report),
        source=_source_html(report, source),
        cells=json.dumps(info, ensure_ascii=False).replace("</", "<\\/"),
    )
    return page, summary


def _place(report: Report, key: str) -> Place:
    """Where the record says a cell's row was read: its location and its line of the text."""
    section, row, _ = key.split(".")
    table = report.provenance["tables"].get(section, {})
    return Place(at=table.get("read_at", {}).get(row), line=table.get("rows", {}).get(row))


def report_cells(report: Report, corrections: pd.DataFrame) -> dict[str, Cell]:
    """Every value of sections 二, 三 and 四, keyed ``section.row.column``, with its
    status, the failed identities it is part of and any correction applied."""
    statuses = {}
    for section, (make, by) in {"section2": (tidy.section2_table, "item"), "section3": (tidy.section3_table, "row"),
                                "section4": (tidy.section4_table, "group")}.items():
        for row, column, value, status in make([report])[[by, "column", "value", "status"]].itertuples(index=False):
            statuses[f"{section}.{row}.{column}"] = (None if pd.isna(value) else value, status)
    cells = {key: Cell(key, value, status) for key, (value, status) in statuses.items()}
    section3_rows = list(report.record["section3"] or {})
    for finding in report.checks:
        for key, total in identity_cells(finding, section3_rows):
            if key in cells:
                cells[key].checks.append(finding.message)
                cells[key].checked_total |= total
    for row in corrections.itertuples(index=False):
        if row.status == "applied" and row.field in cells:
            cells[row.field].corrected = row.corrected_value
    return cells


def identity_cells(finding: Finding, section3_rows: list[str]) -> list[tuple[str, bool]]:
    """The cells of a failed identity (``checks.IDENTITIES``): (key, whether it is the printed total)."""
    if finding.identity == 1:
        return [(f"section3.{finding.row}.{c}", c == "total") for c in SECTION3_COLUMNS]
    if finding.identity == 2:
        return [(f"section3.{r}.{finding.column}", r in ("total_processed", "carried_forward"))
                for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
    if finding.identity == 3:
        return [(f"section3.{r}.{finding.column}", r == "total_processed") for r in section3_rows[2:-1]]
    return [(f"section4.{finding.row}.{c}", c == "total") for c in SECTION4_COLUMNS]


def _row_info(report: Report, key: str, place: Place) -> dict:
    """What the page says of a cell's row when the cell is clicked."""
    section, row, _ = key.split(".")
    label = report.provenance["tables"].get(section, {}).get("labels", {}).get(row, {})
    return _filled({"label": f"{_section_numeral(section)} · {_row_label(report, section, row)}", "at": place.at,
                    "page": place.page, "line": place.line, "row_box": place.row_box is not None,
                    "printed_label": label.get("printed"), "matched": label.get("matched")})


def _cell_info(cell: Cell, place: Place) -> dict:
    """What the page says of a cell when it is clicked, beside its row's."""
    section, row, column = cell.key.split(".")
    rows, columns = CORRECTABLE.get(section, (set(), set()))
    correctable = row in rows and column in columns
    return {"value": _shown(cell.value)} | _filled({
        "column": _column_label(section, column), "status": cell.status, "cell": place.cell,
        "box": place.box is not None, "checks": cell.checks,
        "corrected": _shown(cell.corrected) if cell.corrected is not None else None,
        "no_correction": None if correctable else "section2" if section == "section2" else "summed"})


def _filled(info: dict) -> dict:
    """Without what is empty: pages stay small."""
    return {k: v for k, v in info.items() if v is not None and v is not False and v != []}


def _shown(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- labels as printed -------------------------------------------------------------------

def _label(section: str, kind: str, name: str) -> str:
    return next(row["label_zh"] for row in codebook.fields(section, kind) if row["name"] == name)


def _number(number: str) -> str:
    """The codebook's row number as the template prints it: 一 -> 一、, (一) -> （一）, (三)1 -> 1."""
    if number and number[0] in NUMERALS:
        return number + "、"
    if number.startswith("(") and number.endswith(")"):
        return f"（{number[1:-1]}）"
    return number.rsplit(")", 1)[-1] + "." if number else ""


def _row_label(report: Report, section: str, row: str) -> str:
    """The row's label as printed, or else the codebook's."""
    printed = report.provenance["tables"].get(section, {}).get("labels", {}).get(row, {}).get("printed")
    if printed:
        return printed
    if section == "section4":
        return _label(section, "group", row)
    kind = "item" if section == "section2" else "row"
    number = next(r["number"] for r in codebook.fields(section, kind) if r["name"] == row)
    return _number(number) + _label(section, kind, row)


def _column_label(section: str, column: str) -> str:
    return _label(section, "column", column)


def _section_numeral(section: str) -> str:
    return SECTION_TITLES[section].split("、")[0]


# --- the tables ----------------------------------------------------------------------------

def _section(report: Report, section: str, cells: dict[str, Cell]) -> str:
    title = f'<h2 id="{section}">{SECTION_TITLES[section]}</h2>'
    values = report.record[section]
    if not values:
        return title + '<p class="missing">No table of this section was found in the report.</p>'
    table = {"section2": _section2, "section3": _section3, "section4": _section4}[section](report, cells)
    how = report.provenance["tables"].get(section, {})
    reader = {"grid": "read as the table's own grid of rows and columns",
              "text": "read from the text, by the rows' labels"}.get(how.get("reader"), "")
    template = report.record.get(f"{section}_template")
    facts = " · ".join(x for x in (f"{template} template" if template else "", reader) if x)
    return title + (f'<p class="how">{html.escape(facts)}</p>' if facts else "") + table


def _legacy_table(legacy: dict) -> str:
    """A pre-2019 table as printed: its rows, 其中 rows indented, unread and checked cells marked."""
    checked = {(c["row"], c["column"]) for c in legacy["checks"]}
    depth: dict[str, int] = {}
    rows = []
    for row in legacy["rows"]:
        name = row["key"] or row["label"]  # how the checks name a row
        depth[name] = depth.get(row["parent"], -1) + 1 if row["parent"] else 0
        cells = ""
        for column, value in zip(legacy["columns"], (row["value"], row["cumulative"])):
            status = "unread" if value is None else "printed"
            failed = " failed total" if (name, column) in checked else ""
            cells += f'<td class="{status}{failed}">{"?" if value is None else html.escape(_shown(value))}</td>'
        rows.append(f'<tr><th scope="row" class="label" style="padding-left:{0.4 + 1.2 * depth[name]}em">'
                    f'{html.escape(row["label"])}</th><td>{html.escape(row["unit"])}</td>{cells}'
                    f'<td class="where">{html.escape(row["read_at"] or "")}</td></tr>')
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["指标名称", "计量单位", *legacy["columns"], "read at"])
    form = "a form the codebook does not know" if legacy["form"] == "unknown" else f"form {legacy['form']}"
    checks = "".join(f"<li>{html.escape(c['message'])}</li>" for c in legacy["checks"])
    return (f'<h2 id="legacy">政府信息公开情况统计表 (pre-2019)</h2><p class="how">{html.escape(form)} · rows as printed; '
            "no values of the national template</p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table>"
            + (f'<h3>Checks that do not hold</h3><ul class="checks">{checks}</ul>' if checks else ""))


def _td(cells: dict[str, Cell], key: str) -> str:
    cell = cells[key]
    classes = [cell.status] + (["failed"] if cell.checks else []) + (["total"] if cell.checked_total else []) \
        + (["corrected"] if cell.corrected is not None else [])
    shown = {"blank": "—", "unread": "?"}.get(cell.status, _shown(cell.value))
    if cell.corrected is not None:
        shown = f'<s>{html.escape(shown)}</s> → {html.escape(_shown(cell.corrected))}'
    else:
        shown = html.escape(shown)
    return f'<td class="{" ".join(classes)}" data-key="{html.escape(key)}" tabindex="0">{shown}</td>'


def _label_th(report: Report, section: str, row: str, colspan: int = 1, rowspan: int = 1) -> str:
    label = report.provenance["tables"].get(section, {}).get("labels", {}).get(row, {})
    similar = label.get("matched") not in (None, "exact")
    mark = (f' <abbr title="label printed as {html.escape(label["printed"])}, matched {html.escape(label["matched"])}">≈</abbr>'
            if similar else "")
    spans = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f'<th scope="row" class="label"{spans}>{html.escape(_row_label(report, section, row))}{mark}</th>'


def _section2(report: Report, cells: dict[str, Cell]) -> str:
    """Section 二 as the template prints it: its items in blocks, each block headed by its columns."""
    blocks: list[tuple[tuple, list[str]]] = []
    for item, values in report.record["section2"].items():
        if blocks and blocks[-1][0] == tuple(values):
            blocks[-1][1].append(item)
        else:
            blocks.append((tuple(values), [item]))
    width = max(len(columns) for columns, _ in blocks)
    out = ['<table class="s2">']
    for columns, items in blocks:
        pad = width - len(columns)
        heads = "".join(f"<th>{html.escape(_column_label('section2', c))}</th>" for c in columns)
        rest = f'<td class="none" colspan="{pad}"></td>' if pad else ""
        out.append(f'<tr class="head"><th>信息内容</th>{heads}{rest}</tr>')
        for item in items:
            tds = "".join(_td(cells, f"section2.{item}.{c}") for c in columns)
            out.append(f'<tr>{_label_th(report, "section2", item)}{tds}{rest}</tr>')
    return "".join(out) + "</table>"


def _section3(report: Report, cells: dict[str, Cell]) -> str:
    """Section 三 as the template prints it: the applicant columns under 申请人情况 and
    法人或其他组织, the outcome rows under 三、本年度办理结果 and their groups."""
    rows = list(report.record["section3"])
    numbers = {r["name"]: r["number"] for r in codebook.fields("section3", "row")}
    groups = {number: label for label, number in codebook.group_numbers("section3")}
    label = lambda c: html.escape(_column_label("section3", c))
    out = ['<table class="s3">',
           '<tr><th colspan="3" rowspan="3"></th><th colspan="7">申请人情况</th></tr>',
           f'<tr><th rowspan="2">{label("natural_person")}</th><th colspan="5">法人或其他组织</th>'
           f'<th rowspan="2">{label("total")}</th></tr>',
           "<tr>" + "".join(f"<th>{label(c)}</th>" for c in SECTION3_COLUMNS[1:6]) + "</tr>"]
    outcome = [r for r in rows if numbers[r].startswith("(")]
    for row in rows:
        number = numbers[row]
        heads = ""
        if row == (outcome[0] if outcome else None):
            heads += f'<th scope="rowgroup" class="group" rowspan="{len(outcome)}">{_number("三")}{groups["三"]}</th>'
        group = number.split(")")[0] + ")" if number.startswith("(") and not number.endswith(")") else None
        members = [r for r in rows if group and numbers[r].startswith(group) and numbers[r] != group]
        if group and row == members[0]:
            heads += f'<th scope="rowgroup" class="group" rowspan="{len(members)}">{_number(group)}{groups[group]}</th>'
        span = 1 if group else 2 if row in outcome else 3
        tds = "".join(_td(cells, f"section3.{row}.{c}") for c in SECTION3_COLUMNS)
        out.append(f"<tr>{heads}{_label_th(report, 'section3', row, colspan=span)}{tds}</tr>")
    return "".join(out) + "</table>"


def _section4(report: Report, cells: dict[str, Cell]) -> str:
    """Section 四 as the template prints it: 行政复议, and 行政诉讼 over its two groups."""
    label = lambda kind, name: html.escape(_label("section4", kind, name))
    columns = "".join(f"<th>{label('column', c)}</th>" for c in SECTION4_COLUMNS)
    first, *litigation = SECTION4_GROUPS
    return ('<table class="s4">'
            f'<tr><th colspan="5">{label("group", first)}</th><th colspan="10">{SECTION4_GROUP_HEADINGS[0]}</th></tr>'
            "<tr>" + "".join(f'<th rowspan="2">{label("column", c)}</th>' for c in SECTION4_COLUMNS)
            + "".join(f'<th colspan="5">{label("group", g)}</th>' for g in litigation) + "</tr>"
            f"<tr>{columns * len(litigation)}</tr>"
            "<tr>" + "".join(_td(cells, f"section4.{g}.{c}") for g in SECTION4_GROUPS for c in SECTION4_COLUMNS)
            + "</tr></table>")


# --- the rest of the page ---------------------------------------------------------------------

def _heading(report: Report, unread: int, corrected: int, source: Source, corrections: pd.DataFrame,
             cells: dict[str, Cell]) -> str:
    p = report.provenance
    legacy = report.record.get("legacy")
    checks = f"{len(legacy['checks'])} checks do not hold" if legacy else f"{len(report.checks)} identity checks failed"
    unread = sum(row["value"] is None for row in legacy["rows"]) if legacy else unread
    facts = [p["format"].upper() if p["format"] != "text" else "text", p["extractor"],
             checks, f"{unread} cells unread", f"{corrected} corrected"]
    problems = list(source.problems)
    problems += [f"A correction of {row.field} in data/corrections.csv was not applied ({row.status}): printed "
                 f"{_shown(row.printed_value) or 'blank'} in the file, {_shown(row.corrected_value)} as corrected."
                 for row in corrections.itertuples(index=False) if row.status != "applied"]
    problems += [f"A correction of {row.field} (no printed cell of this table: a harmonised sum) was applied: "
                 f"{_shown(row.corrected_value)}." for row in corrections.itertuples(index=False)
                 if row.status == "applied" and row.field not in cells]
    shown = "".join(f'<p class="problem">{html.escape(problem)}</p>' for problem in problems)
    return (f'<h1>{html.escape(report.record["agency"] or "agency not found")} '
            f'{html.escape(str(report.record["year"] or ""))} <small>{html.escape(report.name)}</small></h1>'
            f'<p class="facts">{" · ".join(html.escape(f) for f in facts)}</p>{shown}')


def _legend() -> str:
    samples = {"printed": "12", "blank": "—", "unread": "?", "failed": "7", "corrected": "<s>1</s> → 2"}
    return "".join(f'<li><span class="swatch {status}{" total" if status == "failed" else ""}">{samples[status]}</span> '
                   f"{html.escape(text)}</li>" for status, text in STATUSES.items())


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in report.notes)
    return f'<details class="notes"><summary>Notes of the extraction ({len(report.notes)})</summary><ul>{items}</ul></details>'


def _source_html(report: Report, source: Source) -> str:
    where = html.escape(str(source.path.resolve() if source.path else report.provenance["path"]))
    kind = "pages as printed, the cells read outlined" if report.provenance["format"] in ("pdf", "image") \
        else "the document's text as read, one table row per line, cells apart"
    return f'<h2>Source <small>{where}</small></h2><p class="how">{kind}</p>{source.html}'


# --- the index ---------------------------------------------------------------------------------

def index_page(rows: list[dict], processed: Path) -> str:
    """One row per report: agency, year, format, checks failed, unread cells, a link."""
    body = "".join(
        f'<tr><td>{html.escape(r["agency"] or "?")}</td><td>{r["year"] or ""}</td><td>{html.escape(r["format"])}</td>'
        f'<td class="n{" bad" if r["checks"] else ""}">{r["checks"]}</td>'
        f'<td class="n{" bad" if r["unread"] else ""}">{r["unread"]}</td><td class="n">{r["corrected"]}</td>'
        f'<td>{"found" if r["source"] else "not found"}</td>'
        f'<td><a href="{html.escape(r["page"])}">{html.escape(r["report"])}</a></td></tr>'
        for r in rows)
    failed = sum(bool(r["checks"]) for r in rows)
    return _INDEX.format(css=STYLE, count=len(rows), failed=failed,
                         processed=html.escape(str(processed)), rows=body)


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="toolkit review"><title>{title}</title><style>{css}</style></head>
<body class="report"><header><p class="crumbs"><a href="index.html">← all reports</a></p>{heading}
<ul class="legend">{legend}</ul></header>
<main><section class="tables">{tables}{notes}</section>
<aside class="source"><div id="panel" class="panel"><p class="hint">Click a cell to see where it was read.</p></div>
<div class="source-view">{source}</div></aside></main>
<script type="application/json" id="cells">{cells}</script><script>{js}</script></body></html>
"""

_INDEX = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="toolkit review"><title>Review: {count} reports</title><style>{css}</style></head>
<body class="index"><header><h1>Review pages <small>{processed}</small></h1>
<p class="facts">{count} reports, {failed} with failed identities. Open a report to see each number beside the
place it was read from.</p></header>
<table class="index"><thead><tr><th>agency</th><th>year</th><th>format</th><th>identity checks failed</th>
<th>cells unread</th><th>corrected</th><th>source</th><th>report</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>
"""
