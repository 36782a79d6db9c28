"""Extraction at scale: the targets of streaming, each a ratio measured in one run.

1. ``extract`` of N distinct synthetic HTML reports with ``--jobs 2`` against reading
   the same files with ``toolkit.read_report`` in a plain loop in one process
   (target: extract takes no longer, ratio <= 1): ``--pairs`` loops and runs one after
   the other, each pair's ratio, and their median against the target.
2. The parent's peak memory from a small to a large run of ``extract`` (target:
   at most 1.25x), and the largest child's: a reading process, or the process that
   builds the store beside the exports (forked from the parent, it counts the pages
   it shares with it).
3. A reading process: seconds from starting the pool (in a process that has imported
   the toolkit) to its first answer, and its resident memory (target <= 0.5 s and
   <= 150 MB).
4. With ``--huge N``: N synthetic text reports end to end (time, peak memory of the
   parent and of the largest reading process), and with ``--dask`` the same small run
   on a local Dask cluster of 2 workers.

Each run of ``extract`` is a fresh process with a new output folder (nothing cached); the
disk's pending writes are flushed before each run, and the folders of earlier runs are
deleted only once every figure is measured.

    .venv/bin/python benchmarks/scale.py                        # 1,000 and 4,000 HTML reports
    .venv/bin/python benchmarks/scale.py --sizes 1000 4000 --dask --huge 100000
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1024  # ru_maxrss is in KiB on Linux
TARGETS = {"extract / plain loop": 1.0, "parent memory, large / small run": 1.25,
           "reading process start s": 0.5, "reading process start MB": 150}


def generate(folder: Path, layout: str, n: int, jobs: int) -> list[Path]:
    """The first ``n`` synthetic reports of ``layout`` in ``folder`` (made if missing)."""
    from toolkit import synthetic

    folder.mkdir(parents=True, exist_ok=True)
    seeds = [f"scale-{i}" for i in range(n)]
    paths = [folder / synthetic.file_name(seed, layout) for seed in seeds]
    missing = [seed for seed, path in zip(seeds, paths) if not path.exists()]
    if missing:
        chunks = [missing[i::jobs * 8] for i in range(jobs * 8)]
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write, [(str(folder), layout, chunk) for chunk in chunks if chunk]))
    return paths


def _write(args) -> None:
    from toolkit import synthetic

    folder, layout, seeds = args
    for seed in seeds:
        report = synthetic.synthesize(seed, layout)
        (Path(folder) / report.name).write_bytes(report.data)


def run(code: str, *args: str) -> dict:
    """``code`` in a fresh Python process; its last line of output, as JSON. The disk's
    pending writes are flushed first, so that a run does not pay for the one before."""
    os.sync()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    if done.returncode not in (0, 1) or not lines:
        raise RuntimeError(done.stderr[-2000:] or done.stdout[-2000:])
    return json.loads(lines[-1])


PLAIN_LOOP = """
import json, resource, sys, time
from pathlib import Path
import toolkit
paths = Path(sys.argv[1]).read_text().split("\\n")
start = time.perf_counter()
for path in paths:
    toolkit.read_report(path)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

EXTRACT = """
import json, resource, runpy, sys, time
import toolkit.cli  # imported before the clock starts, as the plain loop imports the toolkit
def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
start, parent_cpu = time.perf_counter(), cpu(resource.RUSAGE_SELF)
sys.argv = ["toolkit", "extract", *sys.argv[1:]]
try:
    runpy.run_module("toolkit", run_name="__main__")  # as `python -m toolkit extract …` runs
except SystemExit:
    pass
print(json.dumps({"seconds": time.perf_counter() - start,
                  "parent_cpu": cpu(resource.RUSAGE_SELF) - parent_cpu, "workers_cpu": cpu(resource.RUSAGE_CHILDREN),
                  "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

WORKER_START = """
import json, os, time
from toolkit import batch

def rss_mb():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024

start = time.perf_counter()
batch.divisions()  # once per run, in the parent
table = time.perf_counter() - start
start = time.perf_counter()
pool = batch._reading_processes(1)  # as extract starts them (forked on Linux)
pool.schedule(os.getpid).result()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "table_s": table, "rss_mb": pool.schedule(rss_mb).result()}))
pool.stop()
"""


def extract(folder: Path, out: Path, *options: str) -> dict:
    _set_aside(out)
    return run(EXTRACT, str(folder), "--out", str(out), "--replace", "--quiet", *options)


def _set_aside(out: Path) -> None:
    """Move an earlier run's output out of the way, to be deleted once every figure is
    measured (``clear_set_aside``): on ext4, creating files is several times slower for
    minutes after many were deleted, which a user's first run into a new folder does not pay."""
    if out.exists():
        out.rename(out.with_name(f".{out.name}.set-aside-{time.time_ns()}"))


def clear_set_aside(workdir: Path) -> None:
    for aside in workdir.glob(".*.set-aside-*"):
        shutil.rmtree(aside, ignore_errors=True)


def plain_loop(paths: list[Path]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(map(str, paths)))
    try:
        return run(PLAIN_LOOP, listing.name)
    finally:
        os.unlink(listing.name)


def say(name: str, value: float, unit: str, target: float | None = None, smaller: bool = True) -> None:
    verdict = ""
    if target is not None:
        met = value <= target if smaller else value >= target
        verdict = f"  (target {'<=' if smaller else '>='} {target:g}: {'met' if met else 'MISSED'})"
    print(f"{name:48} {value:10.2f} {unit}{verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 4000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--huge", type=int, help="also N synthetic text reports end to end, e.g. 100000")
    parser.add_argument("--dask", action="store_true", help="also the large run on a local Dask cluster of 2 workers")
    parser.add_argument("--pairs", type=int, default=3, help="plain loops and extracts, one after the other (default: 3)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "toolkit-scale",
                        help="generated reports are kept here and reused (default: %(default)s)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} at the start (other work on the machine slows every figure)")
    small, large = args.sizes
    html = generate(args.workdir / "html", "html", large, os.cpu_count() or 1)
    for n in (small, large):
        folder = args.workdir / f"html-{n}"
        if not folder.exists():
            folder.mkdir()
            for path in html[:n]:
                os.link(path, folder / path.name)

    started = run(WORKER_START)
    say("division table, loaded once by the parent", started["table_s"], "s")
    say("reading process start", started["seconds"], "s", TARGETS["reading process start s"])
    say("reading process start memory", started["rss_mb"], "MB", TARGETS["reading process start MB"])

    runs = {small: extract(args.workdir / f"html-{small}", args.workdir / f"out-{small}", "--jobs", "2")}
    ratios = []
    for pair in range(1, args.pairs + 1):  # the machine's speed drifts: each ratio from a loop and a run side by side
        loop = plain_loop(html[:large])
        runs[large] = extract(args.workdir / f"html-{large}", args.workdir / f"out-{large}", "--jobs", "2")
        ratios.append(runs[large]["seconds"] / loop["seconds"])
        say(f"pair {pair}: plain loop, read_report x {large} (1 process)", loop["seconds"], "s")
        say(f"pair {pair}: extract --jobs 2, {large} reports", runs[large]["seconds"], "s")
        say(f"pair {pair}: extract / plain loop", ratios[-1], "x")
    say(f"extract / plain loop, median of {len(ratios)} pairs", statistics.median(ratios), "x",
        TARGETS["extract / plain loop"])
    per_report = {who: runs[large][f"{who}_cpu"] / large * 1000 for who in ("parent", "workers")}
    say("  per report: plain loop (wall)", loop["seconds"] / large * 1000, "ms")
    say("  CPU per report: reading processes", per_report["workers"], "ms")
    say("  CPU per report: parent (writing, and handing out files)", per_report["parent"], "ms")
    for n, result in runs.items():
        say(f"extract {n}: parent peak memory", result["parent_mb"], "MB")
        say(f"extract {n}: largest child process", result["workers_mb"], "MB")
    say("parent memory, large / small run", runs[large]["parent_mb"] / runs[small]["parent_mb"], "x",
        TARGETS["parent memory, large / small run"])

    if args.dask:
        say(f"extract on Dask (2 workers), {large} reports", dask_run(args.workdir, large)["seconds"], "s")
    if args.huge:
        text = generate(args.workdir / "text", "tabs", args.huge, os.cpu_count() or 1)
        start = time.perf_counter()
        result = extract(args.workdir / "text", args.workdir / "out-huge", "--jobs", "2")
        say(f"extract --jobs 2, {len(text)} text reports", time.perf_counter() - start, "s")
        say(f"extract {len(text)}: parent peak memory", result["parent_mb"], "MB", 1024)
        say(f"extract {len(text)}: largest reading process", result["workers_mb"], "MB")
    clear_set_aside(args.workdir)


def dask_run(workdir: Path, n: int) -> dict:
    """The large run read on a local Dask cluster of 2 single-threaded workers."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        return extract(workdir / f"html-{n}", workdir / f"out-dask-{n}", "--scheduler", cluster.scheduler_address)


if __name__ == "__main__":
    main()
