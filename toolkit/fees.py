"""Section 六: the 信息处理费 (information processing fee) collected, in 元.

"没有产生/未收取/不涉及…信息处理费" or "未发生收费情况" gives 0; an amount in 元 or
万元 ("1,200元", "1.2万元") gives that amount in 元. A fee notice is not income: a
sentence that notifies a fee and says it was not paid gives 0, one that does not
say whether it was paid gives ``None`` with a note. A section that is "无" or
silent on fees gives ``None``. Sentences broken by a line break or a page number
line are read whole. Sentences naming the 处理费 are read before those that only
speak of 收费 in the handling of applications.

>>> processing_fee_yuan("本年度没有产生信息公开处理费。")
(0, '本年度没有产生信息公开处理费')
>>> processing_fee_yuan("共收取信息处理费0.12万元。")[0]
1200
>>> read_fee("发出收费通知1件,金额200元。").note
'a fee notice of 200元, not said to be paid: 发出收费通知1件,金额200元'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.normalize import normalize

FEE_WORDS = (  # first the fee by name, then fees in the handling of applications
    re.compile(r"处理费"),
    re.compile(r"收费通知|(?:收费|费用|缴费|收取)[^,]*?(?:信息公开|申请)|(?:信息公开|申请)[^,]*?(?:收费|费用|缴费)"),
)
AMOUNT = re.compile(r"(\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(万元|元)")
NONE_COLLECTED = re.compile(r"没有|未|无|不涉及|免")
NOTICE = re.compile(r"通知|应收|应缴|未缴|未交|未支付|未付|未实际|不予收取|免收|减免|退还|退回|放弃")
COLLECTED = re.compile(r"(?<![未没无不])(?:实际收取|实收|已缴|已收取|收取|收缴|缴纳)")
NOT_ALL = re.compile(r"其中|部分|个别")  # "其中1件未缴费": what the others paid is not said
YUAN_PER_UNIT = {"元": 1, "万元": 10_000}
_PAGE_NUMBER_LINE = re.compile(  # "- 3 -", "第3页", "第3页共7页", "3/7", "3"
    r"^[ \t]*(?:[-—–][ \t]*\d+[ \t]*[-—–]|第?[ \t]*\d+[ \t]*页(?:[ \t]*/?[ \t]*共[ \t]*\d+[ \t]*页)?"
    r"|\d+[ \t]*/[ \t]*\d+|\d{1,3})[ \t]*$", re.MULTILINE)
_BROKEN_LINE = re.compile(r"(?<![。;!?:])\n+(?![ \t]*(?:\(?[一二三四五六七八九十\d]+[)、.]|[一二三四五六七八九十]+是))")
_SPACE_IN_WORDS = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])")  # a line break inside a Word paragraph
_TITLE = re.compile(r"《[^》]*》|<[^>]*>|〈[^〉]*〉")  # a cited document ("…的通知》") is no fee notice
_SENTENCE_END = re.compile(r"[。;!?\n]")
_CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))")  # a comma, but not a thousands separator


@dataclass
class FeeRead:
    """The fee in 元 (``None``: not stated, or cannot be told), the sentence, and why it is ``None``."""

    yuan: int | float | None
    sentence: str | None = None
    note: str | None = None


def processing_fee_yuan(section6: str) -> tuple[int | float | None, str | None]:
    """(fee in 元 or ``None``, the sentence it was read from)."""
    read = read_fee(section6)
    return read.yuan, read.sentence


def read_fee(section6: str) -> FeeRead:
    """The fee from the first sentence that speaks of it, by name first."""
    sentences = _sentences(section6)
    for fee_words in FEE_WORDS:
        for sentence in sentences:
            if fee_words.search(_TITLE.sub("", sentence)) and (read := _fee_in(sentence, fee_words)):
                return read
    return FeeRead(None)


def _sentences(text: str) -> list[str]:
    """Sentences, with page number lines dropped and lines broken mid-sentence joined."""
    text = _PAGE_NUMBER_LINE.sub("", normalize(text))
    text = _SPACE_IN_WORDS.sub("", _BROKEN_LINE.sub("", text))
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def _fee_in(sentence: str, fee_words: re.Pattern) -> FeeRead | None:
    """The fee one sentence states; ``None`` when it states none."""
    text = _TITLE.sub("", sentence)
    clauses = _CLAUSE_END.split(text)
    first = next((i for i, clause in enumerate(clauses) if fee_words.search(clause)), 0)
    notice = NOTICE.search(text)
    paid, notified = [], []
    for clause in clauses[first:] + clauses[:first]:  # the amount after the fee's name first
        for amount in AMOUNT.finditer(clause):
            income = not notice or (COLLECTED.search(clause) and not NOTICE.search(clause))
            (paid if income else notified).append(_yuan(amount))
    if paid:
        return FeeRead(paid[0], sentence)
    if notice and NOT_ALL.search(text):
        return FeeRead(None, sentence, f"a fee notice, paid in part or not, cannot be told: {sentence}")
    if NONE_COLLECTED.search(text):
        return FeeRead(0, sentence)
    if notified:
        return FeeRead(None, sentence, f"a fee notice of {notified[0]}元, not said to be paid: {sentence}")
    return None


def _yuan(amount: re.Match) -> int | float:
    value = round(float(re.sub(r"[, ]", "", amount.group(1))) * YUAN_PER_UNIT[amount.group(2)], 2)  # to the fen
    return int(value) if value.is_integer() else value
