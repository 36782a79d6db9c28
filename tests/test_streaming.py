"""Outputs made a chunk of reports at a time are the tables of a one-shot run, cell for cell."""
import json
import multiprocessing

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit import synthetic
from toolkit.cli import main
from toolkit.config import RAW
from toolkit.corpus import build_corpus
from toolkit.outputs import OutputWriter, make_tables, write_outputs
from toolkit.store import connect

SEEDS = sorted(RAW.glob("00[0-4]_*.txt"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The bundled reports, synthetic ones of each text layout (two copies of one), a
    file that is not a report, and a corrections file naming a report no chunk holds."""
    folder = tmp_path_factory.mktemp("inbox")
    for path in SEEDS:
        (folder / path.name).write_bytes(path.read_bytes())
    for i, layout in enumerate(["tabs", "crawler", "html", "tabs", "crawler"]):
        report = synthetic.synthesize(f"chunk-{i}", layout)
        (folder / report.name).write_bytes(report.data)
    (folder / "copy-of-000.txt").write_bytes(SEEDS[0].read_bytes())
    (folder / "notes.txt").write_text("会议纪要：无统计表。", encoding="utf-8")
    corrections = folder.parent / "corrections.csv"
    corrections.write_text("report,field,printed_value,corrected_value,source\n"
                           f"{SEEDS[4].name},section3.unable_not_held.total,147,174,typo\n"
                           "absent.txt,section3.granted.total,1,2,not in this corpus\n", encoding="utf-8")
    return folder, corrections


def test_tables_made_two_reports_at_a_time_are_the_one_shot_tables(inputs):
    folder, corrections = inputs
    corpus = build_corpus([folder], progress=False)
    one_shot, chunked = make_tables(corpus, corrections, chunk=10_000), make_tables(corpus, corrections, chunk=2)
    assert list(one_shot) == list(chunked)
    for name in one_shot:
        pd.testing.assert_frame_equal(one_shot[name], chunked[name], obj=name)
    assert one_shot["corrections_applied"]["status"].tolist() == ["applied", "not_found"]
    assert one_shot["panel"]["preferred"].sum() < len(one_shot["panel"])  # the copy of 000 is not preferred


def test_files_written_a_chunk_at_a_time_are_byte_for_byte_the_one_shot_files(inputs, tmp_path):
    folder, corrections = inputs
    corpus = build_corpus([folder], progress=False)
    write_outputs(corpus, tmp_path / "one", corrections, chunk=10_000)
    write_outputs(corpus, tmp_path / "chunked", corrections, chunk=3)
    for path in sorted((tmp_path / "one").rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".json"):
            assert (tmp_path / "chunked" / path.relative_to(tmp_path / "one")).read_bytes() == path.read_bytes(), path.name
    for path in sorted((tmp_path / "one").glob("*.parquet")):
        one, chunked = pd.read_parquet(path), pd.read_parquet(tmp_path / "chunked" / path.name)
        pd.testing.assert_frame_equal(one, chunked, obj=path.name)


def test_a_column_a_first_chunk_leaves_empty_keeps_its_type(inputs, tmp_path):
    folder, corrections = inputs
    corpus = build_corpus([folder], progress=False)
    write_outputs(corpus, tmp_path, corrections, chunk=1)
    assert pd.read_parquet(tmp_path / "reports.parquet")["source_url"].isna().all()
    assert pq.read_schema(tmp_path / "reports.parquet").field("source_url").type == pa.string()  # not null
    assert str(pd.read_parquet(tmp_path / "section3.parquet")["value"].dtype) == "Int64"


def test_the_command_line_writes_from_the_cache_without_holding_every_record(inputs, tmp_path, capsys):
    folder, corrections = inputs
    assert main(["extract", str(folder), "--out", str(tmp_path), "--corrections", str(corrections),
                 "--jobs", "1", "--quiet"]) == 1  # notes.txt is a failure row
    reports = pd.read_csv(tmp_path / "reports.csv")
    assert len(reports) == len(list((tmp_path / "records").glob("*.json"))) == 11
    assert pd.read_csv(tmp_path / "failures.csv")["file"].tolist() == ["notes.txt"]


def _written(folder):
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix in (".csv", ".json") and "cache" not in path.parts}


def test_outputs_written_while_reading_are_those_written_after(inputs, tmp_path, monkeypatch):
    folder, corrections = inputs
    (folder / "notes.txt").rename(tmp_path / "notes.txt")  # every input a record: the version is known before reading
    try:
        handed = []
        monkeypatch.setattr("toolkit.outputs.CHUNK", 2)
        real_add = OutputWriter.add
        monkeypatch.setattr(OutputWriter, "add", lambda self, reports: (handed.append(len(reports)),
                                                                       real_add(self, reports))[1])
        args = ["extract", str(folder), "--corrections", str(corrections), "--jobs", "2", "--quiet"]
        assert main([*args, "--out", str(tmp_path / "streamed")]) == 0
        assert sum(handed) == 11 and len(handed) > 1  # handed over while the batch read
        monkeypatch.setattr("toolkit.cli._early_writer", lambda *a: None)
        assert main([*args, "--out", str(tmp_path / "after")]) == 0
    finally:
        (tmp_path / "notes.txt").rename(folder / "notes.txt")
    streamed, after = _written(tmp_path / "streamed"), _written(tmp_path / "after")
    assert streamed.keys() == after.keys()
    for name in streamed:
        if name.name != "data_version.json" and "about" not in name.name:  # they name the command line
            assert streamed[name] == after[name], name


def test_an_input_that_fails_while_outputs_are_written_early_gets_them_written_again(inputs, tmp_path, monkeypatch):
    folder, corrections = inputs
    monkeypatch.setattr("toolkit.outputs.CHUNK", 2)
    abandoned = []
    real_abandon = OutputWriter.abandon
    monkeypatch.setattr(OutputWriter, "abandon", lambda self: (abandoned.append(True), real_abandon(self))[1])
    assert main(["extract", str(folder), "--out", str(tmp_path), "--corrections", str(corrections),
                 "--jobs", "1", "--quiet"]) == 1  # notes.txt fails: the version written early is not the run's
    assert abandoned == [True] and not list(tmp_path.glob(".*.tmp"))
    version = json.loads((tmp_path / "data_version.json").read_text(encoding="utf-8"))["data_version"]
    assert set(pd.read_csv(tmp_path / "reports.csv")["data_version"]) == {version}
    assert pq.read_schema(tmp_path / "section3.parquet").metadata[b"data_version"].decode() == version
    assert len(list((tmp_path / "records").glob("*.json"))) == 11


def _write_in_a_daemon(args):
    write_outputs(*args)


def test_the_store_is_the_same_built_beside_the_exports_or_in_a_daemon_after_them(inputs, tmp_path):
    """Beside the exports the store is built by a process of its own; a daemon (a worker
    of a multiprocessing pool) may not start one, and builds it after the exports."""
    folder, corrections = inputs
    corpus = build_corpus([folder], progress=False)
    write_outputs(corpus, tmp_path / "beside", corrections)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # its workers are daemons
        pool.apply(_write_in_a_daemon, ((corpus, tmp_path / "daemon", corrections),))
    for name in ("panel", "section3", "about"):
        beside, after = (connect(tmp_path / way).sql(f"select * from {name}").df() for way in ("beside", "daemon"))
        pd.testing.assert_frame_equal(beside, after, obj=name)
    assert _written(tmp_path / "beside") == _written(tmp_path / "daemon")
