"""Collect: URLs to data/raw with a manifest, against a local server on 127.0.0.1 (no internet)."""
from __future__ import annotations

import csv
import hashlib
import os
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from toolkit import read_report
from toolkit.cli import main
from toolkit.collect import Fetcher, attachment_links, collect, is_attachment, read_urls, suffix_for
from toolkit.manifest import MANIFEST_COLUMNS, source_of

from conftest import ROOT

PDF = b"%PDF-1.4\n" + b"1 0 obj\n" * 200 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"table image" * 50
DOCX = b"PK\x03\x04" + b"word/document.xml" * 50
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"old word" * 50
SEED = (ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt").read_bytes()
CAP = 4096
PAGE = """<html><head><meta charset="utf-8"><script src="/trap.js"></script>
<script>fetch('/trap'); location.href = '/trap';</script></head><body>
<h1>2020年政府信息公开工作年度报告</h1><img src="/logo.png">
<p><a href="files/report.pdf">报告全文</a> <a href="/download.jsp?id=7">附件1</a>
<a href="table.PNG#top">表格</a> <a href="files/report.pdf">again</a></p>
<a href="/xzzx/">下载中心</a> <a href="/news/1.html">新闻</a> <a href="javascript:download()">下载</a>
<a href="ftp://127.0.0.1/report.pdf">FTP</a>
</body></html>""".encode()

HTML, PDF_TYPE = {"Content-Type": "text/html; charset=utf-8"}, {"Content-Type": "application/pdf"}
ROUTES = {
    "/reports/2020.html": (200, HTML, PAGE),
    "/reports/files/report.pdf": (200, PDF_TYPE, PDF),
    "/mirror/copy.pdf": (200, PDF_TYPE, PDF),
    "/download.jsp?id=7": (200, {"Content-Type": "application/octet-stream",
                                 "Content-Disposition": "attachment; filename*=UTF-8''%E9%99%84%E4%BB%B61.docx"}, DOCX),
    "/reports/table.PNG": (200, {"Content-Type": "image/png"}, PNG),
    "/logo.png": (200, {"Content-Type": "image/png"}, PNG[:40]),
    "/noext": (200, {"Content-Type": "application/msword"}, DOC),
    "/report.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, SEED),
    "/gone.pdf": (200, HTML, b"<!DOCTYPE html><title>404</title>"),
    "/empty": (200, PDF_TYPE, b""),
    "/moved": (302, {"Location": "/reports/files/report.pdf"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/to-ftp": (302, {"Location": "ftp://127.0.0.1/report.pdf"}, b""),
    "/missing": (404, {}, b"not found"),
    "/broken": (500, {}, b"oops"),
    "/big": (200, PDF_TYPE, PDF * 10),
    "/big-unsized": (200, {**PDF_TYPE, "Content-Length": None}, PDF * 10),
    "/slow": (200, PDF_TYPE, PDF),
    "/flaky": (200, PDF_TYPE, PDF + b"flaky"),
}
LOG: list[tuple[str, dict, float]] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        LOG.append((self.path, dict(self.headers), time.monotonic()))
        status, headers, body = ROUTES.get(self.path, (404, {}, b"no such route"))
        if self.path == "/slow":
            time.sleep(1.0)
        if self.path == "/flaky" and [path for path, _, _ in LOG].count("/flaky") == 1:
            status = 503
        headers = {"Content-Length": str(len(body)), **headers}
        try:
            self.send_response(status)
            for name, value in headers.items():
                if value is not None:
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (size cap, timeout): that is the point

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def local_only(monkeypatch):
    """No proxy from the environment, and a fresh request log."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    LOG.clear()


FAST = dict(min_interval=0, timeout=2.0, retries=1, backoff=0.01, max_bytes=CAP, progress=False)


def requested() -> list[str]:
    return [path for path, _, _ in LOG]


def manifest(raw) -> list[dict]:
    with open(raw / "MANIFEST.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def stored(raw) -> set[str]:
    return {path.name for path in raw.iterdir()} - {"MANIFEST.csv"}


def test_page_brings_its_attachments_and_runs_no_script(server, tmp_path):
    page = f"{server}/reports/2020.html"
    rows = collect([page], tmp_path, **FAST)
    by_url = {row["url"].removeprefix(server): row for row in rows}
    assert list(by_url) == ["/reports/2020.html", "/reports/files/report.pdf", "/download.jsp?id=7",
                            "/reports/table.PNG", "ftp://127.0.0.1/report.pdf"]
    assert [row["parent_url"] for row in rows] == ["", page, page, page, page]
    assert by_url["ftp://127.0.0.1/report.pdf"]["reason"] == "bad_scheme"
    suffixes = {url: os.path.splitext(row["file"])[1] for url, row in by_url.items() if row["file"]}
    assert suffixes == {"/reports/2020.html": ".html", "/reports/files/report.pdf": ".pdf",
                        "/download.jsp?id=7": ".docx", "/reports/table.PNG": ".png"}
    for route, row in by_url.items():
        if row["file"]:
            assert (tmp_path / row["file"]).read_bytes() == ROUTES[route][2]  # exactly as published
    assert sorted(requested()) == sorted(route for route in by_url if route.startswith("/"))
    assert "ogi-annual-reports-toolkit" in LOG[0][1]["User-Agent"]


def test_images_in_the_page_only_when_asked(server, tmp_path):
    rows = collect([f"{server}/reports/2020.html"], tmp_path, attachments=True, images=True, **FAST)
    assert f"{server}/logo.png" in [row["url"] for row in rows]
    rows = collect([f"{server}/reports/2020.html"], tmp_path / "bare", attachments=False, **FAST)
    assert len(rows) == 1


def test_manifest_is_complete_and_appended(server, tmp_path):
    urls = [f"{server}/reports/files/report.pdf", f"{server}/noext", f"{server}/missing"]
    first = collect(urls, tmp_path, **FAST)
    collect(urls[:1], tmp_path, **FAST)
    rows = manifest(tmp_path)
    assert (tmp_path / "MANIFEST.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(MANIFEST_COLUMNS)
    assert [row["url"] for row in rows] == urls + urls[:1]
    assert rows[:3] == [{key: str(value) for key, value in row.items()} for row in first]
    pdf, doc, missing = rows[:3]
    data = (tmp_path / pdf["file"]).read_bytes()
    assert pdf["sha256"] == hashlib.sha256(data).hexdigest() and pdf["file"] == pdf["sha256"][:16] + ".pdf"
    assert (pdf["status"], pdf["content_type"], pdf["size"], pdf["final_url"]) == ("200", "application/pdf", str(len(PDF)), urls[0])
    assert doc["file"].endswith(".doc")  # no suffix in the URL: from the Content-Type
    assert datetime.fromisoformat(pdf["fetched_at"]).tzinfo is not None
    assert (missing["status"], missing["reason"], missing["file"], missing["sha256"]) == ("404", "http_error", "", "")
    assert requested().count("/missing") == 1  # a 404 is not retried
    assert stored(tmp_path) == {pdf["file"], doc["file"]}


def test_same_content_is_stored_once(server, tmp_path):
    urls = [f"{server}/reports/files/report.pdf", f"{server}/mirror/copy.pdf", f"{server}/moved"]
    rows = collect(urls, tmp_path, **FAST)
    assert len({row["file"] for row in rows}) == 1 and stored(tmp_path) == {rows[0]["file"]}
    assert rows[2]["final_url"] == f"{server}/reports/files/report.pdf" and rows[2]["status"] == 200


@pytest.mark.parametrize("route, reason, status", [
    ("/missing", "http_error", 404),
    ("/broken", "http_error", 500),
    ("/to-ftp", "bad_scheme", ""),
    ("/loop", "too_many_redirects", ""),
    ("/big", "too_large", 200),
    ("/big-unsized", "too_large", 200),
    ("/empty", "empty", 200),
    ("ftp://127.0.0.1/report.pdf", "bad_scheme", ""),
    ("file:///etc/passwd", "bad_scheme", ""),
    ("www.example.org/report.pdf", "bad_scheme", ""),
    ("http://[::1/report.pdf", "bad_url", ""),
    ("http://exa mple.gov.cn/", "bad_url", ""),
])
def test_failures_are_rows_and_the_batch_goes_on(server, tmp_path, route, reason, status):
    url = server + route if route.startswith("/") else route
    bad, good = collect([url, f"{server}/reports/files/report.pdf"], tmp_path, **FAST)
    assert (bad["reason"], bad["status"], bad["file"]) == (reason, status, "")
    assert bad["message"] and not good["reason"]
    assert stored(tmp_path) == {good["file"]}
    assert not any(path.startswith(("ftp", "file")) for path in requested())


def test_redirect_to_another_scheme_is_refused(server, tmp_path):
    [row] = collect([f"{server}/to-ftp"], tmp_path, **FAST)
    assert row["final_url"] == "ftp://127.0.0.1/report.pdf" and "only http(s)" in row["message"]


def test_errors_are_retried_with_backoff(server, tmp_path):
    rows = collect([f"{server}/broken", f"{server}/flaky"], tmp_path, **{**FAST, "retries": 2})
    assert requested() == ["/broken"] * 3 + ["/flaky"] * 2
    assert [row["status"] for row in rows] == [500, 200] and (tmp_path / rows[1]["file"]).read_bytes().endswith(b"flaky")


def test_slow_response_becomes_a_timeout_row(server, tmp_path):
    started = time.monotonic()
    [row] = collect([f"{server}/slow"], tmp_path, **{**FAST, "timeout": 0.3, "retries": 0})
    assert row["reason"] == "timeout" and row["file"] == ""
    assert time.monotonic() - started < 0.9


class Clock:
    """The time ``toolkit.collect`` sees: it moves only when the fetcher sleeps, so the
    spacing it keeps is measured exactly, however busy the machine."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0)

    def __getattr__(self, name):
        return getattr(time, name)


def test_requests_to_one_host_are_spaced(server, tmp_path, monkeypatch):
    import toolkit.collect

    clock = Clock()
    monkeypatch.setattr(toolkit.collect, "time", clock)
    sent = []  # the fetcher's clock when each request leaves
    send = requests.Session.get
    monkeypatch.setattr(requests.Session, "get", lambda self, url, **kw: sent.append(clock.now) or send(self, url, **kw))
    collect([f"{server}/reports/files/report.pdf", f"{server}/noext", f"{server}/mirror/copy.pdf"],
            tmp_path, **{**FAST, "min_interval": 0.15})
    assert len(sent) == len(LOG) >= 3
    assert all(later - earlier >= 0.15 - 1e-9 for earlier, later in zip(sent, sent[1:]))
    fetcher = Fetcher(session=None, min_interval=0.15)
    clock.slept.clear()
    fetcher.wait_turn("http://a.gov.cn/1")
    fetcher.wait_turn("http://b.gov.cn/1")
    assert clock.slept == []  # another host does not wait
    fetcher.wait_turn("http://a.gov.cn/2")
    assert clock.slept == [pytest.approx(0.15)]  # the same host waits its turn


@pytest.mark.parametrize("url, content_type, disposition, body, suffix", [
    ("http://x.gov.cn/P0203.PDF", "", "", b"", ".pdf"),
    ("http://x.gov.cn/t/index.shtml", "text/html", "", b"", ".html"),
    ("http://x.gov.cn/t.jpeg", "", "", b"", ".jpg"),
    ("http://x.gov.cn/get.do?id=1", "application/pdf", "", b"no signature", ".pdf"),
    ("http://x.gov.cn/get.do?id=1", "application/octet-stream", 'attachment; filename="nb.docx"', DOCX, ".docx"),
    ("http://x.gov.cn/report.pdf", "text/html", "", b"\n <!DOCTYPE html><html>", ".html"),
    ("http://x.gov.cn/report.doc", "application/octet-stream", "", PDF, ".pdf"),
    ("http://x.gov.cn/blob", "application/octet-stream", "", b"??", ".bin"),
])
def test_suffix_says_the_format(url, content_type, disposition, body, suffix):
    assert suffix_for(url, content_type, disposition, body) == suffix


@pytest.mark.parametrize("href, text, expected", [
    ("P020200120.pdf", "", True),
    ("/module/download/downfile.jsp?classid=0&filename=1910.pdf", "", True),
    ("/attach?id=3", "附件：年度报告", True),
    ("/xzzx/index.html", "下载中心", False),
    ("/xzzx/", "下载中心", False),
    ("/news/1.html", "新闻", False),
    ("javascript:void(0)", "下载", False),
    ("#", "附件", False),
    ("mailto:gk@x.gov.cn", "附件", False),
])
def test_which_links_are_attachments(href, text, expected):
    assert is_attachment(href, text) is expected


def test_links_resolve_against_base_and_page_in_gbk():
    page = '<base href="http://files.x.gov.cn/2020/"><a href="nb.pdf">年报</a><A HREF="nb.pdf#p2">同上</A>'.encode("gbk")
    assert attachment_links(page, "http://www.x.gov.cn/a.html") == ["http://files.x.gov.cn/2020/nb.pdf"]


def test_url_list_from_csv(tmp_path):
    table = tmp_path / "urls.csv"
    table.write_text("agency,URL ,year\n甲,http://a.gov.cn/1.html,2020\n乙,,2021\n甲,http://a.gov.cn/1.html,2020\n"
                     "丙, https://b.gov.cn/2.pdf ,2022\n", encoding="utf-8-sig")
    assert read_urls(table) == ["http://a.gov.cn/1.html", "https://b.gov.cn/2.pdf"]
    assert read_urls("http://a.gov.cn/1.html") == ["http://a.gov.cn/1.html"]
    (tmp_path / "bad.csv").write_text("link\nhttp://a.gov.cn\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'url' column"):
        read_urls(tmp_path / "bad.csv")


def test_read_report_carries_the_source_url(server, tmp_path):
    url = f"{server}/report.txt"
    [row] = collect([url], tmp_path, **{**FAST, "max_bytes": 2**20})
    source = read_report(tmp_path / row["file"]).provenance["source"]
    assert source == {"url": url, "final_url": url, "fetched_at": row["fetched_at"], "parent_url": ""}
    renamed = tmp_path / "renamed.txt"
    (tmp_path / row["file"]).rename(renamed)
    assert source_of(renamed, row["sha256"]) == source
    assert source_of(tmp_path / "elsewhere" / "x.txt", row["sha256"]) is None


def test_cli_collect_exit_status_and_summary(server, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"url\n{server}/reports/files/report.pdf\n{server}/mirror/copy.pdf\n", encoding="utf-8")
    bad.write_text(f"url\n{server}/missing\n{server}/noext\n", encoding="utf-8")
    raw = tmp_path / "raw"
    assert main(["collect", str(good), "--out", str(raw), "--interval", "0"]) == 0
    assert "2 fetched (0 attachments) into 1 files, 0 failed" in capsys.readouterr().out
    assert main(["collect", str(bad), "--out", str(raw), "--interval", "0"]) == 1
    out = capsys.readouterr().out
    assert "1 fetched" in out and "1 failed (1 http_error)" in out
    assert len(manifest(raw)) == 4


def test_tls_failure_is_a_row(server, tmp_path):
    [row] = collect([server.replace("http://", "https://") + "/reports/files/report.pdf"], tmp_path, **FAST)
    assert row["reason"] == "tls_error" and row["file"] == ""
