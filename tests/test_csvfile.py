"""The fast CSV writer writes what pandas' ``to_csv`` writes, character for character."""
from __future__ import annotations

import io
import random

import numpy as np
import pandas as pd
import pytest

from toolkit.csvfile import write_csv

AWKWARD_TEXTS = ["a,b", 'say "no"', "two\nlines", "carriage\rreturn", "", None, "中文，全角", " spaces ", '"', ",", "\n"]
AWKWARD_FLOATS = [1e16, 1e-5, 0.1, -0.0, np.nan, np.inf, -np.inf, 17000.0, 5e-324, 1 / 3, 123456789012345678.0, 0.0001]


def pandas_bytes(table: pd.DataFrame, header: bool = True) -> bytes:
    return table.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")


def our_bytes(table: pd.DataFrame, header: bool = True) -> bytes:
    file = io.BytesIO()
    write_csv(table, file, header=header)
    return file.getvalue()


def awkward_table(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    pick = lambda values: [rng.choice(values) for _ in range(n)]  # noqa: E731
    return pd.DataFrame({
        "text": pd.array(pick(AWKWARD_TEXTS + ["plain", "报告.html"]), dtype="str"),
        "mixed": pick(["x", 1, 2.5, None, np.nan, True, "a,b", pd.NA]),
        "count": pd.array(pick([1, None, -8, 0, 2**40]), dtype="Int64"),
        "plain_int": np.array(pick([0, 7, -3]), dtype="int64"),
        "float": np.array(pick(AWKWARD_FLOATS), dtype="float64"),
        "nullable_float": pd.array(pick([1.0, None, 1e16, 2.5, 1 / 3]), dtype="Float64"),
        "flag": np.array(pick([True, False]), dtype=bool),
        "nullable_flag": pd.array(pick([True, False, None]), dtype="boolean"),
        'odd, "name"': pick(["x"]),
    })


@pytest.mark.parametrize("seed", range(5))
def test_every_kind_of_column_as_pandas_writes_it(seed):
    table = awkward_table(200, seed)
    assert our_bytes(table) == pandas_bytes(table)
    assert our_bytes(table, header=False) == pandas_bytes(table, header=False)


def test_empty_sliced_and_single_column_tables():
    table = awkward_table(50, 9)
    assert our_bytes(table.iloc[:0]) == pandas_bytes(table.iloc[:0])
    assert our_bytes(table.iloc[17:31]) == pandas_bytes(table.iloc[17:31])  # a slice of Arrow-backed columns
    assert our_bytes(table[["text"]]) == pandas_bytes(table[["text"]])  # one column: an empty text is ""
    nothing = pd.DataFrame({"gone": pd.array([None, None], dtype="str"), "empty": pd.array(["", ""], dtype="str")})
    assert our_bytes(nothing) == pandas_bytes(nothing)


def test_a_column_of_another_type_is_left_to_pandas():
    table = pd.DataFrame({"day": pd.to_datetime(["2024-01-02", None]), "kind": pd.Categorical(["a", "b,c"])})
    assert our_bytes(table) == pandas_bytes(table)


def test_numbers_spelled_as_python_spells_them():
    """Whole numbers are made in bulk, the rest by ``repr``: the two must meet exactly."""
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.integers(-10**6, 10**6, 500).astype(float), rng.normal(0, 1e6, 500),
                             [1e16, 9999999999999998.0, -1e16, 1e15, -0.0, 0.0, np.nan, np.inf, -np.inf, 1e-300,
                              2.0**53, -(2.0**53), 0.5]])
    table = pd.DataFrame({"float": values, "nullable": pd.array(values, dtype="Float64"), "text": "x"})
    assert our_bytes(table) == pandas_bytes(table)


def test_a_long_table_written_in_parts_is_the_same(monkeypatch):
    monkeypatch.setattr("toolkit.csvfile.CELLS_AT_ONCE", 20)  # 2 rows of 9 columns at a time
    table = awkward_table(51, 3)
    assert our_bytes(table) == pandas_bytes(table)
