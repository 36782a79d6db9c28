"""PDF reports: pdfplumber reads the prose and the ruled tables; camelot is a second opinion.

Each page's text outside its tables comes in reading order and each table as a
grid of cells, a wrapped label joined back into one cell (``pages`` puts the pages
together). Pages without a text layer are read by OCR (``ocr``).

Engines are judged by the report's own identities, never by their own scores
(camelot's lattice mode shifts CJK text a row down in PDFs whose font has Descent
0, as LibreOffice writes them, while reporting 98% accuracy). When a table section
read by pdfplumber leaves a value unread, needs a note, has blanks, or breaks an
identity while its reading is not complete, camelot (lattice and stream) reads the
tables of the pages that section spans again (the other pages keep pdfplumber's
tables) and, for that section, the reading with the fewest failed identities and
unread values together (a reading that reads nothing fails no identity), then the
fewest notes, then the fewest blank cells (a reading that lost numbers looks blank),
is kept; ties go to pdfplumber, then lattice (so stream is not asked once lattice reads
every such section perfectly). A section whose grid pdfplumber read complete (every
cell a number, none unread, no note, the text reading agreeing) but whose printed
numbers break an identity gets no second opinion: the report is inconsistent as
printed, and another engine, reading the same text layer, cannot make it consistent
without misreading it. ``details["sections"]`` says which engine read each section and
why, ``details["second_opinion_pages"]`` which pages each camelot flavour read.

A PDF of more than ``MAX_PAGES`` pages (a volume that holds a report) is read only
around its statistics tables: the pages whose text layer (pdfium, cheap) names them
(``STATISTICS_HEADINGS``) and ``NEIGHBOURS`` pages either side, and back to the title
(年度报告) when it is printed at most ``TITLE_PAGES`` earlier; a note says which.
One where no page names them, or longer than ``MAX_SCANNED_PAGES``, is refused.
camelot's lattice mode renders pages: one larger than ``ocr.MAX_RENDER_PIXELS`` at its
resolution is not given to it.
"""
from __future__ import annotations

import copy
import io
import re
import unicodedata
import warnings
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.utils.exceptions import PdfminerException

from toolkit.checks import section3_failures, section4_failures
from toolkit.errors import DamagedFile, EncryptedFile, TooManyPages
from toolkit.grid_tables import read_grids
from toolkit.normalize import CompactText
from toolkit.readers import Document, ocr
from toolkit.readers.pages import Grid, Line, to_document
from toolkit.readings import read_sections
from toolkit.sections import find_sections

ENGINES = ("pdfplumber", "camelot-lattice", "camelot-stream")
PASSWORD_ERROR = 4  # pdfium's FPDF_ERR_PASSWORD
MAX_PAGES = 60  # a longer PDF is read only around its statistics tables
MAX_SCANNED_PAGES = 5000  # a longer PDF is refused unread
NEIGHBOURS = 2  # pages read either side of a page naming the statistics tables (title, prose, 续表)
TITLE_PAGES = 10  # pages before the first such page searched for the report's title (年度报告)
# headings of the national template's tables, as a page's text layer prints them (white space removed)
STATISTICS_HEADINGS = ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议", "申请人情况",
                       "本年新收政府信息公开申请数量", "予以公开", "行政复议", "行政诉讼")
CAMELOT_DPI = 300  # camelot lattice renders pages at this resolution
_PAGE = re.compile(r"page (\d+)(?:, table (\d+))?")  # a line's location: "page 3", "page 3, table 2, row 5"
IDENTITIES = {  # section -> the identities its values must satisfy
    "section2": lambda values: [],
    "section3": section3_failures,
    "section4": section4_failures,
}


def read(path: Path, data: bytes) -> Document:
    """Read a PDF: pdfplumber, camelot where pdfplumber's tables fall short, OCR for image pages."""
    total, numbers = pages_to_read(path, data)
    with open_pdf(path, data, numbers) as pdf:
        try:
            scanned = [page.page_number for page in pdf.pages if not page.chars]
            ocr_blocks, ocr_details = (ocr.read_pdf_pages(data, scanned, path) if scanned else ([], {"ocr": False}))
            if len(scanned) == len(pdf.pages):
                document = to_document(ocr_blocks, format="pdf", extractor=ocr.engine_name(),
                                       details={"pages": len(pdf.pages), **ocr_details})
                return _read_only(document, total, numbers)
            pages = [page for page in pdf.pages if page.chars]
            plumber = _plumber_grids(pages)
            documents = {"pdfplumber": _document(pages, plumber, "pdfplumber", ocr_blocks, ocr_details, len(pdf.pages))}
        except PdfminerException as error:
            raise DamagedFile(path, f"the PDF cannot be parsed ({error})") from error
        judged = {"pdfplumber": _judge(documents["pdfplumber"])}
        asked = {section: _pages_of(documents["pdfplumber"], j["lines"])
                 for section, j in judged["pdfplumber"].items() if _second_opinion_needed(j)}
        failures, read_again = {}, {}
        for engine in ENGINES[1:] if set().union(*asked.values()) & {page.page_number for page in pages} else ():
            if any(set(judged[e]) == set(asked) and all(j["score"] == (0, 0, 0, 0) for j in judged[e].values())
                   for e in read_again):
                break  # an earlier engine read every asked section perfectly: a later one could only tie, and lose
            try:
                documents[engine], judged[engine], read_again[engine] = _second_opinion(
                    path, pages, plumber, engine, asked, ocr_blocks, ocr_details, len(pdf.pages))
            except Exception as error:  # a failed second opinion must not lose the first reading
                failures[engine] = f"{type(error).__name__}: {error}"
    document = _compose(documents, judged, asked, failed=bool(failures))
    if read_again:
        document.details["second_opinion_pages"] = read_again
    if failures:
        document.details["second_opinion_failed"] = failures
    if cells := _value_cells(document):
        document.details["value_cells"] = cells
    return _read_only(document, total, numbers)


def pages_to_read(path: Path, data: bytes) -> tuple[int, list[int] | None]:
    """The PDF's page count, and the (1-based) pages to read: ``None`` for all of a PDF
    of at most ``MAX_PAGES``, else those around the pages naming the statistics tables."""
    document = _pdfium(path, data)
    try:
        total = len(document)
        if total <= MAX_PAGES:
            return total, None
        if total > MAX_SCANNED_PAGES:
            raise TooManyPages(path, f"the PDF has {total:,} pages (a report has a few dozen; at most "
                                     f"{MAX_SCANNED_PAGES:,} are searched for its statistics tables): refused unread")
        texts = [_text(document, n) for n in range(1, total + 1)]
    finally:
        document.close()
    found = [n for n, text in enumerate(texts, start=1) if any(heading in text for heading in STATISTICS_HEADINGS)]
    if not found:
        raise TooManyPages(path, f"the PDF has {total:,} pages (more than {MAX_PAGES} are read only around the "
                                 "statistics tables) and no page's text layer names the statistics tables "
                                 "(申请人情况, 行政复议, …): refused")
    numbers = {n for page in found for n in range(page - NEIGHBOURS, page + NEIGHBOURS + 1) if 1 <= n <= total}
    titled = [n for n in range(max(1, found[0] - TITLE_PAGES), found[0] + 1) if "年度报告" in texts[n - 1]]
    numbers |= set(range(titled[-1], found[0])) if titled else set()  # the report's title, naming agency and year
    if len(numbers) > MAX_PAGES:
        raise TooManyPages(path, f"the PDF has {total:,} pages and the statistics tables are named on {len(found)} of "
                                 f"them ({_ranges(found)}), too many to read ({MAX_PAGES} at most): "
                                 "several reports in one file? Split it")
    return total, sorted(numbers)


def _text(document, number: int) -> str:
    """Page ``number``'s text layer, NFKC, without white space."""
    page = document[number - 1]
    textpage = page.get_textpage()
    try:
        return "".join(unicodedata.normalize("NFKC", textpage.get_text_range()).split())
    finally:
        textpage.close()
        page.close()


def _read_only(document: Document, total: int, numbers: list[int] | None) -> Document:
    """The document with the page count and, when only some pages were read, which, and a note saying so."""
    if numbers is None:
        return document
    note = (f"the PDF has {total:,} pages: only pages {_ranges(numbers)} were read, those naming the statistics "
            f"tables in their text layer, {NEIGHBOURS} either side and back to the report's title")
    document.details.update(pages=total, pages_read=numbers, notes=[*document.details.get("notes", []), note])
    return document


def _ranges(numbers: list[int]) -> str:
    """Page numbers as ranges: [1, 2, 3, 7] -> "1–3, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs)


def open_pdf(path: Path, data: bytes, pages: list[int] | None = None) -> pdfplumber.PDF:
    """Open with pdfplumber (only ``pages``, 1-based, when given) after pdfium has vouched
    for the file; encrypted or damaged files raise a ``ReportError`` saying so."""
    _pdfium(path, data).close()
    try:
        return pdfplumber.open(io.BytesIO(data), pages=pages)
    except PdfminerException as error:
        raise DamagedFile(path, f"the PDF cannot be parsed ({error})") from error


def _pdfium(path: Path, data: bytes) -> pdfium.PdfDocument:
    """The PDF opened by pdfium (which neither runs its scripts nor fetches anything);
    encrypted, damaged or truncated files raise a ``ReportError`` saying so."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == PASSWORD_ERROR:
            raise EncryptedFile(path, "the PDF is password-protected: save an unprotected copy to read it") from error
        raise DamagedFile(path, f"the PDF is damaged or truncated ({error})") from error
    if b"%%EOF" not in data[-2048:]:
        document.close()
        raise DamagedFile(path, "the PDF is truncated: it does not end with %%EOF")
    return document


def lift(pdf: pdfplumber.PDF, path: Path, engine: str, ocr_blocks=(), ocr_details=None) -> Document:
    """The document as one engine reads its tables (of every page); prose always by pdfplumber."""
    pages = [page for page in pdf.pages if page.chars]
    grids = _plumber_grids(pages) if engine == "pdfplumber" else _camelot_grids(path, pages, engine.split("-")[1])
    return _document(pages, grids, engine, ocr_blocks, ocr_details, len(pdf.pages))


def _document(pages, grids: dict[int, list], engine: str, ocr_blocks, ocr_details, count: int) -> Document:
    """The document of ``pages`` (those with a text layer, of ``count``) with the tables
    ``grids`` (page number -> tables, as ``_plumber_grids`` gives them, copied: the layout
    step mends rows in place) and each page's prose around them, and the OCR blocks."""
    grids = copy.deepcopy(grids)
    blocks = list(ocr_blocks)
    for page in pages:
        found = grids.get(page.page_number, [])
        blocks += _prose(page, [bbox for (bbox, _), _, _ in found])
        blocks += [Grid(page.page_number, bbox[1], rows, engine, columns=columns, boxes=boxes)
                   for (bbox, boxes), rows, columns in found]
    version = {"pdfplumber": pdfplumber.__version__}.get(engine) or _camelot_version()
    sizes = [[page.page_number, round(float(page.width), 1), round(float(page.height), 1)] for page in pages]
    return to_document(blocks, format="pdf", extractor=f"{engine} {version}",
                       details={"pages": count, **(ocr_details or {"ocr": False}), "page_sizes": sizes})


def _second_opinion(path: Path, pages, plumber: dict, engine: str, asked: dict[str, set[int]],
                    ocr_blocks, ocr_details, count: int) -> tuple[Document, dict, list[int]]:
    """Camelot's reading of the ``asked`` sections (section -> the pages its lines and tables
    span in pdfplumber's reading): its document (camelot's tables on the pages it read,
    pdfplumber's on the others), its judgement of those sections, and the pages it read.
    Where camelot's reading of a section reaches other pages (a table it sees go on, a
    heading it takes into a table), those pages are read too, until none is left."""
    wanted, read, grids = set().union(*asked.values()), set(), {}
    with_text = {page.page_number for page in pages}
    while wanted - read:
        grids.update(_camelot_grids(path, [page for page in pages if page.page_number in wanted - read],
                                    engine.split("-")[1]))
        read |= wanted
        document = _document(pages, {**{n: found for n, found in plumber.items() if n not in read}, **grids},
                             engine, ocr_blocks, ocr_details, count)
        judged = {section: j for section, j in _judge(document).items() if section in asked}
        wanted |= {n for j in judged.values() for n in _pages_of(document, j["lines"])} & with_text
    return document, judged, sorted(read & with_text)


def _plumber_grids(pages) -> dict[int, list]:
    """Page number -> ((bbox, cell boxes), rows, column edges) of each table of two columns or more."""
    found = {}
    for page in pages:
        tables = [((t.bbox, [row.cells for row in t.rows]), [[_cell(c) for c in row] for row in t.extract()],
                   [column.bbox[0] for column in t.columns] + [t.bbox[2]]) for t in page.find_tables()]
        found[page.page_number] = [table for table in tables if len(table[1][0]) > 1]
    return found


def _camelot_grids(path: Path, pages, flavor: str) -> dict[int, list]:
    import camelot

    if flavor == "lattice":  # lattice renders each page: none larger than OCR would render
        pages = [page for page in pages
                 if page.width * page.height * (CAMELOT_DPI / 72) ** 2 <= ocr.MAX_RENDER_PIXELS]
    heights = {page.page_number: page.height for page in pages}
    if not heights:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(path), pages=",".join(map(str, heights)), flavor=flavor)
    found = {}
    for table in tables:
        x1, y1, x2, y2 = table._bbox  # PDF coordinates, origin bottom left
        height = heights[table.page]
        rows = [[_cell(cell.text) if _origin(cell, r, c, flavor) else None for c, cell in enumerate(row)]
                for r, row in enumerate(table.cells)]
        boxes = [[(cell.x1, height - cell.y2, cell.x2, height - cell.y1) for cell in row] for row in table.cells]
        if len(rows[0]) > 1:
            bbox = (x1, height - y2, x2, height - y1)
            columns = [x for x, _ in table.cols] + [table.cols[-1][1]]
            found.setdefault(table.page, []).append(((bbox, boxes), rows, columns))
    return found


def _origin(cell, row: int, column: int, flavor: str) -> bool:
    """Whether a lattice cell starts a (merged) cell: ruled on its left and top."""
    return flavor == "stream" or ((column == 0 or cell.left) and (row == 0 or cell.top))


def _cell(text: str | None) -> str | None:
    """A cell's text with its wrapped lines joined; ``None`` (merged) stays ``None``."""
    return None if text is None else "".join(part.strip() for part in text.splitlines())


def _prose(page, bboxes: list) -> list[Line]:
    """Text lines of ``page`` outside the tables, with their font size."""
    def outside(obj) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in bboxes)
    found = page.filter(lambda obj: obj["object_type"] != "char" or outside(obj)).extract_text_lines(return_chars=True)
    return [Line(page.page_number, line["top"], line["text"], size=_size(line["chars"]), bottom=line["bottom"])
            for line in found if line["text"].strip()]


def _size(chars: list) -> float:
    """A line's font size: the most common size of its characters, in points."""
    return Counter(round(char["size"]) for char in chars).most_common(1)[0][0]


def _judge(document: Document) -> dict[str, dict]:
    """Per table section: failed identities, unread values, notes and blanks, the lines
    it spans, and whether its reading is complete (from the grid, the text reading
    agreeing), as the shared reading step (grids and text) reads this document."""
    ct = CompactText(document.text)
    spans = find_sections(ct)
    starts = sorted(ct.line(span[0] - 1) for span in spans.values())
    judged = {}
    readings = read_sections(document, ct, spans)
    for section, table in readings.tables.items():
        first = ct.line(spans[section][0] - 1)
        stop = next((s for s in starts if s > first), len(document.text.splitlines()) + 1)
        how = readings.how.get(section, {})
        judged[section] = {"score": (len(IDENTITIES[section](table.values)), _unread(table), len(table.notes),
                                     _blank(table.values) - _unread(table)),
                           "lines": (first, stop),
                           "complete": how.get("reader") == "grid" and ("why_not_text" in how
                                                                        or how.get("text_reading_agrees", False))}
    return judged


def _blank(values) -> int:
    """Values that are null (printed blank or unread)."""
    if isinstance(values, dict):
        return sum(_blank(v) for v in values.values())
    if isinstance(values, list):
        return sum(v is None for v in values)
    return int(values is None)


def _unread(table) -> int:
    """Rows and cells the mapping could not read (a printed blank is read: it is no fault)."""
    whole = sum(len(table.values[row]) for row in table.unread if row in table.values)
    return whole + sum(len(cells) for cells in table.unread_cells.values())


def _as_printed(judged: dict) -> bool:
    """A section read complete from its grid (every cell a number, none unread, no note,
    the text reading agreeing) that breaks an identity: the report's own arithmetic."""
    failed, *rest = judged["score"]
    return failed > 0 and rest == [0, 0, 0] and judged["complete"]


def _second_opinion_needed(judged: dict) -> bool:
    """Whether camelot may read a section better: pdfplumber's reading falls short, and not
    only by the report's own arithmetic (which any engine reads as printed)."""
    return judged["score"] != (0, 0, 0, 0) and not _as_printed(judged)


def _pages_of(document: Document, lines: tuple[int, int]) -> set[int]:
    """The pages on which lines ``start`` to ``stop`` (1-based, ``stop`` excluded) were
    read, and every page of a table one of them was read from."""
    start, stop = lines
    found = [_PAGE.match(at) for at in document.locations[start - 1:stop - 1]]
    tables = {int(m.group(2)) for m in found if m and m.group(2)}
    return ({int(m.group(1)) for m in found if m}
            | {n for table in document.details.get("tables", []) if table["table"] in tables for n in table["pages"]})


def _compose(documents: dict[str, Document], judged: dict[str, dict], asked: dict[str, set[int]],
             failed: bool = False) -> Document:
    """pdfplumber's document with each table section that camelot was asked to read again
    (``asked``; ``failed``: camelot failed on some) taken from the engine that read it best."""
    base = documents["pdfplumber"]
    lines, where = base.text.split("\n"), list(base.locations)
    sections, boxes = {}, dict(base.details.get("cell_boxes", {}))
    for section in sorted(judged["pdfplumber"], key=lambda s: -judged["pdfplumber"][s]["lines"][0]):
        scores = {engine: j[section]["score"] for engine, j in judged.items() if section in j}
        best = min(scores, key=lambda engine: (sum(scores[engine][:2]), *scores[engine][2:], ENGINES.index(engine)))
        sections[section] = {"engine": best, "scores": {e: dict(zip(("failed", "unread", "notes", "blank"), s))
                                                         for e, s in scores.items()},
                             "why": _why(best, section, judged, section in asked, failed)}
        if best != "pdfplumber":
            (start, stop), (new_start, new_stop) = judged["pdfplumber"][section]["lines"], judged[best][section]["lines"]
            other = documents[best]
            lines[start - 1:stop - 1] = other.text.split("\n")[new_start - 1:new_stop - 1]
            where[start - 1:stop - 1] = [f"{at} ({best})" for at in other.locations[new_start - 1:new_stop - 1]]
            other_boxes = other.details.get("cell_boxes", {})
            boxes.update({f"{at} ({best})": other_boxes[at]
                          for at in other.locations[new_start - 1:new_stop - 1] if at in other_boxes})
    details = {**base.details, "sections": sections}
    if boxes:
        details["cell_boxes"] = boxes
    extractor = " + ".join(sorted({base.extractor} | {documents[s["engine"]].extractor for s in sections.values()}))
    replaced = any(s["engine"] != "pdfplumber" for s in sections.values())  # pdfplumber's grids no longer match the text
    return Document(text="\n".join(lines), format="pdf", extractor=extractor, locations=tuple(where), details=details,
                    grids=() if replaced else base.grids)


def _value_cells(document: Document) -> dict:
    """For the review pages, per section and row of the grid reading: the table row it
    was read from and the grid column of each value (as ``grid_tables`` places it), so
    that each value's box can be drawn from ``details["cell_boxes"]``."""
    if not document.grids or "cell_boxes" not in document.details:
        return {}
    found = read_grids(document.grids, document.text).value_columns()
    return {section: {name: {"at": document.location(line), "columns": columns}
                      for name, (line, columns) in rows.items()
                      if any(c is not None for c in (columns.values() if isinstance(columns, dict) else columns))}
            for section, rows in found.items()}


def _why(best: str, section: str, judged: dict, asked: bool, failed: bool) -> str:
    """Why ``section`` was read by ``best``: ``judged`` holds each engine's judgement,
    ``asked`` whether camelot was asked to read it again, ``failed`` whether camelot failed."""
    if not asked and judged["pdfplumber"][section]["score"] == (0, 0, 0, 0):
        return "pdfplumber: identities hold, every value was read and none is blank; no second opinion needed"
    if not asked:
        return ("pdfplumber read every cell; the identities fail as printed (the report's own arithmetic, "
                "which another engine reading the same text cannot change): no second opinion sought")
    if len(judged) == 1:
        return ("pdfplumber: the only reading (camelot failed: see second_opinion_failed)" if failed else
                "pdfplumber: the only reading (no page of this section has a text layer for camelot)")
    if not any(section in j for engine, j in judged.items() if engine != "pdfplumber"):
        return "pdfplumber: the only reading (camelot's reading of its pages has no such section)"
    return (f"{best}: fewest failed identities and unread values together, then fewest notes, then fewest blanks "
            f"(ties go to {' > '.join(ENGINES)})")


def _camelot_version() -> str:
    import camelot

    return camelot.__version__
