"""Section 六: the 信息处理费 (information processing fee) in 元.

"没有产生/未收取/不涉及…信息处理费" gives 0; an amount in 元 or 万元 gives that
amount in 元; a section that is "无" or silent on the fee gives ``None``.

>>> processing_fee_yuan("本年度没有产生信息公开处理费。")
(0, '本年度没有产生信息公开处理费')
>>> processing_fee_yuan("共收取信息处理费0.12万元。")[0]
1200.0
>>> processing_fee_yuan("无。")
(None, None)
"""
from __future__ import annotations

import re

FEE_WORDS = re.compile(r"处理费")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元)")
NONE_COLLECTED = re.compile(r"没有|未|无|不涉及|免")
YUAN_PER_UNIT = {"元": 1, "万元": 10_000}


def processing_fee_yuan(section6: str) -> tuple[float | int | None, str | None]:
    """(fee in 元 or ``None``, the sentence it was read from)."""
    for sentence in re.split(r"[。;；\n]", section6):
        if not FEE_WORDS.search(sentence):
            continue
        sentence = sentence.strip()
        amount = AMOUNT.search(sentence.split("处理费", 1)[1]) or AMOUNT.search(sentence)
        if amount:
            value = round(float(amount.group(1)) * YUAN_PER_UNIT[amount.group(2)], 2)  # to the fen
            return (int(value) if value.is_integer() and amount.group(2) == "元" else value), sentence
        if NONE_COLLECTED.search(sentence):
            return 0, sentence
    return None, None
