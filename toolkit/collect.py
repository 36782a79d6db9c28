"""Reports from the web into ``data/raw``, as published: ``collect(urls)``.

Each URL is fetched politely (one request per host every ``min_interval``
seconds, retries with doubling waits, a timeout, a size cap, a User-Agent that
names the toolkit). The bytes are stored unchanged as ``<sha256[:16]><suffix>``:
the same content is stored once, and the suffix tells the readers the format.
Every fetch, failed or not, is one row of ``MANIFEST.csv`` beside the files.
From an HTML page, the files it links to (PDF, DOC/DOCX, XLS, images) are
fetched too, and their rows name the page in ``parent_url``. Only http(s);
redirects are followed one by one and checked; page scripts are never run.
"""
from __future__ import annotations

import csv
import email.message
import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Iterable
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from tqdm import tqdm

from toolkit import __version__
from toolkit.manifest import MANIFEST, MANIFEST_COLUMNS, append_row

USER_AGENT = (f"ogi-annual-reports-toolkit/{__version__} (research on government information "
              f"disclosure annual reports) python-requests/{requests.__version__}")

SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 10
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_ERRORS = (requests.Timeout, requests.ConnectionError)
ERROR_REASONS = ((requests.exceptions.SSLError, "tls_error"), (requests.Timeout, "timeout"),
                 (requests.ConnectionError, "connection_error"), (requests.exceptions.InvalidURL, "bad_url"),
                 (requests.RequestException, "request_error"))

# Suffix as printed in a URL or file name -> suffix the file is stored under.
SUFFIXES = {
    ".html": ".html", ".htm": ".html", ".shtml": ".html", ".xhtml": ".html", ".txt": ".txt",
    ".pdf": ".pdf", ".ofd": ".ofd", ".doc": ".doc", ".docx": ".docx", ".wps": ".wps",
    ".xls": ".xls", ".xlsx": ".xlsx", ".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg",
}
CONTENT_TYPES = {
    "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
    "application/pdf": ".pdf", "application/ofd": ".ofd", "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png", "image/jpeg": ".jpg",
}
# Signatures that say what the bytes are whatever the URL says (an HTML error page at a .pdf URL).
MAGIC = ((b"%pdf-", ".pdf"), (b"\x89png\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"),
         (b"<!doctype html", ".html"), (b"<html", ".html"))
ATTACHMENT_SUFFIXES = {printed for printed, stored in SUFFIXES.items() if stored not in (".html", ".txt")}
IMAGE_SUFFIXES = {printed for printed, stored in SUFFIXES.items() if stored in (".png", ".jpg")}
ATTACHMENT_WORDS = ("附件", "下载")
DOWNLOAD_ENDPOINTS = ("", ".jsp", ".do", ".action", ".asp", ".aspx", ".php", ".ashx")
NOT_FILES = ("javascript", "mailto", "tel", "data")


class FetchFailed(Exception):
    """A URL that gave no document: ``reason`` is a short code, ``message`` says why."""

    def __init__(self, reason: str, message: str, status: int | str = "", final_url: str = ""):
        self.reason, self.message, self.status, self.final_url = reason, message, status, final_url
        super().__init__(message)


@dataclass
class Fetcher:
    """GET with a per-host pause, retries, hand-checked redirects and a size cap."""

    session: requests.Session
    min_interval: float = 1.0
    timeout: float = 30.0
    max_bytes: int = 100 * 2**20
    retries: int = 3
    backoff: float = 2.0
    _last: dict = field(default_factory=dict)

    def get(self, url: str) -> tuple[requests.Response, bytes]:
        """The final response after redirects, and its body; raises ``FetchFailed``."""
        for _ in range(MAX_REDIRECTS + 1):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in SCHEMES:
                raise FetchFailed("bad_scheme", f"only http(s) is fetched, not {scheme or 'no scheme'}: {url}",
                                  final_url=url)
            response = self._send(url)
            if response.status_code in REDIRECTS and response.headers.get("location"):
                response.close()
                url = urljoin(url, response.headers["location"])
                continue
            if response.status_code >= 300:
                response.close()
                raise FetchFailed("http_error", f"HTTP {response.status_code} {response.reason}",
                                  response.status_code, url)
            body = self._read(response)
            if not body:
                raise FetchFailed("empty", "the server sent an empty body", response.status_code, url)
            return response, body
        raise FetchFailed("too_many_redirects", f"more than {MAX_REDIRECTS} redirects", final_url=url)

    def _send(self, url: str) -> requests.Response:
        """One GET, tried again after timeouts, dropped connections and 429/5xx answers."""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self.wait_turn(url)
            try:
                response = self.session.get(url, stream=True, timeout=self.timeout, allow_redirects=False)
            except requests.exceptions.SSLError as error:  # a bad certificate does not get better
                raise _failed(error, url) from error
            except RETRY_ERRORS as error:
                failure = error
                continue
            except requests.RequestException as error:
                raise _failed(error, url) from error
            if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                return response
            response.close()
        raise _failed(failure, url) from failure

    def _read(self, response: requests.Response) -> bytes:
        """The body, cut off (and refused) once it passes ``max_bytes``."""
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchFailed("too_large", f"Content-Length {declared} bytes is over the cap of "
                                  f"{self.max_bytes} bytes", response.status_code, response.url)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchFailed("too_large", f"cut off after {len(body)} bytes: over the cap of "
                                      f"{self.max_bytes} bytes", response.status_code, response.url)
            return bytes(body)
        except requests.RequestException as error:
            raise _failed(error, response.url, response.status_code) from error
        finally:
            response.close()

    def wait_turn(self, url: str) -> None:
        """Sleep until ``min_interval`` has passed since the last request to this host."""
        host = urlsplit(url).hostname
        wait = self._last.get(host, float("-inf")) + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last[host] = time.monotonic()


def _failed(error: requests.RequestException, url: str, status: int | str = "") -> FetchFailed:
    reason = next(reason for kind, reason in ERROR_REASONS if isinstance(error, kind))
    return FetchFailed(reason, f"{type(error).__name__}: {error}", status, url)


def collect(urls: str | Path | Iterable[str], raw_dir: str | Path = "data/raw", *, attachments: bool = True,
            images: bool = False, min_interval: float = 1.0, timeout: float = 30.0,
            max_bytes: int = 100 * 2**20, retries: int = 3, backoff: float = 2.0,
            user_agent: str = USER_AGENT, progress: bool = True) -> list[dict]:
    """Fetch every URL (and the files its page links to) into ``raw_dir``; returns the manifest rows.

    ``urls`` is a CSV file with a ``url`` column (other columns are not used), a
    single URL, or a list of them. Failures are rows with a ``reason``; the batch
    goes on. ``images=True`` also fetches the images shown in a page (``<img>``),
    for reports that print their tables as pictures.
    """
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    todo = read_urls(urls)
    seen = set(todo)
    rows = []
    with requests.Session() as session, tqdm(total=len(todo), desc="Collecting", unit="url",
                                             disable=not progress) as bar:
        session.headers["User-Agent"] = user_agent
        fetcher = Fetcher(session, min_interval, timeout, max_bytes, retries, backoff)

        def keep(row: dict) -> None:
            append_row(raw_dir, row)
            rows.append(row)
            bar.update()
            if row["reason"]:
                text = f"FAILED {row['url']}: {row['message']}"
                tqdm.write(text) if progress else print(text)

        for url in todo:
            row, body = fetch_one(fetcher, url, raw_dir)
            keep(row)
            is_page = attachments and row["file"].endswith(".html")
            links = attachment_links(body, row["final_url"], images) if is_page else []
            links = [link for link in links if link not in seen]
            seen.update(links)
            bar.total += len(links)
            for link in links:
                keep(fetch_one(fetcher, link, raw_dir, parent_url=url)[0])
    return rows


def fetch_one(fetcher: Fetcher, url: str, raw_dir: Path, parent_url: str = "") -> tuple[dict, bytes]:
    """One manifest row for ``url`` (stored if it gave a document), and the bytes."""
    row = dict.fromkeys(MANIFEST_COLUMNS, "")
    row.update(url=url, parent_url=parent_url)
    try:
        response, body = fetcher.get(url)
    except ValueError as error:  # urllib could not parse the URL or a redirect's Location
        return _failure(row, FetchFailed("bad_url", f"cannot parse {url!r}: {error}", final_url=url))
    except FetchFailed as failure:
        return _failure(row, failure)
    content_type = response.headers.get("content-type", "")
    suffix = suffix_for(response.url, content_type, response.headers.get("content-disposition", ""), body)
    sha256 = hashlib.sha256(body).hexdigest()
    row.update(fetched_at=_now(), final_url=response.url, status=response.status_code, content_type=content_type,
               sha256=sha256, size=len(body), file=store(raw_dir, body, sha256, suffix))
    return row, body


def _failure(row: dict, failure: FetchFailed) -> tuple[dict, bytes]:
    row.update(fetched_at=_now(), final_url=failure.final_url, status=failure.status,
               reason=failure.reason, message=failure.message)
    return row, b""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_urls(urls: str | Path | Iterable[str]) -> list[str]:
    """The URLs to fetch, in order, each once: from a CSV's ``url`` column, one URL, or a list."""
    if isinstance(urls, str) and "://" in urls:
        urls = [urls]
    elif isinstance(urls, (str, Path)):
        with open(urls, newline="", encoding="utf-8-sig", errors="replace") as file:
            reader = csv.DictReader(file)
            column = next((name for name in reader.fieldnames or () if name.strip().lower() == "url"), None)
            if column is None:
                raise ValueError(f"{urls}: no 'url' column (columns: {', '.join(reader.fieldnames or ()) or 'none'})")
            urls = [row[column] or "" for row in reader]
    return list(dict.fromkeys(url.strip() for url in urls if isinstance(url, str) and url.strip()))


def suffix_for(url: str, content_type: str = "", disposition: str = "", body: bytes = b"") -> str:
    """The stored file's suffix: from the bytes' signature, else the URL, the
    Content-Disposition file name, the Content-Type; ``.bin`` if none says.

    >>> suffix_for("https://example.org/2020/P0203.PDF")
    '.pdf'
    >>> suffix_for("https://example.org/download.jsp?id=7", "application/msword; charset=GBK")
    '.doc'
    """
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for magic, suffix in MAGIC:
        if head.startswith(magic):
            return suffix
    for printed in (_suffix(urlsplit(url).path), _suffix(_filename(disposition))):
        if printed in SUFFIXES:
            return SUFFIXES[printed]
    return CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), ".bin")


def _suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def _filename(disposition: str) -> str:
    message = email.message.Message()
    message["content-disposition"] = disposition
    return message.get_filename() or ""


def store(raw_dir: Path, body: bytes, sha256: str, suffix: str) -> str:
    """Write ``body`` once under ``raw_dir`` as ``<sha256[:16]><suffix>``; returns the file name.

    Content already there (under any suffix) is not written again.
    """
    existing = sorted(raw_dir.glob(f"{sha256[:16]}.*"))
    if existing:
        return existing[0].name
    name = f"{sha256[:16]}{suffix}"
    partial = raw_dir / f".{name}.part"
    partial.write_bytes(body)
    os.replace(partial, raw_dir / name)
    return name


def attachment_links(page: bytes, page_url: str, images: bool = False) -> list[str]:
    """Absolute URLs of the files a page links to, in page order, each once.

    >>> page = '<a href="P02.pdf">年度报告</a> <a href="/xzzx/">下载中心</a>'.encode()
    >>> attachment_links(page, "http://gov.cn/a/b.html")
    ['http://gov.cn/a/P02.pdf']
    """
    links = _Links()
    links.feed(_decode(page))
    links.close()
    base = urljoin(page_url, links.base)
    found = [href for href, text in links.anchors if is_attachment(href, text)]
    if images:
        found += [src for src in links.images if _suffix(urlsplit(src).path) in IMAGE_SUFFIXES]
    return list(dict.fromkeys(urljoin(base, href).split("#")[0] for href in found))


def is_attachment(href: str, text: str) -> bool:
    """A link to a file: its name ends in a document suffix, or its text says 附件/下载 and
    it points at a download script (not at another page or folder)."""
    parts = urlsplit(href)
    if parts.scheme.lower() in NOT_FILES or not (parts.path or parts.query):
        return False
    suffix = _suffix(parts.path)
    if suffix in ATTACHMENT_SUFFIXES or any(_suffix(v) in ATTACHMENT_SUFFIXES for _, v in parse_qsl(parts.query)):
        return True
    return (suffix in DOWNLOAD_ENDPOINTS and not parts.path.endswith("/")
            and any(word in text for word in ATTACHMENT_WORDS))


def _decode(page: bytes) -> str:
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError:
        return page.decode("gb18030", errors="replace")


class _Links(HTMLParser):
    """A page's ``<base href>``, anchors ([href, title and text]) and image sources; nothing is run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.base, self.anchors, self.images, self._open = "", [], [], None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = {name: (value or "").strip() for name, value in attrs}
        if tag == "base" and not self.base:
            self.base = attrs.get("href", "")
        elif tag == "a":
            self._open = [attrs["href"], attrs.get("title", "")] if attrs.get("href") else None
            self.anchors += [self._open] if self._open else []
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1] += data


def summary(rows: list[dict]) -> str:
    """One line for people: fetched, attachments, files, failures by reason."""
    failed = Counter(row["reason"] for row in rows if row["reason"])
    attached = sum(1 for row in rows if row["parent_url"] and not row["reason"])
    files = len({row["file"] for row in rows if row["file"]})
    by_reason = ", ".join(f"{count} {reason}" for reason, count in sorted(failed.items()))
    return (f"{len(rows) - failed.total()} fetched ({attached} attachments) into {files} files, "
            f"{failed.total()} failed" + (f" ({by_reason})" if by_reason else ""))
