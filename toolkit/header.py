"""Who reports on which year: agency name and report year from the text.

Looked for in this order: a title line ("XX2022年政府信息公开工作年度报告", also
behind "标题:" or a markdown "#"), a sentence naming the report ("现公布XX2021年…"),
then the body's first "2023年,XX人民政府办公室…". Each answer says where it came from.

>>> find_agency_and_year("卫滨区人民政府办公室 2020 年政府信息公开工作年度报告\\n正文")[:2]
('卫滨区人民政府办公室', 2020)
"""
from __future__ import annotations

import re

from toolkit.normalize import compact_label, normalize

FIRST_YEAR, LAST_YEAR = 2008, 2100
_REPORT = r"(?P<year>\d{4})年度?(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?报告"
_TITLE = re.compile(rf"^(?:标题:|#+|[《【])*(?P<agency>[^,。:;!?、]{{2,40}}?)(?:关于)?{_REPORT}")
_NAMED = re.compile(rf"(?:公布|发布|编制|现将)(?P<agency>[\u4e00-\u9fff()]{{2,40}}?){_REPORT}")
AGENCY_ENDINGS = (
    "人民政府办公室", "人民政府办公厅", "人民政府", "管理委员会", "管委会", "委员会",
    "办公室", "办公厅", "局", "厅", "委", "办", "院", "中心", "所", "署",
)
_BODY = re.compile(
    r"(?P<year>\d{4})年度?[,，]\s*(?:我(?:区|市|县|局|办|委|厅)?[,，]?)?"
    rf"(?P<agency>[\u4e00-\u9fff()]{{2,30}}?(?:{'|'.join(AGENCY_ENDINGS)}))"
)
_PERIOD = re.compile(r"(\d{4})年1月1日(?:起)?至\d{4}年12月31日")
HEAD_LINES = 40


def find_agency_and_year(text: str) -> tuple[str | None, int | None, str]:
    """(agency, year, where found); ``None`` where the text does not say."""
    for number, line in enumerate(normalize(text).split("\n", HEAD_LINES)[:HEAD_LINES], start=1):
        match = _TITLE.match(compact_label(line))
        if match and _plausible(match["year"]):
            return _clean(match["agency"]), int(match["year"]), f"title, line {number}"
    flat = compact_label(text)
    for pattern, where in ((_NAMED, "preamble"), (_BODY, "body text")):
        match = pattern.search(flat)
        if match and _plausible(match["year"]):
            return _clean(match["agency"]), _period_year(flat) or int(match["year"]), where
    return None, _period_year(flat), "statistics period"


def _period_year(flat: str) -> int | None:
    match = _PERIOD.search(flat)
    return int(match.group(1)) if match and _plausible(match.group(1)) else None


def _plausible(year: str) -> bool:
    return FIRST_YEAR <= int(year) <= LAST_YEAR


def _clean(agency: str) -> str:
    return agency.strip("()《》【】 ")
