"""The narrative's own counts (section 一) against section 三: findings, never repairs."""
import pytest

from toolkit import build_corpus, read_report
from toolkit.config import RAW
from toolkit.narrative import compare_with_table, narrative_counts
from toolkit.outputs import make_tables

SEED = RAW / "000_323c267c87cacc94.txt"  # "2022年，共收到依申请公开政府信息8件，已办结8件。"


def counts(text: str) -> list[tuple[str, int]]:
    return [(c.count, c.value) for c in narrative_counts(text)]


@pytest.mark.parametrize("sentence, expected", [
    ("2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件。", [("received", 75)]),
    ("2021年共受理26件政府信息公开申请，已全部办理答复。", [("received", 26)]),
    ("2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件。", [("received", 81)]),
    ("2024年我局共收到政府网站上政府信息公开申请件2件，办结依申请2件。", [("received", 2), ("processed", 2)]),
    ("2023年共受理依申请公开33件，其中本年新收33件，上年结转0件，结转至下年办理0件。",
     [("received", 33), ("carried_forward", 0)]),
    ("（二）依申请公开情况。本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。",
     [("received", 70), ("processed", 69), ("carried_forward", 1)]),
])
def test_counts_of_disclosure_requests_are_read(sentence, expected):
    assert counts(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "2020 年，共收到政府信息公开行政复议 1 件，依申请公开 4 件。",  # reconsiderations, not requests
    "组织开展19期问政，收到群众诉求348件，现场解决162件，办结率100%。",
    "区县已入驻审批服务部门和单位13个，开设窗口26个，共受理申请121510件。",  # approvals
    "截至目前共收到15564件咨询投诉件，已办结15042件。",
    "中国平潭网与区行政服务中心共同累计收件9898件，累计办结9542件。",
])
def test_other_matters_counted_in_jian_are_not_read(sentence):
    assert counts(sentence) == []


def test_only_the_prose_before_the_tables_is_read():
    text = "一、总体情况\n2022年，共收到政府信息公开申请8件。\n三、收到和处理政府信息公开申请情况\n共收到政府信息公开申请9件"
    assert counts(text[:text.index("三、")]) == [("received", 8)]
    assert [c.value for c in narrative_counts(text, stop=len("一、总体情况") + 20)] == [8]


def test_a_count_is_compared_with_the_table_and_may_count_carried_over_requests():
    section3 = {"new_received": [5, 0, 0, 0, 0, 0, 5], "carried_over": [1, 0, 0, 0, 0, 0, 1],
                "total_processed": [6, 0, 0, 0, 0, 0, 6]}
    said = narrative_counts("2022年共受理政府信息公开申请6件，办结7件。")
    compared = {c["count"]: c for c in compare_with_table(said, section3, 2022)}
    assert (compared["received"]["table"], compared["received"]["table_with_carried_over"]) == (5, 6)
    assert compared["received"]["holds"] is True  # 5 new + 1 carried over
    assert (compared["processed"]["table"], compared["processed"]["holds"]) == (6, False)
    assert compare_with_table(said, section3, 2023)[0]["holds"] is None  # the sentence speaks of 2022


def test_a_bundled_report_agrees_with_its_own_narrative():
    counted = read_report(SEED).provenance["narrative_counts"]
    assert [(c["count"], c["narrative"], c["table"], c["holds"]) for c in counted] == [
        ("received", 8, 8, True), ("processed", 8, 8, True)]


def test_a_narrative_that_disagrees_is_a_note_and_the_table_stays_as_printed(tmp_path):
    changed = tmp_path / SEED.name
    changed.write_text(SEED.read_text(encoding="utf-8").replace("共收到依申请公开政府信息8件", "共收到依申请公开政府信息9件"),
                       encoding="utf-8")
    original, report = read_report(SEED), read_report(changed)
    assert report.record == original.record  # nothing repaired
    assert [c["holds"] for c in report.provenance["narrative_counts"]] == [False, True]
    assert any(note.startswith("narrative: line 17 says 9") and "本年新收 8" in note for note in report.notes)


def test_the_findings_are_a_table_of_their_own(tmp_path):
    tables = make_tables(build_corpus([SEED]), tmp_path / "no-corrections.csv")
    found = tables["narrative_checks"]
    assert found[["report", "count", "narrative", "table", "holds"]].values.tolist() == [
        [SEED.name, "received", 8, 8, True], [SEED.name, "processed", 8, 8, True]]
    assert found["sentence"].str.contains("共收到依申请公开政府信息8件").all()
