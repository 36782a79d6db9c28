"""The narrative's own counts against the table: section 一 often says
共收到政府信息公开申请X件, 办结X件, X件结转下年度.

Only a sentence that names the disclosure requests is read (a report also counts
hotline calls, approvals and reconsiderations in 件), and only before the tables.
A count that differs from section 三 is a finding with its sentence, never a repair.

>>> [(c.count, c.value) for c in narrative_counts("2025年,全区共收到政府信息公开申请154件,共办结148件,结转至2026年6件。")]
[('received', 154), ('processed', 148), ('carried_forward', 6)]
>>> narrative_counts("共收到政府信息公开行政复议 1 件,收到群众诉求348件。")
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.normalize import CompactText

_SENTENCE = re.compile(r"[^。;!?\n]+")
_REQUESTS = re.compile(r"政府信息公开申请|依申请公开|信息公开申请|公开申请")
_OTHER_MATTERS = re.compile(r"复议|诉讼|诉求|咨询|投诉|举报|建议|提案|审批|问政|留言|热线")
_YEAR = re.compile(r"(20\d\d) ?年(?!度)")
_NUMBER = r"(?:共计|共|合计)? ?(?P<n>\d+) ?件"
_COUNTS = {  # count -> patterns; the text between verb and number holds no clause break
    "received": [re.compile(r"(?:收到|受理|接收|接到)(?P<what>[^,:0-9]{0,30}?)" + _NUMBER),
                 re.compile(r"(?:收到|受理|接收|接到)(?:共计|共)? ?(?P<n>\d+) ?件(?P<what>(?:政府信息公开|依申请公开|信息公开)?申请)")],
    "processed": [re.compile(r"办结(?P<what>(?:依申请公开|依申请|政府信息公开申请|申请)?)" + _NUMBER)],
    "carried_forward": [re.compile(r"(?P<n>\d+) ?件(?P<what>)(?:申请)?结转(?:至|到)?下一?年"),
                        re.compile(r"结转(?:至|到)?(?:下一?年度?|\d{4} ?年)(?:继续)?(?:办理)?(?P<what>)" + _NUMBER)],
}
CONTEXT = 200  # characters before a sentence where its paragraph may name the requests
TABLE_ROWS = {"received": "new_received", "processed": "total_processed", "carried_forward": "carried_forward"}
LABELS = {"received": "本年新收", "processed": "办理结果总计", "carried_forward": "结转下年度继续办理"}


@dataclass(frozen=True)
class NarrativeCount:
    """One count the prose states: which (``received``, ``processed``,
    ``carried_forward``), its value, the sentence, its source line and the year it
    names (``None`` when it names none)."""

    count: str
    value: int
    sentence: str
    line: int
    year: int | None


def narrative_counts(text: CompactText | str, stop: int | None = None) -> list[NarrativeCount]:
    """The counts of disclosure requests the prose states before compact position
    ``stop`` (where the tables begin), first of each kind only."""
    ct = text if isinstance(text, CompactText) else CompactText(text)
    found: dict[str, NarrativeCount] = {}
    for sentence in _SENTENCE.finditer(ct.text, 0, len(ct.text) if stop is None else stop):
        words = sentence.group()
        if "申请" not in words:
            continue
        before = ct.text[max(0, sentence.start() - CONTEXT):sentence.start()]
        year = _YEAR.search(words)
        for count, patterns in _COUNTS.items():
            match = next((m for p in patterns if (m := p.search(words)) and _about_requests(m, words, before, count)),
                         None)
            if match and count not in found:
                found[count] = NarrativeCount(count, int(match.group("n")), words.strip(), ct.line(sentence.start()),
                                              int(year.group(1)) if year else None)
    return [found[count] for count in _COUNTS if count in found]


def _about_requests(match: re.Match, sentence: str, before: str, count: str) -> bool:
    """Whether the words the count is about are disclosure requests: named between
    verb and number (or right after it); or a bare 申请, or 办结 and 结转, in a
    sentence that names no other matter, where it or the text just before names them."""
    what = match.group("what")
    if _OTHER_MATTERS.search(what):
        return False
    if _REQUESTS.search(what):
        return True
    if count == "received" and not what.endswith("申请"):
        return False
    return not _OTHER_MATTERS.search(sentence) and bool(_REQUESTS.search(sentence) or _REQUESTS.search(before))


def compare_with_table(counts: list[NarrativeCount], section3: dict | None, year: int | None) -> list[dict]:
    """Each count beside the table's total of its row: ``holds`` True, False, or
    None (no table value, or the sentence speaks of another year)."""
    rows = section3 or {}
    compared = []
    for count in counts:
        total = (rows.get(TABLE_ROWS[count.count]) or [None])[-1]
        also = None
        if count.count == "received" and total is not None and (rows.get("carried_over") or [None])[-1] is not None:
            also = total + rows["carried_over"][-1]  # 共受理 may count the requests carried over too
        other_year = count.year is not None and year is not None and count.year != year
        holds = None if total is None or other_year else count.value in (total, also)
        compared.append({"count": count.count, "narrative": count.value, "table_row": TABLE_ROWS[count.count],
                         "table": total, "table_with_carried_over": also, "holds": holds,
                         "sentence": count.sentence, "line": count.line})
    return compared


def narrative_notes(compared: list[dict]) -> list[str]:
    """A note for each count that the table does not bear out."""
    notes = []
    for c in compared:
        if c["holds"] is False:
            with_carried = f" ({c['table_with_carried_over']} with 上年结转)" if c["table_with_carried_over"] is not None else ""
            notes.append(f"narrative: line {c['line']} says {c['narrative']} ({c['sentence'][:60]}), section 三 prints "
                         f"{LABELS[c['count']]} {c['table']}{with_carried}: a finding, both kept as printed")
    return notes

