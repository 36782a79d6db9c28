"""The data version: the same inputs give the same stamp, a changed input another."""
from __future__ import annotations

import json
import shutil

from toolkit import __version__, read_report
from toolkit.corpus import Corpus
from toolkit.data_version import about
from toolkit.outputs import write_outputs

from conftest import ROOT

REPORT = ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt"
OTHER = ROOT / "data" / "raw" / "000_323c267c87cacc94.txt"


def _stamp(paths, corrections=None) -> str:
    return about([read_report(p) for p in paths], corrections)["data_version"]


def test_the_same_reports_give_the_same_stamp_wherever_they_are_and_in_any_order(tmp_path):
    copied = tmp_path / "elsewhere" / REPORT.name
    copied.parent.mkdir()
    shutil.copy(REPORT, copied)
    stamp = _stamp([REPORT, OTHER])
    assert stamp == _stamp([OTHER, copied]) and stamp.startswith(f"{__version__}+inputs.")
    assert len(stamp.rsplit(".", 1)[-1]) == 8


def test_a_changed_report_one_report_fewer_or_other_corrections_give_another_stamp(tmp_path):
    changed = tmp_path / REPORT.name
    changed.write_bytes(REPORT.read_bytes() + b"\n")
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("report,field,printed_value,corrected_value,source\n", encoding="utf-8")
    stamps = [_stamp([REPORT, OTHER]), _stamp([changed, OTHER]), _stamp([REPORT]), _stamp([REPORT, OTHER], corrections)]
    assert len(set(stamps)) == 4
    assert _stamp([REPORT, OTHER], tmp_path / "missing.csv") == stamps[0]  # no such file: no corrections


def test_two_runs_on_the_same_inputs_write_the_same_stamp(tmp_path):
    corpus = Corpus([read_report(REPORT)], [])
    first = write_outputs(corpus, tmp_path / "first", tmp_path / "none.csv")
    second = write_outputs(corpus, tmp_path / "second", tmp_path / "none.csv")
    written = [json.loads((tmp_path / run / "data_version.json").read_text(encoding="utf-8")) for run in ("first", "second")]
    assert written[0] == written[1]
    assert set(written[0]) == {"data_version", "toolkit_version", "inputs_sha256", "corrections_sha256", "reports", "code_fingerprint",
                              "created_by"}
    assert (written[0]["reports"], written[0]["corrections_sha256"]) == (1, None)
    assert first["about"].equals(second["about"])
    assert first["panel"]["data_version"].tolist() == [written[0]["data_version"]]
