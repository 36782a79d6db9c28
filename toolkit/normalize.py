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
>>> CompactText("规章\t13 290\t0\n规章 13 290 0").text
'规章 13290 0 规章 13 290 0'
"""
from __future__ import annotations

import bisect
import re
import unicodedata

from toolkit.readers.grid import BLANK_CELL

QUOTES = "\"'“”‘’「」『』"
# Full-width ASCII and the ideographic space, the most of what NFKC changes in a report, each
# replaced by its own NFKC form first (a character's NFKC form has the same NFKC): the same
# result, without NFKC's slow path for every character of a text that holds one of them.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000)}
_QUOTE_SET = frozenset(QUOTES)
_SPACE_OR_QUOTE = re.compile(rf"[\s{re.escape(QUOTES)}]+")  # \s is what str.isspace calls white space
_VALUE_CHARACTERS = "0123456789.,+-—–/∅⍰"
_VALUE_CHARS = set(_VALUE_CHARACTERS)
# A run of separators (white space, pipes, markdown rules) or a quote, for ``CompactText`` to fold or drop; but
# not a lone tab, newline or pipe after a value character with text after it, which always becomes one space
# (left in place, replaced at the end). The first lookahead lets the search skip other characters.
_SEPARATOR_OR_QUOTE = re.compile(
    rf"(?=[\s|=\-{re.escape(QUOTES)}])(?!(?<=[{re.escape(_VALUE_CHARACTERS)}])[\t\n|](?![\s|]|-{{3}}|={{3}}|\Z))"
    rf"((?:[\s|]|-{{3,}}|={{3,}})+|[{re.escape(QUOTES)}])")
_BLANK_WU = re.compile(r"无(?<![^\s|]无)(?![^\s|])")  # a cell holding only 无 (the search looks for 无 first)
_DIGIT_GROUP = re.compile(r"\d{3}(?!\d)")
_GROUPED_CELL = re.compile(r" *[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?(?![\d.]) *")  # "13 290", "1 200.50"
_DIGITS_OR_SPACE = set("0123456789 ")
_LONGEST_NUMBER = 24
_CELL_EDGES = "\t|\n"
_LINE_MARKUP = " \t#*>|"  # markdown heading and emphasis marks, pipes: not text of a line
_LINE_CLOSING = " \t*|:：。."


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets to half-width), Unix newlines."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", _FULL_WIDTH.sub(lambda match: _HALF_WIDTH[match.group()], text))
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def compact_label(label: str) -> str:
    """A label as matched: normalised, without quotes or white space."""
    return _SPACE_OR_QUOTE.sub("", normalize(label))


class CompactText:
    """Normalised text with separators folded, mapping back to line numbers."""

    def __init__(self, text: str):
        source = self.source = normalize(text)
        shown = _BLANK_WU.sub(BLANK_CELL, source)  # one character for one: positions stay
        end = len(source)
        # The compact text is the source less what separators and quotes drop: from each run's start on,
        # a compact position is its source position less the run's offset (the characters dropped before it).
        run_starts, run_offsets = [0], [0]
        parts = _SEPARATOR_OR_QUOTE.split(shown)  # text, separator or quote, text, …, text
        last, pos, offset = "", 0, 0  # the last character kept, the source position, characters dropped so far
        quotes, value_chars = _QUOTE_SET, _VALUE_CHARS  # local names: the loop runs once a separator
        for i in range(1, len(parts), 2):
            kept, token = parts[i - 1], parts[i]
            if kept:
                pos += len(kept)
                last = kept[-1]  # a lone separator left in place stands for its space: neither is a value character
            size = len(token)
            stop = pos + size
            if (last and stop < end and token not in quotes and (last in value_chars or source[stop] in value_chars)
                    and not (token == " " and self._groups_digits(pos, stop))):
                parts[i], last = " ", " "
                size -= 1
            else:
                parts[i] = ""
            if size:  # characters dropped: the offset changes, a new run begins
                offset += size
                run_starts.append(stop - offset)
                run_offsets.append(offset)
            pos = stop
        self.text = "".join(parts).replace("\t", " ").replace("\n", " ").replace("|", " ")  # the lone separators
        self._run_starts, self._run_offsets = run_starts, run_offsets

    def _groups_digits(self, start: int, stop: int) -> bool:
        """Whether the one space at ``start:stop`` groups the digits of one number: in
        a cell of a tab- or pipe-separated line, and that cell holds only the number."""
        source = self.source
        if not _DIGIT_GROUP.match(source, stop):
            return False
        begin = start
        while begin > 0 and start - begin < _LONGEST_NUMBER and source[begin - 1] in _DIGITS_OR_SPACE:
            begin -= 1
        cell = _GROUPED_CELL.match(source, begin)
        if not cell or cell.end() <= stop:
            return False
        edges = (source[begin - 1] if begin else "\n", source[cell.end()] if cell.end() < len(source) else "\n")
        return all(edge in _CELL_EDGES for edge in edges) and edges != ("\n", "\n")  # a tab or pipe: cells

    def on_own_line(self, start: int, stop: int) -> bool:
        """Whether compact text ``start:stop`` is all its source line holds, but for
        markdown marks, pipes and a closing colon or full stop: a heading, not prose."""
        first, last = self._source_index(start), self._source_index(stop - 1)
        line_start = self.source.rfind("\n", 0, first) + 1
        line_end = self.source.find("\n", last)
        line_end = len(self.source) if line_end < 0 else line_end
        return (not self.source[line_start:first].strip(_LINE_MARKUP)
                and not self.source[last + 1:line_end].strip(_LINE_CLOSING))

    def source_slice(self, start: int, stop: int) -> str:
        """The normalised source text behind compact positions ``start:stop``."""
        if start >= len(self.text):
            return ""
        end = self._source_index(stop - 1) + 1 if stop > start else self._source_index(start)
        return self.source[self._source_index(start):end]

    def line(self, index: int) -> int:
        """1-based line number in the source of compact position ``index``."""
        if not self.text:
            return 1
        return self.source.count("\n", 0, self._source_index(min(index, len(self.text) - 1))) + 1

    def _source_index(self, index: int) -> int:
        """The source position of compact position ``index`` (0 <= index < len(text))."""
        return index + self._run_offsets[bisect.bisect_right(self._run_starts, index) - 1]
