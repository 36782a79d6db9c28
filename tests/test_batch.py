"""The batch engine: every file accounted for, nothing read twice, a killed run
resumes to the same tables, and a Dask cluster gives what the local pool gives."""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from toolkit import batch, read_report
from toolkit.cli import main
from toolkit.corpus import Corpus, find_inputs
from toolkit.outputs import make_tables

from conftest import ROOT

SEEDS = [ROOT / "data" / "raw" / name for name in (  # the bundled reports, whatever else a user put there
    "000_323c267c87cacc94.txt", "001_45c66cdd23912b77.txt", "002_1ee472de9be0b35c.txt", "003_8d388e7911cc997b.txt",
    "004_05aca36cc1e89005.txt")]
BUREAUS = ("财政局", "教育局", "民政局", "司法局", "交通运输局", "水利局", "商务局", "审计局", "统计局",
           "文化和旅游局", "卫生健康委员会", "应急管理局")
YEARS_BACK = 5
REPORTS = len(SEEDS) * len(BUREAUS) * YEARS_BACK  # 300
CONTENTS = REPORTS + 1  # and a page that is not a report
FILES = CONTENTS + 1  # one report is there twice


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Each seed report under 12 agency names and 5 years, a copy of one, and a menu."""
    folder = tmp_path_factory.mktemp("inbox")
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        record = read_report(seed).record
        for number, bureau in enumerate(BUREAUS):
            for back in range(YEARS_BACK):
                variant = text.replace(record["agency"], record["agency"] + bureau)
                variant = variant.replace(str(record["year"]), str(record["year"] - back))
                (folder / f"{seed.stem[:3]}_{number:02d}_{back}.txt").write_text(variant, encoding="utf-8")
    (folder / "copy_of_000_00_0.txt").write_bytes((folder / "000_00_0.txt").read_bytes())
    (folder / "menu.txt").write_text("今日菜单：米饭、面条。", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def inputs(inbox):
    return [(path, collection, None) for path, collection in find_inputs([inbox])]


@pytest.fixture(scope="module")
def local(inputs, tmp_path_factory):
    """One uninterrupted run on two processes: its cache, counts and serialised tables."""
    cache = tmp_path_factory.mktemp("local") / "cache"
    reports, failures, counts = batch.build(inputs, cache, jobs=2, progress=False)
    return cache, counts, _serialised(reports, failures)


def test_every_file_is_a_record_or_a_failure_and_each_content_is_read_once(inbox, local):
    _, counts, tables = local
    assert counts["read"] == CONTENTS and counts["duplicates"] == 1
    assert (counts["records"], counts["failed"]) == (REPORTS + 1, 1)
    assert counts["records"] + counts["failed"] == len(list(inbox.iterdir())) == FILES
    records = json.loads(tables["records"])
    copy, original = records["copy_of_000_00_0.txt"], records["000_00_0.txt"]
    assert copy["provenance"]["path"].endswith("copy_of_000_00_0.txt")
    assert {**copy, "provenance": None} == {**original, "provenance": None}
    assert len({r["provenance"]["sha256"] for r in records.values()}) == REPORTS


def test_a_second_run_reads_nothing_and_gives_the_same_tables(inputs, local):
    cache, _, tables = local
    reports, failures, counts = batch.build(inputs, cache, jobs=2, progress=False)
    assert (counts["read"], counts["cached"]) == (0, FILES)
    assert _serialised(reports, failures) == tables


def test_a_run_killed_halfway_resumes_to_byte_identical_tables(inbox, inputs, local, tmp_path):
    cache = tmp_path / "cache"
    run = subprocess.Popen(
        [sys.executable, "-c", "import sys, toolkit; toolkit.build_corpus([sys.argv[1]], progress=False, "
                               "jobs=1, cache=sys.argv[2])", str(inbox), str(cache)],
        cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    while _entries(cache) < CONTENTS // 4 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its reading processes, as a power cut would
    run.wait()
    done = _entries(cache)
    assert 0 < done < CONTENTS, "the run was not stopped halfway"
    reports, failures, counts = batch.build(inputs, cache, jobs=2, progress=False)
    assert counts["read"] == CONTENTS - done
    assert counts["read"] + counts["cached"] + counts["duplicates"] == FILES
    assert _serialised(reports, failures) == local[2]


def test_a_dask_cluster_gives_the_same_tables_as_the_local_pool(inputs, local, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        reports, failures, counts = batch.build(inputs, tmp_path / "cache", scheduler=cluster.scheduler_address,
                                                progress=False)
    assert counts["read"] == CONTENTS
    assert _serialised(reports, failures) == local[2]


def test_entries_of_other_code_crashes_and_shorter_time_limits_are_read_again(inputs, tmp_path):
    few = inputs[:4]
    batch.build(few, tmp_path, jobs=1, progress=False)
    cache = batch.Cache(tmp_path)
    other, crashed, stopped = (cache.key(path) for path, _, _ in few[:3])
    cache.save(other, json.dumps({**cache.load(other), "code": "other code"}).encode())
    cache.put(crashed, batch._failed("crashed", "the process died", retry=True))
    cache.put(stopped, batch._failed("timeout", "took too long", timeout=1.0))
    assert cache.fresh(stopped, 1.0) and cache.fresh(stopped, 0.5) and not cache.fresh(stopped, 2.0)
    _, _, counts = batch.build(few, tmp_path, jobs=1, timeout=2.0, progress=False)
    assert (counts["read"], counts["cached"]) == (3, 1)
    assert batch.extract(str(tmp_path / "gone.txt"))["retry"]  # e.g. a Dask worker that cannot see the file


@pytest.mark.parametrize("fault, reason", [("slow", "timeout"), ("dies", "crashed")])
def test_a_file_at_fault_in_a_task_of_several_fails_alone(inputs, tmp_path, monkeypatch, fault, reason):
    """Text files go to a reading process several at a time; when one of them runs over the
    time limit or kills its process, it alone fails, and every other file is a record."""
    few = [(path, collection, row) for path, collection, row in inputs if path.name != "menu.txt"][:5]
    assert len(few) < batch.FILES_PER_TASK  # with the faulty file, one task
    at_fault = tmp_path / f"{fault}.txt"
    at_fault.write_bytes(few[0][0].read_bytes() + b"\n")
    reading = batch.read_report

    def faulty(path):  # reading processes are forked from this one: they read with it
        if fault in str(path):
            time.sleep(60) if fault == "slow" else os._exit(1)
        return reading(path)
    monkeypatch.setattr(batch, "read_report", faulty)
    files = few[:2] + [(at_fault, "faults", None)] + few[2:]
    reports, failures, counts = batch.build(files, tmp_path / "cache", jobs=1, timeout=1.5, progress=False)
    assert [(f["file"], f["reason"]) for f in failures] == [(at_fault.name, reason)]
    assert [r.name for r in reports] == [path.name for path, _, _ in few]
    assert counts["read"] == len(files)


def test_cli_extract_reads_on_jobs_and_says_what_came_from_the_cache(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["extract", *map(str, SEEDS), "--out", str(out), "--jobs", "2", "--timeout", "60"]
    assert main(args) == 0
    assert main(args) == 0
    assert f"{len(SEEDS)} files: 0 read now, {len(SEEDS)} from {out / 'cache'}" in capsys.readouterr().out
    assert len(list((out / "records").glob("*.json"))) == len(SEEDS)


def _entries(cache) -> int:
    """Entries saved in the cache folder so far (while another process saves more)."""
    if not (cache / batch.CACHE_FILE).exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{cache / batch.CACHE_FILE}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM entries").fetchone()[0]
    except sqlite3.OperationalError:  # not made whole yet
        return 0


def _serialised(reports, failures) -> dict[str, bytes]:
    """Every table as CSV and Parquet bytes, and the records as JSON: what "identical" means."""
    serialised = {"records": json.dumps({r.name: r.to_dict() for r in reports}, ensure_ascii=False).encode()}
    for name, table in make_tables(Corpus(reports, failures)).items():
        parquet = io.BytesIO()
        table.to_parquet(parquet, index=False)
        serialised[name] = table.to_csv(index=False).encode() + parquet.getvalue()
    return serialised


def test_a_damaged_cache_is_set_aside_and_the_files_read_again(inputs, tmp_path, capsys):
    few = inputs[:3]
    (tmp_path / batch.CACHE_FILE).write_bytes(b"not a database, " * 512)
    (tmp_path / f"{batch.CACHE_FILE}-wal").write_bytes(b"its log, " * 512)
    reports, failures, counts = batch.build(few, tmp_path, jobs=1, progress=False)
    assert counts["read"] == len(few) and len(reports) + len(failures) == len(few)
    assert "cannot be read" in capsys.readouterr().out
    assert (tmp_path / f"{batch.CACHE_FILE}.damaged").read_bytes().startswith(b"not a database")
    assert batch.build(few, tmp_path, jobs=1, progress=False)[2]["cached"] == len(few)


def test_the_entries_of_earlier_versions_one_file_each_are_removed_and_nothing_else(inputs, tmp_path):
    old, other = tmp_path / "ab" / f"{'ab' * 32}.txt.json", tmp_path / "cd" / f"{'cd' * 32}.txt.json"
    mine = tmp_path / "cd" / "notes.json"  # not an entry: kept, and its folder with it
    for path in (old, other, mine):
        path.parent.mkdir(exist_ok=True)
        path.write_text('{"code": "an earlier version"}', encoding="utf-8")
    batch.build(inputs[:1], tmp_path, jobs=1, progress=False)
    assert not old.parent.exists() and not other.exists() and mine.exists()
    assert (tmp_path / batch.CACHE_FILE).exists()
