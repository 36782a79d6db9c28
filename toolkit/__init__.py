"""Research toolkit for China's government information disclosure annual reports.

Two entry points: ``read_report(path)`` gives one report's record (values as
printed, provenance, identity checks); ``build_corpus(paths)`` reads many and
lists every input that failed; ``load()`` gives the processed tables and the
research panel as DataFrames.

The names are imported when first used, so a process that only reads reports
does not load pandas or DuckDB.
"""
from importlib import import_module

__version__ = "0.2.0"

_HOMES = {"Corpus": "toolkit.corpus", "build_corpus": "toolkit.corpus", "Report": "toolkit.report",
          "read_report": "toolkit.report", "connect": "toolkit.store", "load": "toolkit.store"}
__all__ = [*sorted(_HOMES), "__version__"]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
