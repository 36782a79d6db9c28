"""Review pages: statuses, the corrections line, the index, the source beside the tables
(lines as read, PDF pages with the cells' boxes), and the page in a real browser."""
from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest

from toolkit import read_report, synthetic
from toolkit.checks import section3_failures
from toolkit.cli import main
from toolkit.outputs import record_file
from toolkit.readers.pages import read_boxes
from toolkit.review import page_names, write_review

from conftest import ROOT, SHARED

SEED = "004_05aca36cc1e89005.txt"  # section 三's granted row prints its 154 beyond the headings (line 61)
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _processed(folder: Path, records: list[dict], corrections: list[dict] = ()) -> Path:
    """A processed folder as extract writes it, holding ``records`` (and corrections applied)."""
    (folder / "records").mkdir(parents=True)
    for record in records:
        name = record["provenance"]["file"]
        (folder / "records" / record_file(name)).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    columns = ["report", "field", "printed_value", "corrected_value", "source", "status"]
    pd.DataFrame(list(corrections), columns=columns).to_parquet(folder / "corrections_applied.parquet")
    return folder


def _seed(tmp_path: Path) -> dict:
    path = tmp_path / SEED
    shutil.copy(ROOT / "data" / "raw" / SEED, path)
    return read_report(path).to_dict()


def _cells(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="cells">(.*?)</script>', page, re.S)
                      .group(1).replace("<\\/", "</"))


def _td(page: str, key: str) -> str:
    return re.search(rf'<td class="([^"]*)" data-key="{re.escape(key)}"[^>]*>(.*?)</td>', page).group(0)


@pytest.fixture()
def review(tmp_path):
    """The seed's review page with a blank, an unread, a failed identity and a correction."""
    record = _seed(tmp_path)
    record["section3"]["carried_over"][1] = None  # printed blank
    record["section3"]["withheld_state_secret"][0] = None  # could not be read
    record["provenance"]["tables"]["section3"]["unread_cells"] = {"withheld_state_secret": [0]}
    record["section4"]["reconsideration"]["total"] = 12  # printed 11: identity 4 fails
    record["checks"]["failed"] = [{
        "identity": 4, "section": "section4", "row": "reconsideration", "column": "total", "expected": 11,
        "printed": 12, "blanks_read_as_zero": 0, "message": "section4 reconsideration: total 12 but … = 11"}]
    correction = {"report": SEED, "field": "section3.unable_not_held.total", "printed_value": 147,
                  "corrected_value": 174, "source": "typo", "status": "applied"}
    processed = _processed(tmp_path / "processed", [record], [correction])
    index = write_review(processed, tmp_path / "review")
    return index.parent, (index.parent / "004_05aca36cc1e89005.html").read_text(encoding="utf-8")


def test_every_cell_is_marked_with_its_status(review):
    _, page = review
    assert 'class="printed" data-key="section3.granted.total"' in page and ">154</td>" in _td(page, "section3.granted.total")
    assert 'class="blank"' in _td(page, "section3.carried_over.commercial_enterprise")
    assert 'class="unread"' in _td(page, "section3.withheld_state_secret.natural_person")
    assert 'class="printed failed total"' in _td(page, "section4.reconsideration.total")
    assert 'class="printed failed"' in _td(page, "section4.reconsideration.upheld")
    assert "<s>147</s> → 174" in _td(page, "section3.unable_not_held.total")
    assert len(re.findall(r'<td class="[^"]*" data-key=', page)) == 10 + 25 * 7 + 15  # sections 二 (2021), 三, 四
    for legend in ("printed:", "blank:", "unread:", "part of a failed identity", "corrected in data/corrections.csv"):
        assert legend in page


def test_the_tables_are_laid_out_with_the_printed_labels(review):
    _, page = review
    for label in ("申请人情况", "法人或其他组织", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密",
                  "行政复议", "未经复议直接起诉", "结果维持", "本年制发件数", "行政事业性收费"):
        assert label in page


def test_a_cell_says_where_it_was_read_and_gives_its_corrections_line(review):
    _, page = review
    data = _cells(page)
    assert data["report"] == SEED
    granted = data["cells"]["section3.granted.total"] | data["rows"]["section3.granted"]
    assert (granted["value"], granted["at"], granted["line"], granted["cell"]) == ("154", "line 61", 61, 9)
    assert "no_correction" not in granted
    assert data["cells"]["section2.regulations.issued"]["no_correction"] == "section2"
    assert "not available for section 二" in data["no_correction"]["section2"]
    assert data["cells"]["section3.other_other.total"]["no_correction"] == "summed"
    assert data["cells"]["section4.reconsideration.total"]["checks"] == ["section4 reconsideration: total 12 but … = 11"]


def test_the_source_lines_are_shown_with_the_rows_read_on_them(review):
    _, page = review
    line = re.search(r'<li id="line-61" value="61" class="read" data-rows="section3.granted">(.*?)</li>', page).group(1)
    assert re.findall(r'<span class="c[^"]*">([^<]*)</span>', line)[9] == "154"
    assert '<li id="line-91"' in page and "Source" in page


def test_the_index_has_a_row_per_report_and_links_to_its_page(tmp_path):
    record = _seed(tmp_path)
    other = json.loads(json.dumps(record))
    other["provenance"].update(file="004.html", path=str(tmp_path / "gone" / "004.html"), format="html")
    other["agency"], other["year"] = "某某县人民政府", 2021
    index = write_review(_processed(tmp_path / "processed", [record, other]), tmp_path / "review")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>.*?href=\"(.*?)\">(.*?)</a>", index.read_text())
    assert rows == [("某某县人民政府", "2021", "html", "004.html", "004.html"),
                    ("濮阳市人民政府", "2022", "text", "004_05aca36cc1e89005.html", SEED)]
    missing = (index.parent / "004.html").read_text(encoding="utf-8")
    assert "The source file is not here" in missing and 'data-key="section3.granted.total"' in missing


def test_page_names_never_meet():
    names = ["a.txt", "a.html", "a.txt.pdf", "b/a.txt.docx", "index.txt", "c.txt"]
    pages = page_names(names)
    assert len(set(pages.values()) | {"index"}) == len(names) + 1 and pages["c.txt"] == "c"


def test_cli_refuses_a_folder_without_records_in_words(tmp_path, capsys):
    assert main(["review", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "no records" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "nowhere"), "--quiet"]) == 2
    assert "no such folder" in capsys.readouterr().err


# --- PDF: the cells' boxes ---------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_pdf(tmp_path_factory):
    """A synthetic report rendered to a PDF, its record and its review page."""
    folder = tmp_path_factory.mktemp("pdf")
    record, fee = synthetic.make_record(random.Random("review"))
    path = folder / "SYNTHETIC_review.pdf"
    path.write_bytes(synthetic.render_pdf(synthetic.document(record, fee), synthetic.Noise(), random.Random(0)))
    read = read_report(path).to_dict()
    index = write_review(_processed(folder / "processed", [read]), folder / "review")
    return path, read, index.parent / "SYNTHETIC_review.html"


def _text_in(pdf, page: int, box: tuple) -> str:
    """The text printed inside ``box`` on ``page`` of an open pdfplumber PDF."""
    return pdf.pages[page - 1].within_bbox(box).extract_text().strip()


def test_each_value_of_a_pdf_is_boxed_where_it_is_printed(synthetic_pdf):
    path, record, _ = synthetic_pdf
    reader = record["provenance"]["reader"]
    checked = 0
    with pdfplumber.open(path) as pdf:
        for section in ("section3", "section4"):
            for row, found in reader["value_cells"][section].items():
                boxes = read_boxes(reader["cell_boxes"][found["at"]])
                columns = found["columns"]
                values = record[section][row]
                pairs = zip(values, columns) if section == "section3" else ((values[c], columns[c]) for c in values)
                for value, column in pairs:
                    page = int(found["at"].split(",")[0].removeprefix("page "))
                    assert _text_in(pdf, page, boxes[column]) == str(value)
                    checked += 1
    assert checked == 25 * 7 + 15


def test_a_pdf_page_shows_the_page_images_with_the_boxes(synthetic_pdf):
    _, record, page = synthetic_pdf
    html = page.read_text(encoding="utf-8")
    images = re.findall(r'<image href="pages/([^"]+)"', html)
    assert images and all((page.parent / "pages" / name).stat().st_size > 1000 for name in images)
    assert html.count('<rect class="value"') == 10 + 25 * 7 + 15
    assert 'data-value="section3.granted.total"' in html
    info = _cells(html)
    assert info["cells"]["section3.granted.total"]["box"] is True
    assert info["rows"]["section3.granted"]["at"].startswith("page ")


def test_a_record_from_before_the_boxes_says_so(synthetic_pdf, tmp_path):
    path, record, _ = synthetic_pdf
    old = json.loads(json.dumps(record))
    for key in ("cell_boxes", "value_cells"):
        old["provenance"]["reader"].pop(key)
    index = write_review(_processed(tmp_path / "processed", [old]), tmp_path / "review")
    html = (index.parent / "SYNTHETIC_review.html").read_text(encoding="utf-8")
    assert "Cell boxes are not recorded" in html and "<image " in html and "<rect" not in html


def test_the_real_pdf_is_boxed_on_its_pages(shared, tmp_path):
    path = shared / "corpus" / "huaian_2024_szf.pdf"
    record = read_report(path).to_dict()
    index = write_review(_processed(tmp_path / "processed", [record]), tmp_path / "review")
    html = (index.parent / "huaian_2024_szf.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'<image href="pages/([^"]+)"', html)) == [f"huaian_2024_szf-p{n}.png" for n in (3, 4, 5)]
    assert html.count('<rect class="value"') == 10 + 25 * 7 + 15
    found = record["provenance"]["reader"]["value_cells"]["section3"]["unable_not_held"]
    box = read_boxes(record["provenance"]["reader"]["cell_boxes"][found["at"]])[found["columns"][-1]]
    with pdfplumber.open(path) as pdf:
        assert found["at"].startswith("page 4,") and _text_in(pdf, 4, box) == "769"


# --- in a browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by selenium (Debian's chromium and chromium-driver)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no chromium and chromedriver installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="review-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_clicking_a_cell_shows_its_line_and_builds_the_corrections_line(review, browser):
    from selenium.webdriver.common.by import By

    folder, _ = review
    browser.get((folder / "004_05aca36cc1e89005.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, 'td[data-key="section3.granted.total"]').click()
    panel = browser.find_element(By.ID, "panel").text
    assert "section3.granted.total" in panel and "line 61, cell 10 of the line" in panel
    assert browser.find_element(By.CSS_SELECTOR, "#line-61 .c.selected").text == "154"
    browser.find_element(By.CSS_SELECTOR, "#panel input.number").send_keys("155")
    line = browser.find_element(By.ID, "correction-line").text
    assert line == f"{SEED},section3.granted.total,154,155,line 61: checked against the report"
    browser.find_element(By.CSS_SELECTOR, 'td[data-key="section2.licensing.decisions"]').click()
    assert "not available for section 二" in browser.find_element(By.ID, "panel").text


def test_a_pdf_page_in_the_browser_shows_the_page_and_the_selected_box(synthetic_pdf, browser):
    from PIL import Image
    from selenium.webdriver.common.by import By

    _, record, page = synthetic_pdf
    browser.get(page.as_uri() + "#section3.unable_not_held.total")
    box = browser.find_element(By.CSS_SELECTOR, 'rect.value.selected[data-value="section3.unable_not_held.total"]')
    assert box.is_displayed() and box.size["width"] > 5
    assert str(record["section3"]["unable_not_held"][-1]) in browser.find_element(By.ID, "panel").text
    figure = browser.find_element(By.CSS_SELECTOR, "figure.page")
    shot = Image.open(__import__("io").BytesIO(figure.screenshot_as_png)).convert("L")
    assert shot.getextrema()[0] < 80  # the page image is drawn: dark print on it, not a blank box
    browser.find_element(By.CSS_SELECTOR, 'rect.value[data-value="section3.unable_not_held.natural_person"]').click()
    assert browser.find_element(By.CSS_SELECTOR, "td.selected").get_attribute("data-key") == \
        "section3.unable_not_held.natural_person"


def test_the_dumped_dom_holds_the_values_and_the_source(review):
    """Chromium as a command (--dump-dom), as CI has it: the page's values and its source lines."""
    if not CHROMIUM:
        pytest.skip("no chromium installed (apt-get install chromium)")
    folder, _ = review
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                              "--no-first-run", "--disable-background-networking", "--disable-component-update",
                              "--disable-sync", f"--user-data-dir={profile}", "--dump-dom",
                              (folder / "004_05aca36cc1e89005.html").as_uri() + "#section3.granted.total"],
                             capture_output=True, text=True, timeout=120).stdout
    assert 'class="printed selected" data-key="section3.granted.total"' in dom
    assert "004_05aca36cc1e89005.txt,section3.granted.total,154,," in dom
    assert "三、本年度办理结果" in dom and 'id="line-61"' in dom


def test_a_pre_2019_report_shows_its_table_as_printed_with_its_checks(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("某县2012年政府信息公开工作年度报告\n指标名称 计量单位 2012年度 历年累计 主动公开信息数 条 10 25 "
                    "其中：1.网站公开 条 4 20 2.政府公报公开 条 5 5 行政复议数 件 0 0\n", encoding="utf-8")
    record = read_report(path).to_dict()
    index = write_review(_processed(tmp_path / "processed", [record]), tmp_path / "review")
    page = (index.parent / "old.html").read_text(encoding="utf-8")
    assert "No table of this section" not in page and "form" in page
    assert re.findall(r'<th scope="row" class="label"[^>]*>(.*?)</th>', page) == [
        "主动公开信息数", "其中：1.网站公开", "2.政府公报公开", "行政复议数"]
    assert '<td class="printed failed total">10</td>' in page  # 4 + 5 is not 10
    assert "1 checks do not hold" in page and "its 其中 rows add up to 9" in page
