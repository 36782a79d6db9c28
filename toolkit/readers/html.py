"""Web pages: the visible text in reading order, every data table row on one line.

Decoding follows the page: a BOM, else its ``<meta charset>`` (or http-equiv
content type), else UTF-8, then GB18030. Scripts, styles, form controls, hidden
elements and site navigation are skipped. A table holding no other table is a
data table: each ``<td>``/``<th>`` is one cell, merged cells are not expanded
(``grid.rows_to_text``). The page ``<title>`` comes first: it usually names the
agency and year. Nothing is fetched and no script is run.

>>> page = "<p>一、总体情况</p><table><tr><td rowspan=2>行政复议</td><td>3</td><td></td></tr></table>"
>>> read(Path("a.html"), page.encode()).text
'一、总体情况\\n行政复议\\t3\\t∅'
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml
import lxml.etree
import lxml.html

from toolkit.errors import EmptyFile
from toolkit.readers import Document, GridTable, text
from toolkit.readers.grid import place, rows_to_text

_DECLARED = re.compile(rb"""(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_PRESCAN_BYTES = 8192
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# GB2312/GBK pages often hold GB18030 characters; a UTF-16 label on a byte page means UTF-8 (WHATWG)
_READ_AS = {"gb2312": "gb18030", "gbk": "gb18030", "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-16": "utf-8"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

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
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def read(path: Path, data: bytes) -> Document:
    page, encoding = decode(path, data)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", page))
    except lxml.etree.ParserError as error:
        raise EmptyFile(path, f"the page holds no HTML elements ({error})") from error
    lines = _Lines()
    title = root.findtext("head/title")
    if title:
        lines.add(title)
        lines.end("title")
    _walk(root, lines)
    lines.end()
    return Document(
        text="\n".join(lines.text), format="html", extractor=f"html (lxml {lxml.__version__})",
        encoding=encoding, locations=tuple(lines.where), details={"tables": lines.tables},
        grids=tuple(lines.grids),
    )


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes to text by BOM, then the declared charset, then UTF-8 / GB18030."""
    declared = None if data.startswith(_BOMS) else _declared_encoding(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    return text.decode(path, data)


def _declared_encoding(data: bytes) -> str | None:
    match = _DECLARED.search(data[:_PRESCAN_BYTES])
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name if match else None
    except LookupError:
        return None
    return _READ_AS.get(name, name)


class _Lines:
    """Text lines being collected, and where in the page each was read."""

    def __init__(self):
        self.text: list[str] = []
        self.where: list[str] = []
        self.tables = 0
        self.grids: list[GridTable] = []
        self._pending: list[str] = []

    def add(self, fragment: str | None) -> None:
        if fragment:
            self._pending.append(fragment)

    def end(self, where: str = "text") -> None:
        line = " ".join("".join(self._pending).translate(_INVISIBLE).split())
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


def _walk(element, lines: _Lines) -> None:
    """Append the visible text under ``element`` (not its tail) to ``lines``."""
    if element.tag == "table" and not element.xpath(".//table"):
        if element.find("caption") is not None:
            _walk(element.find("caption"), lines)
        lines.table([[(_cell_text(cell), _span(cell, "rowspan"), _span(cell, "colspan"))
                      for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")])
        return
    block = element.tag in BLOCK_TAGS
    if block:
        lines.end()
    lines.add(element.text)
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            _walk(child, lines)
        lines.add(child.tail)
    if block:
        lines.end()


def _cell_text(cell) -> str:
    """A cell's text on one line (a cell is never navigation, whatever its class)."""
    lines = _Lines()
    _walk(cell, lines)
    return " ".join(lines.text)


def _span(cell, attribute: str) -> int:
    """A cell's rowspan or colspan as the browser reads it (1 when absent or not a number)."""
    digits = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return int(digits.group(1)) if digits and int(digits.group(1)) > 0 else 1


def _skipped(element) -> bool:
    """Scripts, styles, controls, hidden elements and site navigation."""
    if element.tag in SKIPPED_TAGS or element.get("hidden") is not None:
        return True
    if element.get("aria-hidden") == "true" or element.get("role") in CLUTTER_ROLES:
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    words = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    return not CLUTTER_WORDS.isdisjoint(words)
