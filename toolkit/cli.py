"""Command line: ``python -m toolkit extract <paths or folders> --out data/processed``;
``python -m toolkit collect urls.csv --out data/raw``.

``extract`` reads on every core (``--jobs``) or on a Dask cluster (``--scheduler``),
stops a file after ``--timeout`` seconds, and keeps what each file gave in
``<out>/cache``: run it again and only new or changed files are read."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit import batch
from toolkit.collect import MANIFEST, USER_AGENT, collect
from toolkit.collect import summary as collect_summary
from toolkit.config import CORRECTIONS
from toolkit.corpus import build_corpus, load_records
from toolkit.outputs import write_outputs
from toolkit.tidy import reports_table

CACHE = "cache"  # under --out: what each file gave, so a run can be resumed or repeated cheaply
SUMMARY_ROWS = 30
SUMMARY_COLUMNS = ["report", "agency", "year", "section3_template", "checks_failed", "values_unresolved"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract reports into tidy tables")
    extract.add_argument("paths", nargs="*", help="report files or folders of them")
    extract.add_argument("--manifest", help="also read the files listed in this TSV/CSV (a 'file' column)")
    extract.add_argument("--records", action="append", default=[],
                         help="also include records extracted earlier into this folder (repeatable)")
    extract.add_argument("--out", default="data/processed", help="output folder (default: %(default)s)")
    extract.add_argument("--corrections", default=str(CORRECTIONS),
                         help="researchers' corrections to apply in the panel (default: %(default)s)")
    extract.add_argument("--jobs", type=int, help="processes reading files (default: one per core)")
    extract.add_argument("--scheduler",
                         help="read on a Dask cluster instead: its scheduler address, e.g. tcp://host:8786")
    extract.add_argument("--timeout", type=float, default=batch.DEFAULT_TIMEOUT,
                         help="seconds a file may take before it is stopped and listed as a failure (default: %(default)s)")
    extract.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    fetch = commands.add_parser("collect", help="download report pages and their attachments into data/raw")
    fetch.add_argument("urls", help="CSV file with a 'url' column")
    fetch.add_argument("--out", default="data/raw", help="folder for the files and MANIFEST.csv (default: %(default)s)")
    fetch.add_argument("--interval", type=float, default=1.0,
                       help="seconds between requests to one host (default: %(default)s)")
    fetch.add_argument("--no-attachments", action="store_true", help="do not fetch the files a page links to")
    fetch.add_argument("--images", action="store_true",
                       help="also fetch the images shown in a page (for tables printed as pictures)")
    fetch.add_argument("--user-agent", default=USER_AGENT, help="User-Agent header (add your contact)")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)
    if args.command == "collect":
        return _collect(args)

    if not args.paths and not args.manifest:
        parser.error("give report files or folders, or --manifest")
    corpus = build_corpus(args.paths, progress=not args.quiet, manifest=args.manifest, jobs=args.jobs,
                          scheduler=args.scheduler, timeout=args.timeout, cache=Path(args.out) / CACHE)
    failed_now = len(corpus.failures)
    for folder in args.records:
        corpus.extend(load_records(folder))
    write_outputs(corpus, args.out, args.corrections)
    if not args.quiet:
        print(summary(corpus))
        print(f"{len(corpus.reports)} records, {len(corpus.failures)} failures -> {args.out}")
    return 1 if failed_now else 0


def _collect(args) -> int:
    rows = collect(args.urls, args.out, attachments=not args.no_attachments, images=args.images,
                   min_interval=args.interval, user_agent=args.user_agent, progress=not args.quiet)
    if not args.quiet:
        print(f"{collect_summary(rows)} -> {args.out}/{MANIFEST}")
    return 1 if any(row["reason"] for row in rows) else 0


def summary(corpus) -> str:
    """A short table for people: one line per record, with its request totals."""
    table = reports_table(corpus.reports[:SUMMARY_ROWS])[SUMMARY_COLUMNS]
    table.insert(4, "requests", [_total(r, "new_received") for r in corpus.reports[:SUMMARY_ROWS]])
    table.insert(5, "not_held", [_total(r, "unable_not_held") for r in corpus.reports[:SUMMARY_ROWS]])
    more = len(corpus.reports) - SUMMARY_ROWS
    with pd.option_context("display.width", 200, "display.max_columns", None):
        return table.to_string(index=False) + (f"\n… and {more} more (see reports.csv)" if more > 0 else "")


def _total(report, row: str):
    section3 = report.record["section3"] or {}
    return section3.get(row, [None])[-1]


if __name__ == "__main__":
    sys.exit(main())
