"""Printed row labels matched to codebook rows, tolerant of misprints.

A label matches a row exactly (the codebook's label or a known variant is printed
in it), or by similarity together with its number: "2.其他法律行政止公开" printed
second under （三）不予公开 is the row numbered （三）2 and reads like its label. A
label that is only similar, with no number to confirm it, must be very similar
and clearly more similar than any other row. How each label was matched is kept.

>>> number_of("(三)不予公开"), number_of("2.其他法律行政止公开"), number_of("1属于国家秘密")
(('(三)', '不予公开'), ('2', '其他法律行政止公开'), ('1', '属于国家秘密'))
>>> round(similarity("其他法律行政止公开", "其他法律行政法规禁止公开"), 2)
0.86
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from toolkit.normalize import compact_label

_NUMBER = re.compile(r"^(?:(?P<cn>[一二三四五六七八九十]+)[、.]|\((?P<pcn>[一二三四五六七八九十]+)\)"
                     r"|\((?P<par>\d{1,2})\)|(?P<ar>\d{1,2})(?:[.、]|(?=[^\d.,]))(?!\d))")
_IGNORED = re.compile(r"[、，,.。;；:：()（）\"“”‘’'《》\[\]【】\s*※]")
CN_DIGITS = "一二三四五六七八九十"

SIMILAR_WITH_NUMBER = 0.6  # a label this similar to the row its number (or its place) names is that row
SIMILAR_ALONE = 0.85  # without a number, this similar
MARGIN = 0.15  # and this much more similar than the next best row
MIN_INSIDE = 3  # a spelling this long names a row wherever it is printed in the label


def number_of(label: str) -> tuple[str, str]:
    """The printed number of a compacted label, normalised ("(三)", "2", "一"; ""
    when none) and the rest of the label. ① arrives as 1 (NFKC)."""
    match = _NUMBER.match(label)
    if not match:
        return "", label
    rest = label[match.end():]
    if match["cn"]:
        return match["cn"], rest
    if match["pcn"]:
        return f"({match['pcn']})", rest
    return match["par"] or match["ar"], rest


@lru_cache(maxsize=8192)
def plain(label: str) -> str:
    """A label for comparing by similarity: no numbering, no punctuation, 其它 as 其他."""
    return _IGNORED.sub("", number_of(compact_label(label))[1]).replace("其它", "其他")


@lru_cache(maxsize=16384)
def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, plain(a), plain(b), autojunk=False).ratio()


@dataclass(frozen=True)
class Candidate:
    """A codebook row that a printed label may name: its spellings and printed number."""

    name: str
    labels: tuple[str, ...]  # compacted, longest first
    number: str = ""  # as in fields.csv: "(三)2", "(七)", "一"


@dataclass(frozen=True)
class Match:
    name: str
    how: str  # "exact", or "similar 0.83, numbered (三)2"


def match_label(label: str, candidates: list[Candidate], group_number: str = "") -> Match | None:
    """The candidate a printed (compacted) label names, or ``None``.

    ``candidates`` are the rows not yet read, in printed order: the first is the
    row expected next. Exact: a spelling printed in the label, the longest where several are (the
    row's own label is longer than a word inside another's: 其他 in
    "部分公开(…不计其他情形)"). A spelling of under ``MIN_INSIDE`` characters
    matches only the whole label ("3.其他", "(七)总计"). Otherwise by similarity."""
    label = label.replace("其它", "其他")
    whole = plain(label)
    exact = []
    for order, candidate in enumerate(candidates):
        for spelling in candidate.labels:
            at = label.rfind(spelling)
            if at >= 0 and (len(spelling) >= MIN_INSIDE or whole == plain(spelling)):
                exact.append((len(spelling), at, -order, candidate))
                break
    if exact:
        return Match(max(exact, key=lambda e: e[:3])[3].name, "exact")
    return _similar(label, candidates, group_number)


def _similar(label: str, candidates: list[Candidate], group_number: str) -> Match | None:
    own, _ = number_of(label)
    printed_number = group_number + own if own.isdigit() else own
    scored = sorted(((max(similarity(label, s) for s in c.labels), c) for c in candidates),
                    key=lambda sc: sc[0], reverse=True)
    if not scored:
        return None
    (best, candidate), runner_up = scored[0], (scored[1][0] if len(scored) > 1 else 0.0)
    if best - runner_up < MARGIN and candidate.number != printed_number:
        return None
    if printed_number and candidate.number == printed_number and best >= SIMILAR_WITH_NUMBER:
        return Match(candidate.name, f"similar {best:.2f}, numbered {printed_number}")
    if candidate is candidates[0] and best >= SIMILAR_WITH_NUMBER and best - runner_up >= MARGIN \
            and not (printed_number and candidate.number and candidate.number != printed_number):
        return Match(candidate.name, f"similar {best:.2f}, the next row in order")
    if best >= SIMILAR_ALONE and best - runner_up >= MARGIN and not (printed_number and candidate.number
                                                                        and candidate.number != printed_number):
        return Match(candidate.name, f"similar {best:.2f}")
    return None
