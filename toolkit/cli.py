"""Command line: ``python -m toolkit extract <paths or folders> --out data/processed``."""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from toolkit.config import CORRECTIONS
from toolkit.corpus import build_corpus
from toolkit.outputs import write_outputs
from toolkit.tidy import reports_table

SUMMARY_COLUMNS = ["report", "agency", "year", "section3_template", "checks_failed", "values_unresolved"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract reports into tidy tables")
    extract.add_argument("paths", nargs="+", help="report files or folders of them")
    extract.add_argument("--out", default="data/processed", help="output folder (default: %(default)s)")
    extract.add_argument("--corrections", default=str(CORRECTIONS),
                         help="researchers' corrections to apply in the panel (default: %(default)s)")
    extract.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)

    corpus = build_corpus(args.paths, progress=not args.quiet)
    write_outputs(corpus, args.out, args.corrections)
    if not args.quiet:
        print(summary(corpus))
        print(f"{len(corpus.reports)} records, {len(corpus.failures)} failures -> {args.out}")
    return 1 if corpus.failures else 0


def summary(corpus) -> str:
    """A short table for people: one line per record, with its request totals."""
    table = reports_table(corpus.reports)[SUMMARY_COLUMNS]
    table.insert(4, "requests", [_total(r, "new_received") for r in corpus.reports])
    table.insert(5, "not_held", [_total(r, "unable_not_held") for r in corpus.reports])
    with pd.option_context("display.width", 200, "display.max_columns", None):
        return table.to_string(index=False)


def _total(report, row: str):
    section3 = report.record["section3"] or {}
    return section3.get(row, [None])[-1]


if __name__ == "__main__":
    sys.exit(main())
