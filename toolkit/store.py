"""The embedded analytical store: Parquet files plus a DuckDB database built from them.

``load()`` gives the tables as DataFrames; ``connect()`` opens the DuckDB database
for SQL (one table per Parquet file).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from toolkit.config import PROCESSED

DATABASE = "ogi.duckdb"


def build_database(processed: str | Path = PROCESSED) -> Path:
    """(Re)build ``processed/ogi.duckdb`` with one table per Parquet file."""
    processed = Path(processed)
    target = processed / DATABASE
    tmp = target.with_name(f".{DATABASE}.tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        for parquet in sorted(processed.glob("*.parquet")):
            con.execute(f'CREATE TABLE "{parquet.stem}" AS SELECT * FROM read_parquet(?)', [str(parquet)])
    tmp.replace(target)
    return target


def connect(processed: str | Path = PROCESSED, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the store, e.g. ``connect().sql("select * from panel").df()``."""
    return duckdb.connect(str(Path(processed) / DATABASE), read_only=read_only)


def load(name: str | None = None, processed: str | Path = PROCESSED) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """One table (``load("panel")``) or all of them (a dict), from the Parquet files."""
    processed = Path(processed)
    paths = {p.stem: p for p in sorted(processed.glob("*.parquet"))}
    if name is not None:
        if name not in paths:
            raise KeyError(f"no table {name!r} in {processed}; there are: {', '.join(paths) or 'none (run make demo)'}")
        return pd.read_parquet(paths[name])
    return {stem: pd.read_parquet(path) for stem, path in paths.items()}
