"""A sample of benchmarks/legacy_variants.py: synthetic pre-2019 tables in every layout."""
import pytest

from toolkit import read_report
from toolkit.legacy_variants import LAYOUTS, compare, legacy_variant

SEEDS = range(8)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_printed_row_is_read_right_or_null_with_a_reason(layout, tmp_path):
    for seed in SEEDS:
        variant = legacy_variant(seed, layout)
        path = tmp_path / variant.name
        path.write_bytes(variant.data)
        record = read_report(path).to_dict()
        counts = compare(variant.rows, record)
        assert (counts["wrong"], counts["unexplained"], counts["rows_lost"], counts["rows_extra"]) == (0, 0, 0, 0), \
            variant.name
        assert record["legacy"]["form"] == variant.form, variant.name
        if not layout.startswith("run_together"):
            assert counts["null"] == 0, variant.name  # cells a separator keeps apart are never in doubt


def test_the_oracle_counts_a_wrong_number():
    variant = legacy_variant(0, "spaced")
    label, unit, value, cumulative = variant.rows[0]
    record = {"legacy": {"rows": [{"label": label, "unit": unit, "value": value + 1, "cumulative": cumulative}]},
              "notes": []}
    assert compare(variant.rows[:1], record)["wrong"] == 1
