"""Research toolkit for China's government information disclosure annual reports.

Two entry points: ``read_report(path)`` gives one report's record (values as
printed, provenance, identity checks); ``build_corpus(paths)`` reads many and
lists every input that failed; ``load()`` gives the processed tables and the
research panel as DataFrames.
"""
__version__ = "0.1.0"

from toolkit.corpus import Corpus, build_corpus  # noqa: E402
from toolkit.report import Report, read_report  # noqa: E402
from toolkit.store import connect, load  # noqa: E402

__all__ = ["Corpus", "Report", "build_corpus", "connect", "load", "read_report", "__version__"]
