"""Where each numbered part of a report begins, found by its heading.

The forms of each part's heading are data (``codebook/headings.csv``), tried in
this order: a table's caption (表二:主动公开政府信息情况, 附表1 …) wherever it sits,
for tables appended after a narrative numbered its own way; a numbered heading
(二、 first, then (二), 2、, 第二部分, and for 五 and 六 any numeral); the title alone on
a line of its own. Headings are matched in order (二 before 三 …), so that the
in-table rows "二、上年结转…", "三、本年度办理结果", "四、结转下年度…" are not taken for
part headings; a title inside prose ("…主动公开政府信息情况良好") is not a heading.

>>> ct = CompactText("二、主动公开情况良好。\\n五、存在的主要问题及改进情况\\n表二:主动公开政府信息情况\\n规章 1")
>>> {section: ct.text[start:stop] for section, (start, stop) in find_sections(ct).items()}
{'section5': '及改进情况', 'section2': '规章 1'}
"""
from __future__ import annotations

import csv
import re
from functools import cache
from importlib.resources import files

from toolkit.normalize import CompactText

Span = tuple[int, int]


@cache
def heading_forms() -> dict[str, dict[str, list[re.Pattern]]]:
    """Section -> form ("caption", "heading", "line") -> its patterns, in the order of headings.csv."""
    forms: dict[str, dict[str, list[re.Pattern]]] = {}
    with files("toolkit.codebook").joinpath("headings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            forms.setdefault(row["section"], {}).setdefault(row["form"], []).append(re.compile(row["pattern"]))
    return dict(sorted(forms.items()))


def find_sections(text: CompactText | str) -> dict[str, Span]:
    """Section name -> (start, stop) of its content in the compact text; absent ones
    are left out. A title alone on its line is only recognised in a ``CompactText``
    (a compact string has no lines left)."""
    ct = text if isinstance(text, CompactText) else None
    compact = ct.text if ct else text
    starts = _captions(compact)
    cursor = 0
    for section, forms in heading_forms().items():
        if section not in starts and (found := _heading(compact, ct, forms, cursor)):
            starts[section] = found
            cursor = found[1]
    ordered = sorted(starts.items(), key=lambda item: item[1][0])
    spans = {}
    for i, (section, (_, content_start)) in enumerate(ordered):
        stop = ordered[i + 1][1][0] if i + 1 < len(ordered) else len(compact)
        spans[section] = (content_start, stop)
    return spans


def _captions(text: str) -> dict[str, Span]:
    """Table captions (表二:…, 表三:…, 表四:…), each searched after the previous one."""
    found, cursor = {}, 0
    for section, forms in heading_forms().items():
        for pattern in forms.get("caption", ()):
            if match := pattern.search(text, cursor):
                found[section] = match.span()
                cursor = match.end()
                break
    return found


def _heading(text: str, ct: CompactText | None, forms: dict, cursor: int) -> Span | None:
    """The first numbered heading form found after ``cursor``, else the title alone on a line."""
    for pattern in forms.get("heading", ()):
        if match := pattern.search(text, cursor):
            return match.span()
    if ct is not None:
        for pattern in forms.get("line", ()):
            for match in pattern.finditer(text, cursor):
                if ct.on_own_line(*match.span()):
                    return match.span()
    return None
