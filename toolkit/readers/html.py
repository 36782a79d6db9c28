"""Web pages: the visible text in reading order, every data table row on one line.

Decoding follows the page: a BOM, else its ``<meta charset>`` (or http-equiv
content type), else UTF-8, then GB18030; a page declared in another charset whose
bytes are valid UTF-8 (non-ASCII ones included) is UTF-8 mislabelled, and read as such.
A page nesting its elements deeper than lxml parses (``MAX_DEPTH``: the parser stops
there, losing the rest) is read with its nesting flattened, with a note: tags other
than tables, cells, pictures and line breaks dropped, block elements as line breaks;
one still too deep is refused. lxml's limit also bounds the recursion of ``_walk``. Scripts, styles, form controls, hidden
elements and site navigation are skipped. A table holding no other table (nor
only one cell of several lines) is a data table: each ``<td>``/``<th>`` is one
cell, merged cells are not expanded (``grid.rows_to_text``); any other table is a
frame for layout, read as text. A picture given in the page (``data:`` URI) is
read by OCR where it stands (``pictures``; within a data table, after it); a
linked one is listed, not fetched. The page ``<title>`` comes first: it usually
names the agency and year. Nothing is fetched and no script is run.

>>> page = "<p>一、总体情况</p><table><tr><td rowspan=2>行政复议</td><td>3</td><td></td></tr></table>"
>>> read(Path("a.html"), page.encode()).text
'一、总体情况\\n行政复议\\t3\\t∅'
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

import lxml
import lxml.etree
import lxml.html

from toolkit.errors import EmptyFile, TooDeeplyNested
from toolkit.readers import Document, GridTable, text
from toolkit.readers.grid import place, rows_to_text
from toolkit.readers.pictures import MIN_SIDE, Pictures, data_uri, splice

_DECLARED = re.compile(rb"""(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_PRESCAN_BYTES = 8192
_SPAN = re.compile(r"\s*(\d+)")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# GB2312/GBK pages often hold GB18030 characters; a UTF-16 label on a byte page means UTF-8 (WHATWG)
_READ_AS = {"gb2312": "gb18030", "gbk": "gb18030", "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-16": "utf-8"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_DEPTH = 256  # libxml2's limit on nesting without XML_PARSE_HUGE; the parse stops there
_TAG = re.compile(r"<(/?)([a-zA-Z][-\w:]*)[^>]*>")
_KEPT_FLAT = {"html", "head", "title", "meta", "body", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
              "img", "br", "hr"}
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)

SKIPPED_TAGS = {
    "head", "script", "style", "noscript", "template", "nav", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "svg", "canvas", "map",
}
CLUTTER_WORDS = {"nav", "navbar", "menu", "header", "footer", "breadcrumb", "sidebar", "share", "topbar"}
CLUTTER_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
IMAGE_SOURCES = ("data-src", "data-original", "src")  # lazy-loading pages keep the picture in data-*
# a linked picture whose path names it so is site furniture ("/images/20200907-wz-banner.png"), not content
_FURNITURE = re.compile(r"(?<![a-z])(?:banner|logo|icon|btn|button|bg|ewm|qrcode|spacer)(?![a-z])", re.I)
_PIXELS = re.compile(r"^\s*(\d+)\s*(?:px)?\s*$")
_STYLE_SIDE = re.compile(r"(?<![-\w])(width|height)\s*:\s*(\d+)\s*px", re.I)


def read(path: Path, data: bytes) -> Document:
    page, encoding = decode(path, data)
    root, notes = _parse(path, _XML_DECLARATION.sub("", page))
    lines = _Lines(Pictures())
    title = root.findtext("head/title")
    if title:
        lines.add(title)
        lines.end("title")
    _walk(root, lines)
    lines.end()
    return Document(
        text="\n".join(lines.text), format="html", extractor=f"html (lxml {lxml.__version__})",
        encoding=encoding, locations=tuple(lines.where),
        details={"tables": lines.tables, **lines.pictures.details(), **({"notes": notes} if notes else {})},
        grids=tuple(lines.grids),
    )


def _parse(path: Path, page: str):
    """The page's element tree, and notes: flattened (``flatten``) when it nests deeper than ``MAX_DEPTH``."""
    root, deep = _parsed(path, page)
    if not deep:
        return root, []
    root, deep = _parsed(path, flatten(page))
    if deep:
        raise TooDeeplyNested(path, f"the page nests its tables deeper than {MAX_DEPTH} levels, even with the other "
                                    "elements' nesting flattened: refused")
    return root, [f"the page nests its elements deeper than {MAX_DEPTH} levels: read with the nesting flattened "
                  "(only tables, pictures and line breaks kept; hidden elements and navigation not told apart)"]


def _parsed(path: Path, page: str):
    """(root, whether the parser stopped at its depth limit)."""
    parser = lxml.etree.HTMLParser()  # lxml.html's parser without its Python lookup of a class for every element
    try:
        root = lxml.html.document_fromstring(page, parser=parser)
    except lxml.etree.ParserError as error:
        raise EmptyFile(path, f"the page holds no HTML elements ({error})") from error
    return root, any("Excessive depth" in entry.message for entry in parser.error_log)


def flatten(page: str) -> str:
    """The page without scripts and styles, block tags as ``<br>``, other tags not in ``_KEPT_FLAT`` dropped.

    >>> flatten("<div><div><span>a</span></div><table><tr><td>1</td></tr></table></div>")
    '<br><br>a<br><table><tr><td>1</td></tr></table><br>'
    """
    def tag(match):
        name = match.group(2).lower()
        return match.group(0) if name in _KEPT_FLAT else "<br>" if name in BLOCK_TAGS else ""
    return _TAG.sub(tag, _SCRIPTS.sub("", page))


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes to text by BOM, then the declared charset (unless the bytes are UTF-8 with
    non-ASCII characters: a mislabelled page), then UTF-8 / GB18030."""
    declared = None if data.startswith(_BOMS) else _declared_encoding(data)
    if declared and declared != "utf-8" and not data.isascii() and _utf8(data):
        declared = "utf-8"
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    return text.decode(path, data)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _declared_encoding(data: bytes) -> str | None:
    match = _DECLARED.search(data[:_PRESCAN_BYTES])
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name if match else None
    except LookupError:
        return None
    return _READ_AS.get(name, name)


class _Lines:
    """Text lines being collected, and where in the page each was read; ``pictures``
    reads the page's pictures (``None`` within a table cell: read after the table)."""

    def __init__(self, pictures: Pictures | None = None):
        self.text: list[str] = []
        self.where: list[str] = []
        self.tables = 0
        self.grids: list[GridTable] = []
        self.pictures = pictures
        self._images = 0
        self._pending: list[str] = []

    def add(self, fragment: str | None) -> None:
        if fragment:
            self._pending.append(fragment)

    def end(self, where: str = "text") -> None:
        if not self._pending:
            return
        line = _folded("".join(self._pending))
        self._pending = []
        if line:
            self.text.append(line)
            self.where.append(where)

    def table(self, rows: list[list[tuple[str, int, int]]]) -> None:
        """A data table: one line per row (its own cells), and the table as a grid."""
        self.end()
        self.tables += 1
        numbers = []
        for number, row in enumerate(rows, start=1):
            numbers.append(len(self.text) + 1 if row else None)
            if row:
                self.text.append(rows_to_text([[text for text, _, _ in row]]))
                self.where.append(f"table {self.tables}, row {number}")
        self.grids.append(GridTable(tuple(map(tuple, place(rows))), tuple(numbers)))

    def picture(self, image) -> None:
        """An ``<img>``: a ``data:`` picture read where it stands, a linked one listed; one
        declared smaller than an icon's ``MIN_SIDE``, or a linked logo or banner, passed over."""
        if self.pictures is None:
            return
        self._images += 1  # the name counts every visible <img>, so that it can be found in the page
        source = next((image.get(name).strip() for name in IMAGE_SOURCES if (image.get(name) or "").strip()), "")
        data = data_uri(source)
        if not source or _declared_side(image) < MIN_SIDE or (data is None and _FURNITURE.search(urlsplit(source).path)):
            return
        name = f"img {self._images}" + (f" ({source[:200]})" if data is None else "")
        read = self.pictures.read(name, data, "external image, not fetched")
        if read is not None:
            self.end()
            splice(read, self.text, self.where, self.grids)


def _walk(element, lines: _Lines) -> None:
    """Append the visible text under ``element`` (not its tail) to ``lines``."""
    tag = element.tag
    if tag == "img":
        lines.picture(element)
        return
    if tag == "table" and not _is_frame(element):
        if element.find("caption") is not None:
            _walk(element.find("caption"), lines)
        lines.table([[(_cell_text(cell), _span(cell, "rowspan"), _span(cell, "colspan"))
                      for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")])
        for image in element.xpath(".//td//img | .//th//img") if _holds(element, "img") else ():
            if not _skipped(image) and not any(map(_skipped, image.iterancestors())):
                lines.picture(image)
        return
    block = tag in BLOCK_TAGS
    if block:
        lines.end()
    lines.add(element.text)
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            _walk(child, lines)
        lines.add(child.tail)
    if block:
        lines.end()


def _is_frame(table) -> bool:
    """A table that holds tables, or whose only cell holds several lines, lays out the page."""
    if _holds(table, "table"):
        return True
    cells = list(islice(table.iterdescendants("td", "th"), 2))
    return len(cells) == 1 and len(_cell_lines(cells[0])) > 1


def _holds(element, tag: str) -> bool:
    """Whether an element holds an element ``tag`` (at any depth)."""
    return next(element.iterdescendants(tag), None) is not None


def _declared_side(image) -> float:
    """The smaller of an ``<img>``'s declared width and height in pixels (attributes or
    style), infinite when neither is declared."""
    sides = [int(m.group(1)) for m in (_PIXELS.match(image.get(name) or "") for name in ("width", "height")) if m]
    sides += [int(m.group(2)) for m in _STYLE_SIDE.finditer(image.get("style") or "")]
    return min(sides, default=float("inf"))


def _cell_text(cell) -> str:
    """A data table cell's text on one line (a cell is never navigation, whatever its class):
    its lines as ``_walk`` reads them, joined; that is, its text with a space at the edges
    of each block, where the walk ends a line, white space folded."""
    fragments = [cell.text or ""]
    _cell_fragments(cell, fragments)
    return _folded_cell("".join(fragments))


def _folded(text: str) -> str:
    """Text on one line: invisible characters dropped, white space folded."""
    return " ".join(_INVISIBLE.sub("", text).split())


_folded_cell = lru_cache(maxsize=4096)(_folded)  # a cell's text: cells repeat from page to page, lines do not


def _cell_fragments(element, fragments: list[str]) -> None:
    """The text under ``element`` inside a data table's cell (which holds no table), as
    ``_walk`` reads it, with a space at the edges of each block: skipped elements and
    pictures give no text, only their tails."""
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag != "img" and not _skipped(child):
            block = tag in BLOCK_TAGS
            if block:
                fragments.append(" ")
            if text := child.text:
                fragments.append(text)
            _cell_fragments(child, fragments)
            if block:
                fragments.append(" ")
        if tail := child.tail:
            fragments.append(tail)


def _cell_lines(cell) -> list[str]:
    lines = _Lines()
    _walk(cell, lines)
    lines.end()
    return lines.text


def _span(cell, attribute: str) -> int:
    """A cell's rowspan or colspan as the browser reads it (1 when absent or not a number)."""
    value = cell.get(attribute)
    return _span_value(value) if value else 1


@lru_cache(maxsize=256)
def _span_value(value: str) -> int:
    """``_span`` of a declared value: a page declares a few, on every cell."""
    digits = _SPAN.match(value)
    return int(digits.group(1)) if digits and int(digits.group(1)) > 0 else 1


def _skipped(element) -> bool:
    """Scripts, styles, controls, hidden elements and site navigation."""
    if element.tag in SKIPPED_TAGS:
        return True
    names = element.keys()  # the attributes it has: most have none of those below, or one
    if "hidden" in names or "aria-hidden" in names and element.get("aria-hidden") == "true":
        return True
    if "role" in names and element.get("role") in CLUTTER_ROLES:
        return True
    if "style" in names and _hides(element.get("style") or ""):
        return True
    if "class" in names or "id" in names:
        return _navigation(element.get("class") or "", element.get("id") or "")
    return False


@lru_cache(maxsize=1024)
def _navigation(class_: str, id_: str) -> bool:
    """Whether a class and id name site navigation (menu, footer …): pages repeat a few classes."""
    return not CLUTTER_WORDS.isdisjoint(f"{class_} {id_}".lower().split())


@lru_cache(maxsize=1024)
def _hides(style: str) -> bool:
    """Whether a ``style`` attribute hides its element: pages repeat a few long styles on every element."""
    return _HIDDEN_STYLE.search(style) is not None
