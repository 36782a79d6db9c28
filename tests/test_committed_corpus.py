"""The committed corpus statistics (data/processed/corpus) are what the code extracts now."""
from __future__ import annotations

import csv

from toolkit import build_corpus
from toolkit.corpus import load_records

from conftest import ROOT

COMMITTED = ROOT / "data" / "processed" / "corpus"


def _comparable(report) -> dict:
    """The record without where it was read from and without the libraries' versions
    (a fresh install may bring a newer lxml or pdfplumber that reads the same)."""
    data = report.to_dict()
    data["provenance"] = {k: v for k, v in data["provenance"].items() if k not in ("path", "extractor")}
    return data


def test_committed_records_match_a_fresh_extraction(shared):
    fresh = build_corpus(manifest=shared / "corpus" / "MANIFEST.tsv", progress=False)
    committed = load_records(COMMITTED)
    assert {r.name for r in committed.reports} == {r.name for r in fresh.reports}, "run `make corpus`"
    by_name = {r.name: r for r in committed.reports}
    stale = [r.name for r in fresh.reports if _comparable(r) != _comparable(by_name[r.name])]
    assert stale == [], "committed records are stale: run `make corpus`"
    assert {(f["file"], f["reason"]) for f in committed.failures} == {(f["file"], f["reason"]) for f in fresh.failures}


def test_every_manifest_entry_is_a_record_or_a_listed_failure():
    committed = load_records(COMMITTED)
    names = {r.name for r in committed.reports} | {f["file"] for f in committed.failures}
    manifest = ROOT.parent / "shared" / "corpus" / "MANIFEST.tsv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as handle:
            assert {row["file"].rsplit("/", 1)[-1] for row in csv.DictReader(handle, delimiter="\t")} == names
    assert len(committed.reports) >= 12
