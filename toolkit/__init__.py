"""Research toolkit for China's government information disclosure annual reports.

Two entry points: ``read_report(path)`` gives one report's record (values as
printed, provenance, identity checks); ``build_corpus(paths)`` reads many and
lists every input that failed.
"""
__version__ = "0.1.0"

from toolkit.corpus import Corpus, build_corpus  # noqa: E402
from toolkit.report import Report, read_report  # noqa: E402

__all__ = ["Corpus", "Report", "build_corpus", "read_report", "__version__"]
