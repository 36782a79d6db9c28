"""A table as CSV, byte for byte what ``DataFrame.to_csv(index=False, lineterminator="\\n")``
writes, in a fraction of its time: each column is made into its CSV text with Arrow's
compute kernels and the rows are joined there, not field by field in Python.

What ``to_csv`` writes, and so this: a missing value is empty; a number or flag is
``str`` of it (``1.0``, ``1e-05``, ``True``); a text is quoted (``"`` doubled) only when
it holds a comma, a quote or a line feed. A table of one column, or with a column of
another type (dates, categories), is left to pandas.
"""
from __future__ import annotations

import re
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pa.large_string()
COMMA, LINE_END, QUOTE, NOTHING = (pa.scalar(text, TEXT) for text in (",", "\n", '"', ""))
QUOTED_FOR = ',"\n'  # a text holding one of these is quoted (Python's csv module, with pandas' settings)
CELLS_AT_ONCE = 500_000  # a long table is written in parts of about this many cells: its text is held once


def write_csv(table: pd.DataFrame, file: IO[bytes], header: bool = True) -> None:
    """``table.to_csv(file, index=False, header=header, lineterminator="\\n")`` in UTF-8."""
    if table.shape[1] < 2 or not all(map(_handled, table.dtypes)):
        file.write(table.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8"))
        return
    if header:
        names = pa.array([str(name) for name in table.columns], type=TEXT)
        file.write((",".join(_quote_where_needed(names).to_pylist()) + "\n").encode("utf-8"))
    rows_at_once = max(1, CELLS_AT_ONCE // table.shape[1])
    for first in range(0, len(table), rows_at_once):
        part = table.iloc[first:first + rows_at_once]
        fields = [_field_text(part[name]) for name in part.columns]
        fields[-1] = pc.binary_join_element_wise(fields[-1], LINE_END, NOTHING)
        file.write(_text_bytes(pc.binary_join_element_wise(*fields, COMMA)))


def _handled(dtype) -> bool:
    return (isinstance(dtype, pd.StringDtype) or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype) or dtype == object)


def _field_text(column: pd.Series) -> pa.Array:
    """The column's fields as CSV text, a missing value empty."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        return _quote_where_needed(pa.array(column, type=TEXT, from_pandas=True))
    if pd.api.types.is_bool_dtype(dtype):
        flags = pa.array(column, type=pa.bool_(), from_pandas=True)
        return pc.if_else(flags, pa.scalar("True", TEXT), pa.scalar("False", TEXT)).fill_null(NOTHING)
    if pd.api.types.is_integer_dtype(dtype):
        return pc.cast(pa.array(column, type=pa.int64(), from_pandas=True), TEXT).fill_null(NOTHING)
    if pd.api.types.is_float_dtype(dtype):
        return _float_text(column.to_numpy(dtype="float64", na_value=np.nan))
    missing = column.isna().to_numpy()
    texts = ["" if gone else str(value) for value, gone in zip(column.tolist(), missing)]  # object: str of each
    return _quote_where_needed(pa.array(texts, type=TEXT))


def _float_text(values: np.ndarray) -> pa.Array:
    """Python's ``repr`` of each number (17000.0, 0.25, 1e-05, inf), a NaN empty. A whole
    number below 10^16 is its digits and ``.0``, made in bulk; the others go through ``repr``."""
    with np.errstate(invalid="ignore"):
        whole = (np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 1e16)
                 & ~((values == 0) & np.signbit(values)))  # -0.0 is spelled with its sign
    digits = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), TEXT)
    texts = pc.binary_join_element_wise(digits, pa.scalar(".0", TEXT), NOTHING)
    if whole.all():
        return texts
    spelled = ["" if np.isnan(value) else repr(value) for value in values[~whole].tolist()]
    return pc.replace_with_mask(texts, pa.array(~whole), pa.array(spelled, type=TEXT))


def _quote_where_needed(texts: pa.Array) -> pa.Array:
    characters = bytes(_text_bytes(texts))
    if any(mark.encode() in characters for mark in QUOTED_FOR):  # most columns hold none: looked for at once
        return _quoted(texts.dictionary_encode()).fill_null(NOTHING)  # each distinct text once: a long table repeats them
    return texts.fill_null(NOTHING)


def _quoted(encoded: pa.DictionaryArray) -> pa.Array:
    """The texts, each holding one of ``QUOTED_FOR`` in quotes (``"`` doubled)."""
    texts = encoded.dictionary
    quote = pc.match_substring_regex(texts, f"[{re.escape(QUOTED_FOR)}]")
    doubled = pc.binary_join_element_wise(QUOTE, pc.replace_substring(texts, '"', '""'), QUOTE, NOTHING)
    return pc.if_else(quote, doubled, texts).take(encoded.indices)


def _text_bytes(texts: pa.Array) -> memoryview:
    """The characters of a text array, one after another (its data buffer, as far as it is used)."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)
    start, end = offsets[texts.offset], offsets[texts.offset + len(texts)]
    return memoryview(texts.buffers()[2])[start:end]
