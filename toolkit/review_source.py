"""The source beside a review page: the report's file found again, and what of it to show.

A PDF or a scan is shown as the images of the pages its tables were read from, with
the boxes of the cells read drawn over them (``cell_boxes`` and ``value_cells`` in the
reader's details); a text, HTML or Word document as the lines of its lifted text around
the tables, each line's cells apart, as the reader gave them. Where the file is not
found, or is no longer the file that was read, the page says so.
"""
from __future__ import annotations

import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from toolkit.codebook import SECTION3_COLUMNS
from toolkit.config import ROOT
from toolkit.grid_tables import read_grids
from toolkit.normalize import QUOTES, compact_label
from toolkit.readers import read_document
from toolkit.readers.grid import BLANK_CELL
from toolkit.readers.pages import read_boxes

PAGE_WIDTH_PIXELS = 1100  # page images are rendered this wide: table digits legible, files small
CONTEXT_LINES = 3  # lines shown before and after each table
LONG_LINE = 400  # a longer line (crawler text: a whole report on one line) is shown around its rows' labels
CONTEXT_CHARS = 150  # characters of such a line shown before its first row and after its last
PAGE_AT = re.compile(r"^page (\d+)\b")
IMAGE_FORMATS = {"pdf", "image"}


@dataclass
class Place:
    """Where one value was read in the source: its row's location, the page and boxes
    on it (PDF, scans) or the line and the cell's place in it (text)."""

    at: str | None = None
    page: int | None = None
    row_box: tuple | None = None
    box: tuple | None = None
    line: int | None = None
    cell: int | None = None  # the value's cell among the line's cells


@dataclass
class Source:
    """The report's file as found (``path`` is ``None`` when it is not), what went
    wrong, and the HTML of what is shown of it."""

    path: Path | None
    looked: list[Path]
    problems: list[str] = field(default_factory=list)
    html: str = ""


def find_file(provenance: dict) -> tuple[Path | None, list[Path]]:
    """The file a record was read from: its path as recorded, absolute or relative to
    the working folder or to the project (``../shared/…``); and every place looked."""
    recorded = Path(provenance["path"])
    looked = [recorded] if recorded.is_absolute() else list(dict.fromkeys([Path.cwd() / recorded, ROOT / recorded]))
    return next((p for p in looked if p.is_file()), None), looked


def show_source(record: dict, places: dict[str, Place], out: Path, stem: str) -> Source:
    """The source of one record, for its review page; ``places`` (cell key -> Place,
    with ``at`` and ``line`` set) get their page, boxes, line and cell filled in.
    Page images are written to ``out/pages/``."""
    provenance = record["provenance"]
    path, looked = find_file(provenance)
    source = Source(path, looked)
    if path is None:
        source.problems.append(f"The source file is not here: {provenance['path']} (looked at "
                               f"{', '.join(str(p) for p in looked)}). The tables are shown as extracted, without their source.")
        return source
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != provenance["sha256"]:
        source.problems.append(f"The file at {path} is not the file that was read (its SHA-256 differs): it has "
                               "changed since. What is shown of it below may not match the tables.")
    try:
        if provenance["format"] in IMAGE_FORMATS:
            source.html = _pages(record, places, path, data, out, stem)
        else:
            source.html = _lines(record, places, path, data)
    except Exception as error:  # a source that no longer reads must not stop the other pages
        source.problems.append(f"The source could not be shown ({type(error).__name__}: {error}).")
    return source


# --- pages: PDF and scans ----------------------------------------------------------

def _pages(record: dict, places: dict[str, Place], path: Path, data: bytes, out: Path, stem: str) -> str:
    reader = record["provenance"]["reader"]
    boxes = {at: read_boxes(text) for at, text in reader.get("cell_boxes", {}).items()}
    for key, place in places.items():
        found = PAGE_AT.match(place.at or "")
        place.page = int(found.group(1)) if found else None
        row = boxes.get(place.at)
        if row:
            place.row_box = _union([b for b in row if b])
            column = _value_column(record, key, place.at)
            place.box = row[column] if column is not None and column < len(row) else None
    pages = sorted({p.page for p in places.values() if p.page})
    sizes = {page: (w, h) for page, w, h in reader.get("page_sizes", [])}
    images = _render(path, data, pages, out / "pages", stem, record["provenance"]["format"])
    shown = []
    if not boxes:
        why = ("Cell boxes are not recorded for this report: its pages were read by OCR (a scan), so they are "
               "shown without them." if reader.get("ocr") else "Cell boxes are not recorded for this report (it "
               "was extracted before they were): extract it again to see them.")
        shown.append(f'<p class="why">{html.escape(why)}</p>')
    for page in pages:
        name, size = images[page]
        width, height = sizes.get(page, size)
        here = [(key, place) for key, place in places.items() if place.page == page]
        rects = [_rect(key, place.row_box, "row") for key, place in here if place.row_box]
        rects += [_rect(key, place.box, "value") for key, place in here if place.box]
        shown.append(f'<figure class="page" id="page-{page}"><figcaption>page {page}</figcaption>'
                     f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="page {page} of the report">'
                     f'<image href="pages/{html.escape(name)}" x="0" y="0" width="{width}" height="{height}"/>'
                     + "".join(dict.fromkeys(rects)) + "</svg></figure>")
    return "".join(shown)


def _value_column(record: dict, key: str, at: str) -> int | None:
    """The grid column a value came from, when the grid reading the record keeps placed it there."""
    section, row, column = key.split(".")
    tables = record["provenance"]["tables"]
    if tables.get(section, {}).get("reader") != "grid":
        return None
    found = record["provenance"]["reader"].get("value_cells", {}).get(section, {}).get(row)
    if not found or found["at"] != at:
        return None
    return _grid_column(found["columns"], column)


def _grid_column(columns: list | dict, column: str) -> int | None:
    """The grid column of ``column`` among a row's value columns (a list in section 三, by name elsewhere)."""
    return columns.get(column) if isinstance(columns, dict) else columns[SECTION3_COLUMNS.index(column)]


def _union(boxes: list[tuple]) -> tuple | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _rect(key: str, box: tuple, kind: str) -> str:
    x0, top, x1, bottom = box
    target = key.rsplit(".", 1)[0] if kind == "row" else key
    return (f'<rect class="{kind}" data-{kind}="{html.escape(target)}" x="{x0}" y="{top}" '
            f'width="{x1 - x0}" height="{bottom - top}"/>')


def _render(path: Path, data: bytes, pages: list[int], folder: Path, stem: str, format: str) -> dict[int, tuple]:
    """Page number -> (image file name, (width, height) in points or pixels): PDF pages
    rendered by pdfium, image frames scaled, in grey, ``PAGE_WIDTH_PIXELS`` wide."""
    folder.mkdir(parents=True, exist_ok=True)
    images = {}
    document = pdfium.PdfDocument(data) if format == "pdf" else None
    try:
        for page in pages:
            if document is not None:
                width, height = document[page - 1].get_size()
                image = document[page - 1].render(scale=PAGE_WIDTH_PIXELS / width, grayscale=True).to_pil()
            else:
                frame = Image.open(io.BytesIO(data))
                frame.seek(page - 1)
                image = frame.convert("L")
                width, height = image.size
                image.thumbnail((PAGE_WIDTH_PIXELS, PAGE_WIDTH_PIXELS * height // width))
            name = f"{stem}-p{page}.png"
            image.save(folder / name, optimize=True)
            images[page] = (name, (round(width, 1), round(height, 1)))
    finally:
        if document is not None:
            document.close()
    return images


# --- lines: text, HTML, Word ---------------------------------------------------------

def _lines(record: dict, places: dict[str, Place], path: Path, data: bytes) -> str:
    """The lifted text around each table, as the reader gives it again now."""
    document = read_document(path, data)
    lines = document.text.splitlines()
    grid_rows = {line: row for grid in document.grids for row, line in zip(grid.rows, grid.lines) if line}
    columns = read_grids(document.grids, document.text).value_columns(record["year"])
    for key, place in places.items():
        section, row, column = key.split(".")
        found = columns.get(section, {}).get(row)
        if place.line is None or not found or found[0] != place.line or grid_rows.get(place.line) is None:
            continue
        if record["provenance"]["tables"].get(section, {}).get("reader") != "grid":
            continue
        at = _grid_column(found[1], column)
        kept = [j for j, cell in enumerate(grid_rows[place.line]) if cell is not None]
        place.cell = kept.index(at) if at in kept else None
    shown = set()
    for table in record["provenance"]["tables"].values():
        if table.get("lines"):
            first, last = table["lines"]
            shown |= set(range(max(1, first - CONTEXT_LINES), min(len(lines), last + CONTEXT_LINES) + 1))
    read = {}
    for key, place in places.items():
        if place.line:
            read.setdefault(place.line, {})[key.rsplit(".", 1)[0]] = None
    labels = {f"{section}.{row}": label.get("printed") for section, table in record["provenance"]["tables"].items()
              for row, label in table.get("labels", {}).items()}
    out, previous = ['<ol class="lines">'], None
    for number in sorted(shown):
        if previous is not None and number > previous + 1:
            out.append('<li class="gap" aria-hidden="true">…</li>')
        rows = list(read.get(number, {}))
        read_here = f' class="read" data-rows="{html.escape(" ".join(rows))}"' if rows else ""
        text = lines[number - 1]
        if len(text) > LONG_LINE:
            shown_text = _long_line(text, [(row, labels.get(row)) for row in rows])
        else:
            shown_text = "".join(f'<span class="c{" blank" if cell == BLANK_CELL else ""}">{html.escape(cell)}</span>'
                                 for cell in text.split("\t"))
        out.append(f'<li id="line-{number}" value="{number}"{read_here}>{shown_text}</li>')
        previous = number
    out.append("</ol>")
    return "".join(out)


def _long_line(text: str, rows: list[tuple[str, str | None]]) -> str:
    """A line holding many rows (crawler text): each row's label as printed marked, in
    order, and only the stretch from before the first to after the last shown. Labels
    are found from the last row back, as the tables follow the prose that may name them."""
    compact, origin = [], []
    for i, char in enumerate(text):
        kept = [c for c in unicodedata.normalize("NFKC", char) if not c.isspace() and c not in QUOTES]
        compact += kept
        origin += [i] * len(kept)
    compact = "".join(compact)
    marks, before = [], len(compact)
    for row, label in reversed(rows):
        found = compact.rfind(compact_label(label), 0, before) if label else -1
        if found >= 0:
            marks.insert(0, (origin[found], origin[found + len(compact_label(label)) - 1] + 1, row))
            before = found
    if not marks:
        return html.escape(text)
    start, stop = max(0, marks[0][0] - CONTEXT_CHARS), min(len(text), marks[-1][1] + CONTEXT_CHARS)
    out, position = ["…" if start else ""], start
    for begin, end, row in marks:
        out.append(html.escape(text[position:begin]) + f'<span class="r" data-row="{html.escape(row)}">'
                   f"{html.escape(text[begin:end])}</span>")
        position = end
    return "".join(out) + html.escape(text[position:stop]) + ("…" if stop < len(text) else "")
