r"""Text normalisation before any matching: NFKC, no quotes, white space folded.

Chinese table text reaches us with spaces inside labels ("本 年度办 理结果"),
full-width digits and brackets, and cells separated by tabs, pipes or newlines.
``CompactText`` removes the white space between non-numeric characters (so labels
match) but keeps one space between numbers (so cells stay apart), reads a cell
holding only 无 as a blank cell, and remembers where each character came from,
for provenance.

>>> compact_label("三、本 年度办 理结果")
'三、本年度办理结果'
>>> CompactText("一、本年新收\t8\t0\n（二）部分 公开").text
'一、本年新收 8 0 (二)部分公开'
"""
from __future__ import annotations

import bisect
import re
import unicodedata

from toolkit.readers.grid import BLANK_CELL

QUOTES = "\"'“”‘’「」『』"
_SEPARATORS = re.compile(r"(?:[\s|]|-{3,}|={3,})+")
_VALUE_CHARS = set("0123456789.,+-—–/∅⍰")
_BLANK_WU = re.compile(r"(?:^|(?<=[\s|]))无(?=[\s|]|$)", re.MULTILINE)  # a cell holding only 无


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets to half-width), Unix newlines."""
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")


def compact_label(label: str) -> str:
    """A label as matched: normalised, without quotes or white space."""
    text = normalize(label)
    return "".join(ch for ch in text if not ch.isspace() and ch not in QUOTES)


class CompactText:
    """Normalised text with separators folded, mapping back to line numbers."""

    def __init__(self, text: str):
        self.source = normalize(text)
        self._blank_cells = {m.start() for m in _BLANK_WU.finditer(self.source)}
        chars: list[str] = []
        origin: list[int] = []
        pos = 0
        for match in _SEPARATORS.finditer(self.source):
            self._keep(self.source, pos, match.start(), chars, origin)
            nxt = self.source[match.end():match.end() + 1]
            if chars and nxt and (chars[-1] in _VALUE_CHARS or nxt in _VALUE_CHARS):
                chars.append(" ")
                origin.append(match.start())
            pos = match.end()
        self._keep(self.source, pos, len(self.source), chars, origin)
        self.text = "".join(chars)
        self._origin = origin
        self._newlines = [i for i, ch in enumerate(self.source) if ch == "\n"]

    def _keep(self, source: str, start: int, stop: int, chars: list, origin: list) -> None:
        for i in range(start, stop):
            if source[i] not in QUOTES:
                chars.append(BLANK_CELL if i in self._blank_cells else source[i])
                origin.append(i)

    def source_slice(self, start: int, stop: int) -> str:
        """The normalised source text behind compact positions ``start:stop``."""
        if start >= len(self._origin):
            return ""
        end = self._origin[stop - 1] + 1 if stop > start else self._origin[start]
        return self.source[self._origin[start]:end]

    def line(self, index: int) -> int:
        """1-based line number in the source of compact position ``index``."""
        if not self._origin:
            return 1
        source_index = self._origin[min(index, len(self._origin) - 1)]
        return bisect.bisect_left(self._newlines, source_index) + 1
