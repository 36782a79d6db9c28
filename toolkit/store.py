"""The embedded analytical store: Parquet files plus a DuckDB database built from them.

``load()`` gives the tables as DataFrames; ``connect()`` opens the DuckDB database
for SQL (one table per Parquet file). Both read the processed folder given as
``folder=``, else the one the ``OGI_DATA`` environment variable names, else the
repository's ``data/processed``. A package installed with plain ``pip install`` is not
inside the repository, so there it needs one of the first two:

    toolkit.load("panel", folder="path/to/data/processed")
    OGI_DATA=path/to/data/processed python my_analysis.py
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from toolkit.config import DATA_ENV, IN_REPOSITORY, PROCESSED

DATABASE = "ogi.duckdb"
DATABASE_MEMORY = "128MB"  # DuckDB's own default is 80% of the machine's memory; beyond it, it spills to disk
HOW_TO_POINT = (
    f'point at a processed folder (the --out of `python -m toolkit extract`, e.g. data/processed of the '
    f'repository): toolkit.load("panel", folder="path/to/data/processed"), or set the environment variable '
    f'{DATA_ENV}=path/to/data/processed before starting Python or Jupyter'
)


class DataNotFound(FileNotFoundError):
    """No processed tables where ``load()`` / ``connect()`` looked; the message says how to point at them."""

    def __str__(self) -> str:
        return self.args[0]


class TableNotFound(KeyError):
    """A table name the processed folder does not hold (a KeyError with a readable message)."""

    def __str__(self) -> str:
        return self.args[0]


def data_folder(folder: str | Path | None = None) -> Path:
    """The processed folder to read: ``folder``, else ``$OGI_DATA``, else the repository's
    ``data/processed``; ``DataNotFound`` if that folder does not exist."""
    if folder is not None:
        path, source = Path(folder).expanduser(), "the folder given"
    elif os.environ.get(DATA_ENV):
        path, source = Path(os.environ[DATA_ENV]).expanduser(), f"{DATA_ENV}"
    else:
        path, source = PROCESSED, "the repository's data/processed"
        if not path.is_dir():
            where = ("this installation is not inside the repository (installed with pip, not pip install -e)"
                     if not IN_REPOSITORY else "it has not been built yet (make extract)")
            raise DataNotFound(f"no processed data: no folder given, {DATA_ENV} is not set, and there is no "
                               f"data/processed beside the package ({path}): {where}. To use your tables, "
                               f"{HOW_TO_POINT}.")
    if not path.is_dir():
        raise DataNotFound(f"no processed data: {source} is {path.resolve()}, which is not a folder. "
                           f"Check the path, or {HOW_TO_POINT}.")
    return path


def _resolve(folder, processed) -> Path:
    if folder is not None and processed is not None:
        raise TypeError("give the data folder once: folder= (processed= is its older name)")
    return data_folder(folder if folder is not None else processed)


def build_database(processed: str | Path = PROCESSED) -> Path:
    """(Re)build ``processed/ogi.duckdb`` with one table per Parquet file."""
    processed = Path(processed)
    target = processed / DATABASE
    tmp = target.with_name(f".{DATABASE}.tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp), config={"memory_limit": DATABASE_MEMORY, "threads": 1}) as con:
        con.execute("SET enable_progress_bar = false")  # the progress is extract's to show
        for parquet in sorted(processed.glob("*.parquet")):
            con.execute(f'CREATE TABLE "{parquet.stem}" AS SELECT * FROM read_parquet(?)', [str(parquet)])
    tmp.replace(target)
    return target


def connect(folder: str | Path | None = None, read_only: bool = True, *,
            processed: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the store, e.g. ``connect().sql("select * from panel").df()``;
    the folder is found as by ``load()``."""
    path = _resolve(folder, processed) / DATABASE
    if read_only and not path.is_file():
        raise DataNotFound(f"no database {DATABASE} in {path.parent.resolve()}: build it with "
                           f"`python -m toolkit extract … --out {path.parent}`, or {HOW_TO_POINT}.")
    return duckdb.connect(str(path), read_only=read_only)


def load(name: str | None = None, folder: str | Path | None = None, *,
         processed: str | Path | None = None) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """One table (``load("panel")``) or all of them (a dict), from the Parquet files of the
    processed folder: ``folder=`` (``processed=`` is its older name), else ``$OGI_DATA``,
    else the repository's ``data/processed``."""
    path = _resolve(folder, processed)
    paths = {p.stem: p for p in sorted(path.glob("*.parquet"))}
    if not paths:
        raise DataNotFound(f"no tables (*.parquet) in {path.resolve()}: build them with "
                           f"`python -m toolkit extract <your reports> --out {path}` (in the repository: "
                           f"make extract), or {HOW_TO_POINT}.")
    if name is not None:
        if name not in paths:
            raise TableNotFound(f"no table {name!r} in {path.resolve()}; there are: {', '.join(paths)}")
        return pd.read_parquet(paths[name])
    return {stem: pd.read_parquet(p) for stem, p in paths.items()}
