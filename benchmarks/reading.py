"""Reading speed per core and a reading process's memory, against the targets of "Streaming at scale".

Speed is CPU time (``time.process_time``, best of ``--repeats`` loops) of ``toolkit.read_report``
in a plain loop, one fresh process per kind of report: text (synthetic "tabs" layout), crawler text,
synthetic HTML, and the real HTML pages of ../shared/corpus (skipped when absent). Memory is the
RSS of one fresh process after 1,000 and after ``--files`` synthetic HTML reads. Reports are
generated first (``toolkit.synthetic``, on every core, not timed).

    .venv/bin/python benchmarks/reading.py                             # a few minutes
    .venv/bin/python benchmarks/reading.py --files 2000                # a quicker memory check
    .venv/bin/python benchmarks/reading.py --baseline /tmp/head_copy   # also read by another tree (e.g. the
                                                                       # last commit, `git archive HEAD | tar -x`)

Targets: text >= 1,000 reports/s per core; real HTML >= 150 reports/s per core; crawler text no
slower than before (with ``--baseline``); RSS after ``--files`` reads at most 1.1 x RSS after 1,000.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import synthetic  # noqa: E402

REAL_HTML = ROOT.parent / "shared" / "corpus"
SPEED = {"text": ("tabs", 500), "crawler": ("crawler", 500), "synthetic HTML": ("html", 300)}  # layout, reports
TARGETS = {"text": 1000, "real HTML": 150}  # reports/s per core
REAL_ROUNDS = 20  # the real pages are few: each loop reads them this many times
MAX_GROWTH = 1.10  # RSS after --files reads over RSS after 1,000: flat
FIRST_CHECKPOINT = 1000

READ_LOOP = """
import json, sys, time
import toolkit
from toolkit.errors import ReportError
paths, repeats = open(sys.argv[1], encoding="utf-8").read().split("\\n"), int(sys.argv[2])
def read(path):
    try:
        toolkit.read_report(path)
    except ReportError:  # a refused report (e.g. pre-2019 format) is read up to its refusal
        pass
read(paths[0])  # imports and caches load here, not in the loop
best = None
for _ in range(repeats):
    start = time.process_time()
    for path in paths:
        read(path)
    seconds = time.process_time() - start
    best = seconds if best is None else min(best, seconds)
print(json.dumps({"seconds_per_report": best / len(paths)}))
"""

RSS_LOOP = """
import json, os, resource, sys
import toolkit
def rss_mb():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak, which is the same for a flat process
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
paths, checkpoints, found = open(sys.argv[1], encoding="utf-8").read().split("\\n"), {int(sys.argv[2])}, {}
for done, path in enumerate(paths, start=1):
    toolkit.read_report(path)
    if done in checkpoints or done == len(paths):
        found[done] = rss_mb()
print(json.dumps(found))
"""


def _write(job: tuple[str, str, list[str]]) -> None:
    folder, layout, seeds = job
    for seed in seeds:
        report = synthetic.synthesize(seed, layout)
        (Path(folder) / report.name).write_bytes(report.data)


def generate(folder: Path, layout: str, n: int) -> list[Path]:
    """The first ``n`` synthetic reports of ``layout`` in ``folder``, made where missing, on every core."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [f"reading-{i}" for i in range(n)]
    paths = [folder / synthetic.file_name(seed, layout) for seed in seeds]
    missing = [seed for seed, path in zip(seeds, paths) if not path.exists()]
    if missing:
        jobs = os.cpu_count() or 1
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write, [(str(folder), layout, missing[i::jobs * 4]) for i in range(jobs * 4)]))
    return paths


def run(script: str, paths: list[Path], tree: Path, *arguments: str) -> dict:
    """Run ``script`` on the listed paths in a fresh process that imports the toolkit of ``tree``."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as listing:
        listing.write("\n".join(map(str, paths)))
    try:
        done = subprocess.run([sys.executable, "-c", script, listing.name, *arguments], cwd=tempfile.gettempdir(),
                              env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True)
    finally:
        os.unlink(listing.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed_line(name: str, rate: float, baseline: float | None) -> str:
    """One kind of report's reports/s per core, against its target (or the baseline's rate)."""
    line = f"{name}: {rate:,.0f} reports/s per core, {1000 / rate:.2f} CPU ms per report"
    if name in TARGETS:
        goal = TARGETS[name]
        line += f" (target >= {goal:,}: {'met' if rate >= goal else 'MISSED'}, {rate / goal:.2f} of it)"
    if baseline:
        line += f"; baseline {baseline:,.0f} reports/s, now x{rate / baseline:.2f}"
    return line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="synthetic HTML reads for the memory check")
    parser.add_argument("--repeats", type=int, default=3, help="loops per speed figure; the fastest counts")
    parser.add_argument("--workdir", type=Path, help="keep the generated reports here (reused on the next run)")
    parser.add_argument("--baseline", type=Path, help="a tree holding another toolkit/ to read the same reports with")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reading-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
              f"(CPU time is the measure); reports in {workdir}", flush=True)
        html = generate(workdir / "html", "html", max(args.files, SPEED["synthetic HTML"][1]))
        kinds = {name: generate(workdir / layout, layout, n) if layout != "html" else html[:n]
                 for name, (layout, n) in SPEED.items()}
        real = sorted(REAL_HTML.rglob("*.html")) if REAL_HTML.is_dir() else []
        if real:
            kinds["real HTML"] = real * REAL_ROUNDS
        else:
            print(f"real HTML: skipped, no pages in {REAL_HTML}")
        for name, paths in kinds.items():
            rate = 1 / run(READ_LOOP, paths, ROOT, str(args.repeats))["seconds_per_report"]
            baseline = (1 / run(READ_LOOP, paths, args.baseline, str(args.repeats))["seconds_per_report"]
                        if args.baseline else None)
            print(speed_line(name, rate, baseline), flush=True)
        first = min(FIRST_CHECKPOINT, args.files)
        rss = {int(n): mb for n, mb in run(RSS_LOOP, html[:args.files], ROOT, str(first)).items()}
        growth = rss[args.files] / rss[first]
        print(f"memory: RSS {rss[first]:.0f} MB after {first:,} HTML reads, {rss[args.files]:.0f} MB after "
              f"{args.files:,} (x{growth:.3f}; target <= x{MAX_GROWTH:.2f}: {'met' if growth <= MAX_GROWTH else 'MISSED'}, "
              f"{growth / MAX_GROWTH:.2f} of it)")


if __name__ == "__main__":
    main()
