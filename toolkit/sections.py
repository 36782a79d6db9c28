"""Where each numbered part of a report begins, found by its heading.

Headings are matched in order (二 before 三 before 四 …) on compacted text, so
that the in-table rows "二、上年结转…", "三、本年度办理结果", "四、结转下年度…" are not
taken for part headings. Patterns live in ``codebook/headings.csv``.
"""
from __future__ import annotations

import re

from toolkit.codebook import heading_patterns

Span = tuple[int, int]


def find_sections(text: str) -> dict[str, Span]:
    """Section name -> (start, stop) of its content in ``text``; absent ones are left out."""
    starts: dict[str, tuple[int, int]] = {}
    cursor = 0
    for section, pattern in heading_patterns().items():
        match = re.compile(pattern).search(text, cursor)
        if match:
            starts[section] = (match.start(), match.end())
            cursor = match.end()
    ordered = sorted(starts.items(), key=lambda item: item[1][0])
    spans = {}
    for i, (section, (_, content_start)) in enumerate(ordered):
        stop = ordered[i + 1][1][0] if i + 1 < len(ordered) else len(text)
        spans[section] = (content_start, stop)
    return spans
