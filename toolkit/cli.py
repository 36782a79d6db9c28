"""Command line: ``python -m toolkit extract <paths or folders> --out data/processed``;
``python -m toolkit collect urls.csv --out data/raw``; ``python -m toolkit review data/processed
--out reports/review`` (a page per report, each number beside where it was read).

``extract`` reads on every core (``--jobs``) or on a Dask cluster (``--scheduler``),
stops a file after ``--timeout`` seconds, and keeps what each file gave in
``<out>/cache``: run it again and only new or changed files are read. Into a folder
that holds records already, the new ones are added (``--replace`` to start afresh).

Exit status: 0 every input became a record; 1 some inputs are failure rows
(``failures.csv``); 2 nothing was done (a usage error, a malformed corrections file)."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from toolkit import batch
from toolkit.collect import MANIFEST, USER_AGENT, collect
from toolkit.collect import summary as collect_summary
from toolkit.config import CORRECTIONS
from toolkit.corpus import Corpus, corpus_inputs, load_records, merged, read_inputs
from toolkit.corrections import CorrectionsError, load_corrections
from toolkit.data_version import about
from toolkit.outputs import OutputWriter, write_outputs
from toolkit.review import ReviewError, write_review
from toolkit.stored import StoredReport, loaded
from toolkit.tidy import reports_table

CACHE = "cache"  # under --out: what each file gave, so a run can be resumed or repeated cheaply
SUMMARY_ROWS = 30
REQUESTS_ACCEPTED = ("requests_total", "applications_formal")  # the pre-2019 forms' rows of requests
SUMMARY_COLUMNS = ["report", "agency", "year", "template", "checks_failed", "values_unresolved"]


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
    extract.add_argument("--replace", action="store_true",
                         help="replace the records already in --out (default: add to them; same content, same record)")
    extract.add_argument("--follow-links-outside", action="store_true",
                         help="follow symbolic links that lead out of the folders named (default: listed as failures)")
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
    review = commands.add_parser("review", help="write review pages: each report's tables beside their source")
    review.add_argument("processed", nargs="?", default="data/processed",
                        help="the folder extract wrote (default: %(default)s)")
    review.add_argument("--out", default="reports/review", help="folder for the pages (default: %(default)s)")
    review.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)
    if args.command == "collect":
        return _collect(args)
    if args.command == "review":
        return _review(args)

    if not args.paths and not args.manifest:
        parser.error("give report files or folders, or --manifest")
    try:  # what would stop the run later is refused before anything is read
        load_corrections(args.corrections)
        earlier = [load_records(folder) for folder in args.records]
        existing = Corpus() if args.replace else load_records(args.out)
        Path(args.out).mkdir(parents=True, exist_ok=True)
        # a cache made before opens (a new one is made once the inputs are listed: --out may be among them)
        if (Path(args.out) / CACHE / batch.CACHE_FILE).exists():
            batch.Cache(Path(args.out) / CACHE).open().close()
    except (CorrectionsError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    read, corpus, tables = _read_and_write(args, earlier, existing)
    if not args.quiet:
        print(summary(corpus))
        print(outcome(read, corpus, existing, tables, args.out))
    return 1 if read.failures else 0


def _read_and_write(args, earlier: list[Corpus], existing: Corpus) -> tuple[Corpus, Corpus, dict]:
    """Read the inputs and write the outputs: while the files are being read, when the
    data version can be known before reading (every input can be opened and has a name
    of its own), else once they all are. Both ways write the same files; when an input
    then fails, what was written early is dropped and the outputs are written again."""
    inputs, skipped = corpus_inputs(args.paths, args.manifest, args.follow_links_outside, outputs=args.out)
    keys = [batch.key_of(path) for path, *_ in inputs]
    writer = _early_writer(args, inputs, skipped, keys, earlier, existing)
    read = read_inputs(inputs, skipped, not args.quiet, jobs=args.jobs, scheduler=args.scheduler,
                       timeout=args.timeout, cache=Path(args.out) / CACHE, keys=keys,
                       on_ready=writer.add if writer else None)
    corpus = merged(read, *earlier, existing)
    if writer and about(corpus.reports, args.corrections) == writer.stamp:
        writer.add(corpus.reports[len(read.reports):])
        return read, corpus, writer.finish(corpus.failures)
    if writer:
        writer.abandon()
    return read, corpus, write_outputs(corpus, args.out, args.corrections)


def _early_writer(args, inputs: list[tuple], skipped: list[dict], keys: list, earlier: list[Corpus],
                  existing: Corpus) -> OutputWriter | None:
    """A writer stamped with the data version the outputs will have if every input
    becomes a record, or None when that cannot be known before reading."""
    names = [name for *_, name in inputs]
    if len(set(names)) < len(names) or any(isinstance(key, dict) for key in keys):
        return None
    expected = merged(Corpus([StoredReport(name, key[:64], None) for name, key in zip(names, keys)], skipped),
                      *earlier, existing)
    return OutputWriter(args.out, about(expected.reports, args.corrections), args.corrections)


def _collect(args) -> int:
    rows = collect(args.urls, args.out, attachments=not args.no_attachments, images=args.images,
                   min_interval=args.interval, user_agent=args.user_agent, progress=not args.quiet)
    if not args.quiet:
        print(f"{collect_summary(rows)} -> {args.out}/{MANIFEST}")
    return 1 if any(row["reason"] for row in rows) else 0


def _review(args) -> int:
    try:
        index = write_review(args.processed, args.out, progress=not args.quiet)
    except (ReviewError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"review pages -> {index} (open it in a browser)")
    return 0


def summary(corpus) -> str:
    """A short table for people: one line per record, with its request totals."""
    if not corpus.reports:
        return "no records"
    shown = loaded(corpus.reports[:SUMMARY_ROWS])
    table = reports_table(shown)[SUMMARY_COLUMNS]
    table.insert(4, "requests", [_total(r, "new_received") for r in shown])
    table.insert(5, "not_held", [_total(r, "unable_not_held") for r in shown])
    more = len(corpus.reports) - SUMMARY_ROWS
    with pd.option_context("display.width", 200, "display.max_columns", None):
        return table.to_string(index=False) + (f"\n… and {more} more (see reports.csv)" if more > 0 else "")


def outcome(read: Corpus, corpus: Corpus, existing: Corpus, tables: dict, out: str) -> str:
    """What the run did, in a few lines: inputs, failures by reason, records added,
    corrections not applied, identities before and after corrections."""
    lines = [f"{len(read.reports) + len(read.failures)} inputs: {len(read.reports)} records, "
             f"{len(read.failures)} failures"]
    for reason, count in Counter(f["reason"] for f in read.failures).most_common():
        example = next(f for f in read.failures if f["reason"] == reason)
        lines.append(f"  {count} {reason}, e.g. {example['message'][:150]}")
    if existing.reports:
        kept = len(corpus.reports) - len(read.reports)
        lines.append(f"{kept} records already in {out} kept (--replace to drop them)")
    corrections = tables["corrections_applied"]
    for status in ("stale", "not_found"):
        for row in corrections[corrections["status"] == status].itertuples(index=False):
            lines.append(f"correction {status}: {row.report} {row.field} (printed {row.printed_value}, "
                         f"correction {row.corrected_value})")
    panel = tables["panel"]
    if (corrections["status"] == "applied").any():
        lines.append(f"identity checks failed: {int(panel['checks_failed'].sum())} as printed, "
                     f"{int(panel['checks_failed_corrected'].sum())} after "
                     f"{int((corrections['status'] == 'applied').sum())} corrections")
    lines.append(f"{len(corpus.reports)} records, {len(corpus.failures)} failures -> {out}"
                 + (" (see failures.csv)" if corpus.failures else ""))
    return "\n".join(lines)


def _total(report, row: str):
    """Section 三's total of a row; for a pre-2019 table, requests are the row of
    requests accepted, as printed (its form has no 本年新收 and no 不掌握)."""
    if legacy := report.record.get("legacy"):
        accepted = next((r for r in legacy["rows"] if r["key"] in REQUESTS_ACCEPTED), None)
        return accepted["value"] if accepted and row == "new_received" else None
    section3 = report.record["section3"] or {}
    return section3.get(row, [None])[-1]


if __name__ == "__main__":
    sys.exit(main())
