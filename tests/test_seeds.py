"""End to end: every value of every seed report against the hand-checked truth."""
from __future__ import annotations

import pytest

from toolkit import read_report
from toolkit.report import RECORD_KEYS

from conftest import ROOT

HEADER = ("agency", "year", "province", "prefecture", "county", "division_code", "level",
          "section2_template", "section3_template", "processing_fee_yuan")


def _numbers(record: dict):
    """(section, row, column, value) for every statistic of a record."""
    for section in ("section2", "section4"):
        for row, cells in (record[section] or {}).items():
            for column, value in cells.items():
                yield section, row, column, value
    for row, values in (record["section3"] or {}).items():
        for column, value in enumerate(values):
            yield "section3", row, column, value


def test_every_seed_value_matches_the_truth(shared, seeds_truth):
    compared, wrong = 0, []
    for name, truth in seeds_truth["reports"].items():
        record = read_report(shared / "seeds" / name).to_dict()
        got = {key[:3]: key[3] for key in _numbers(record)}
        for *where, value in _numbers(truth):
            compared += 1
            if got.get(tuple(where), "missing") != value:
                wrong.append((name, *where, value, got.get(tuple(where), "missing")))
        for key in HEADER:
            if record[key] != truth[key]:
                wrong.append((name, key, truth[key], record[key]))
    assert compared == 984
    assert wrong == []


BUNDLED = ("000_323c267c87cacc94.txt", "001_45c66cdd23912b77.txt", "002_1ee472de9be0b35c.txt",
           "003_8d388e7911cc997b.txt", "004_05aca36cc1e89005.txt")  # whatever else a user put in data/raw


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_copy_is_the_seed_as_published(shared, name):
    assert (ROOT / "data" / "raw" / name).read_bytes() == (shared / "seeds" / name).read_bytes()


def test_record_has_the_codebook_keys_provenance_and_checks(shared):
    record = read_report(shared / "seeds" / "002_1ee472de9be0b35c.txt").to_dict()
    assert list(record)[:len(RECORD_KEYS)] == list(RECORD_KEYS)
    provenance = record["provenance"]
    assert len(provenance["sha256"]) == 64
    assert provenance["format"] == "text" and provenance["extractor"].startswith("toolkit ")
    assert provenance["tables"]["section3"]["rows"]["unable_not_held"] == 69
    assert record["checks"]["failed"] == []
    assert any("extra cell" in note for note in record["notes"])
