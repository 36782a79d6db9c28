"""JSON for the records and the batch cache, where 10^5 reports make its speed count:
orjson (in C), or the standard library for what orjson refuses (text that is not
UTF-8, such as the surrogate escapes of a file name from another system, written as
JSON escapes and read back exactly).

>>> loads(dumps({"机关": "某某局", "values": [1, None]}, indent=True))
{'机关': '某某局', 'values': [1, None]}
>>> loads(dumps({"path": "\\udcb9.txt"}))["path"] == "\\udcb9.txt"  # not UTF-8: written as an escape, read back exactly
True
"""
from __future__ import annotations

import json

import orjson


def dumps(value, indent: bool = False) -> bytes:
    """UTF-8 JSON; ``indent``: two spaces a level, for files people read."""
    try:
        keys = orjson.OPT_NON_STR_KEYS  # an int key is written as a string, as json does
        return orjson.dumps(value, option=keys | orjson.OPT_INDENT_2 if indent else keys)
    except TypeError:  # a lone surrogate: the standard library, then an escape in its place
        text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None)
        return text.encode("utf-8", "backslashreplace")


def loads(data: bytes | str):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # perhaps an escaped lone surrogate, which orjson refuses
        return json.loads(data)
