"""A Word body (WordprocessingML) made to read as Word displays it, in one pass
over the XML before python-docx reads it.

Tracked changes are accepted: insertions kept (``w:ins``, ``w:moveTo``),
deletions dropped (``w:del``, ``w:moveFrom``, ``w:delText``), deleted rows
(``w:trPr/w:del``) and cells (``w:cellDel``) removed, a paragraph whose mark was
deleted joined to the next. Runs inside run-level wrappers (smart tags, simple
fields, inline content controls, custom XML, accepted insertions) become direct
runs of their paragraph: python-docx reads only those.
"""
from __future__ import annotations

from docx.oxml.ns import qn

_CONTENT = "not(parent::w:rPr) and not(parent::w:trPr)"  # a revision of content, not a mark on a row or paragraph
INSERTED = f".//w:ins[{_CONTENT}] | .//w:moveTo[{_CONTENT}] | .//w:trPr/w:ins | .//w:tcPr/w:cellIns"
DELETED_ROWS = ".//w:tr[w:trPr/w:del]"
DELETED_CELLS = ".//w:tc[w:tcPr/w:cellDel]"
DELETED_CONTENT = f".//w:del[{_CONTENT}] | .//w:moveFrom[{_CONTENT}]"
DELETED_TEXT = ".//w:delText | .//w:delInstrText"  # deleted text left outside a deletion
DELETED_MARKS = ".//w:p[w:pPr/w:rPr/w:del]"
WRAPPERS = f".//w:ins[{_CONTENT}] | .//w:moveTo[{_CONTENT}] | .//w:p//w:smartTag | .//w:p//w:fldSimple | .//w:p//w:customXml"
INLINE_CONTROLS = ".//w:p//w:sdt"


def accept_revisions(body) -> dict:
    """Accept every tracked change in ``body`` (in place) and open run wrappers;
    ``{"tracked_changes": {"insertions": n, "deletions": m}}`` when any was accepted."""
    insertions = len(_find(body, INSERTED))
    deletions = 0
    for query in (DELETED_ROWS, DELETED_CELLS, DELETED_CONTENT, DELETED_TEXT):
        found = _find(body, query)  # after the removals before: nothing inside a removed part counts
        for element in found:
            element.getparent().remove(element)
        deletions += len(found) if query != DELETED_TEXT else 0
    marks = _find(body, DELETED_MARKS)
    for paragraph in reversed(marks):  # last first: a run of deleted marks joins into the first paragraph
        following = paragraph.getnext()
        if following is not None and following.tag == qn("w:p"):
            paragraph.extend([child for child in following if child.tag != qn("w:pPr")])
            following.getparent().remove(following)
    for control in _find(body, INLINE_CONTROLS):
        content = control.find(qn("w:sdtContent"))
        _replace(control, list(content) if content is not None else [])
    for wrapper in reversed(_find(body, WRAPPERS)):  # innermost first
        _replace(wrapper, [child for child in wrapper if child.tag not in (qn("w:smartTagPr"), qn("w:customXmlPr"))])
    deletions += len(marks)
    return {"tracked_changes": {"insertions": insertions, "deletions": deletions}} if insertions or deletions else {}


def _find(body, query: str) -> list:
    return body.xpath(query)  # python-docx elements know the w: prefix


def _replace(element, children: list) -> None:
    """``element`` replaced by ``children`` where it stands (no index lookups: a hostile
    paragraph may hold a million wrappers)."""
    for child in children:
        element.addprevious(child)
    element.getparent().remove(element)
