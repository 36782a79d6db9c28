"""Many files on every core, or on a Dask cluster, resumable: ``build(inputs, cache)``.

What each file gives (its record, or its failure and why) is saved the moment it
is known, under the key ``<sha256><suffix>``, in the SQLite database
``<cache>/entries.sqlite``, each entry in a transaction of its own. The key is the
content and the suffix (which picks the reader), so a run that was stopped continues
where it stopped, a second run reads nothing again, and a file stored twice is read
once. An entry made by other toolkit code is read again. The records are then put
together from the cache in input order, so a resumed run gives the same tables, byte
for byte, as a run that never stopped.

Each file is read in a worker process (pebble) that is stopped when it takes more
than ``timeout`` seconds: the file becomes a ``timeout`` failure (read again only
with a longer limit) and the batch goes on; a file whose process died (``crashed``)
or that a worker could not open is read again by the next run. Text and HTML files
under a megabyte, read in milliseconds, are handed out ``FILES_PER_TASK`` at a time;
when such a task is stopped or its process dies, its files not yet saved are read
again one at a time, so that only the file at fault fails. With ``scheduler`` (the address of a
``dask.distributed`` scheduler) the files are read on the cluster's workers, each
with such a pool of its own; the input paths must be readable there, and only this
process writes the cache.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import multiprocessing
import os
import queue
import re
import resource
import sqlite3
import stat
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pebble import ProcessPool
from tqdm import tqdm

from toolkit import jsonfile
from toolkit.errors import ReportError
from toolkit.manifest import source_of
from toolkit.locality import divisions
from toolkit.report import Report, read_report
from toolkit.stored import StoredReport

DEFAULT_TIMEOUT = 120.0  # seconds per file; a thousand-page PDF can take longer, a normal report takes well under 10
FILES_PER_PROCESS = 10_000  # a reading process is replaced after at most this many files, so no leak grows unbounded
IN_FLIGHT_PER_PROCESS = 256  # files handed out ahead per reading process: workers go on while the outputs are written
FILES_PER_TASK = 8  # text and HTML files under QUICK_BYTES (read in milliseconds) handed out at once
QUICK_SUFFIXES = frozenset((".txt", ".md", ".text", ".html", ".htm", ".shtml"))
QUICK_BYTES = 1_000_000
MEMORY_LIMIT = int(os.environ.get("TOOLKIT_MEMORY_LIMIT", 3 * 2**30))  # bytes of address space a reading process may add
CACHE_FILE = "entries.sqlite"
EARLIER_ENTRY = re.compile(r"\.?(?P<sha256>[0-9a-f]{64})(\.[^.]+)?\.json(\.\d+\.tmp)?")  # the cache before the database
CACHE_BUSY_SECONDS = 60.0  # how long a process waits while another saves an entry (each takes well under a millisecond)
DASK_PLUGIN = "toolkit-reading-pool"
DAEMON_WORKERS = ("the Dask workers run as daemon processes, which cannot start the processes that stop a "
                  "file at its time limit: start them with DASK_DISTRIBUTED__WORKER__DAEMON=False in their "
                  "environment (or `dask worker --no-nanny`)")


def build(inputs: Iterable[tuple[Path, str, dict | None]], cache: str | Path | Cache, *, jobs: int | None = None,
          scheduler: str | None = None, timeout: float = DEFAULT_TIMEOUT, progress: bool = True,
          keys: list[str | dict] | None = None, on_ready: Callable[[list[StoredReport]], None] | None = None
          ) -> tuple[list[StoredReport], list[dict], Counter]:
    """Read every (file, collection, manifest row) not yet in ``cache``; returns the
    records and the failures of all inputs, in input order, and what was done
    (``read`` now, ``cached``, ``duplicates``, ``unreadable``, ``records``, ``failed``).
    The records stay in the cache: each is read from it when it is used. ``keys``
    are the inputs' ``key_of``, when the caller has them already. With
    ``on_ready``, the records are also handed to it in input order while the others
    are still being read, as soon as every input before them is done."""
    inputs, cache = [_named(*item) for item in inputs], cache if isinstance(cache, Cache) else Cache(Path(cache))
    cache.open()  # made here before the reading processes start, so that they find it ready
    order = _InOrder(inputs, cache, on_ready)
    keys, failed, counts = _read_missing(inputs, cache, jobs, scheduler, timeout, progress, order, keys)
    order.advance()
    reports, failures = order.reports, []
    for (path, collection, row, name), key in zip(inputs, keys):
        entry = key if isinstance(key, dict) else failed.get(key)
        if entry:
            failures.append({"file": name, "path": printable(os.fsdecode(path)), **entry["failure"]})
    counts.update(records=len(reports), failed=len(failures))
    if progress:
        tqdm.write(f"{counts['inputs']} files: {counts['read']} read now, {counts['cached']} from {cache.folder}, "
                   f"{counts['duplicates']} duplicates, {counts['unreadable']} unreadable")
    return reports, failures, counts


def _read_missing(inputs, cache: Cache, jobs, scheduler, timeout, progress, order: "_InOrder",
                  known: list | None) -> tuple[list[str | dict], dict[str, dict], Counter]:
    """Each input's cache key (or its failure, when it cannot be opened) and the entry
    of every key that is a failure, once every content missing from the cache has
    been read and saved. Records are not kept: they are in the cache."""
    keys, failed, counts = order.keys, order.failed, Counter(inputs=len(inputs))
    with tqdm(total=len(inputs), desc="Extracting", unit="file", disable=not progress) as bar:
        to_read = _to_read(inputs, cache, timeout, keys, failed, counts, bar, order.pending, known)
        results = _on_dask(to_read, scheduler, timeout) if scheduler else _on_cores(to_read, jobs, timeout, cache)
        for key, path, entry in results:
            if not entry.get("saved"):  # a record the reading process saved itself is not sent back
                cache.put(key, entry)
            order.pending.discard(key)
            counts["read"] += 1
            bar.update()
            if "failure" in entry:
                failed[key] = entry
                if progress:
                    tqdm.write(f"FAILED {printable(os.fsdecode(path))}: {entry['failure']['message']}")
            order.advance()
    return keys, failed, counts


class _InOrder:
    """The records of the inputs, in input order, placed as soon as every input up to
    theirs is done (read, found in the cache or failed) and handed to ``on_ready``."""

    def __init__(self, inputs: list[tuple], cache: Cache, on_ready=None):
        self.inputs, self.cache, self.on_ready = inputs, cache, on_ready
        self.keys: list[str | dict] = []   # each input's key (or failure), as they are hashed
        self.failed: dict[str, dict] = {}  # key -> its failure entry
        self.pending: set[str] = set()     # keys handed out to be read and not back yet
        self.reports: list[StoredReport] = []
        self.next = 0

    def advance(self) -> None:
        ready = []
        while self.next < len(self.keys) and (isinstance(key := self.keys[self.next], dict) or key not in self.pending):
            if not isinstance(key, dict) and key not in self.failed:
                path, collection, row, name = self.inputs[self.next]
                read = functools.partial(_placed, self.cache, key, path, collection, row, name)
                ready.append(StoredReport(name, key[:64], read))
            self.next += 1
        self.reports += ready
        if ready and self.on_ready:
            self.on_ready(ready)


def warm_up() -> None:
    """In a new reading process: cap its memory (the address space it starts with, which a
    forked process shares with its parent, plus ``MEMORY_LIMIT``: a file that needs more
    fails as ``too_much_memory``), load the division table, then freeze what is loaded,
    so that the collection after each DOCX (below) has only that file's objects to scan."""
    _cap_memory(_address_space() + MEMORY_LIMIT)
    divisions()
    gc.freeze()


def extract(path: str) -> dict:
    """Read one file (in a worker): the cache entry, holding its record or its failure."""
    try:
        return {"code": code_version(), "record": read_report(path).to_dict()}
    except ReportError as error:  # one this process cannot open (a Dask worker without the path) is tried again
        return _failed(error.reason, error.message, retry=isinstance(error.__cause__, OSError))
    except MemoryError:
        gc.collect()
        return _failed("too_much_memory", f"reading needed more than the memory a reading process may use "
                                          f"({MEMORY_LIMIT / 2**30:g} GB more than it starts with, "
                                          "TOOLKIT_MEMORY_LIMIT): stopped")
    except Exception as error:  # a bug of ours (or RecursionError) must not lose the other files
        return _failed("internal_error", f"{type(error).__name__}: {error}")
    finally:
        if path.lower().endswith(".docx"):  # python-docx leaves reference cycles holding whole XML trees
            gc.collect()


def extract_into(files: list[tuple[str, str]], folder: str) -> list[dict]:
    """Read (path, key) files in turn (in a reading process), saving each record in the cache
    ``folder`` under its key as soon as it is made; what is sent back, per file, is the entry
    of a failure or a line saying the record was saved."""
    cache, sent = _cache_in(folder), []
    for path, key in files:
        entry = extract(path)
        if "failure" not in entry:
            cache.put(key, entry)
            entry = {"code": entry["code"], "saved": True}
        sent.append(entry)
    return sent


@functools.cache
def _cache_in(folder: str) -> Cache:
    """This reading process's cache (one connection to it for all its tasks)."""
    return Cache(Path(folder))


class Cache:
    """What each content gave, one entry per (sha256, suffix) in ``<folder>/entries.sqlite``.
    One file written in place rather than a file per entry: on a busy disk, creating files
    cost the reading processes up to 1.5 ms each while another process created files too.
    Each process opens its own connection (``open``; ``close`` when done with it)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._connection, self._pid = None, None

    @staticmethod
    def key(path: Path) -> str:
        """sha256 of the content, and the suffix, which picks the reader."""
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest() + path.suffix.lower()

    def fresh(self, key: str, timeout: float) -> dict | None:
        """The saved entry, if it stands: made by this code, not marked to be tried again
        (a crash, a file the worker could not open), not stopped by a shorter time limit."""
        entry = self.load(key)
        stands = entry and (entry["code"] == code_version() and not entry.get("retry")
                            and entry.get("timeout", timeout) >= timeout)
        return entry if stands else None

    def load(self, key: str) -> dict | None:
        found = self.open().execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
        try:
            return jsonfile.loads(found[0]) if found else None
        except ValueError:  # not whole: read the file again
            return None

    def put(self, key: str, entry: dict) -> None:
        if entry["code"] != code_version():
            raise RuntimeError(f"a worker runs other toolkit code ({entry['code']}) than this process "
                               f"({code_version()}): install the same version on every Dask worker")
        self.save(key, jsonfile.dumps(entry))  # a file name that is not UTF-8 is kept as an escape, read back exactly

    def save(self, key: str, entry: bytes) -> None:
        """``entry`` (JSON) under ``key``, as it is."""
        self.open().execute("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", (key, entry))

    def open(self) -> sqlite3.Connection:
        """This process's connection (made, with the database, on first use). A database
        that is not one (damaged, or another file of that name) is set aside, with a line
        saying so, and the files are read again; one that cannot be opened (locked, on a
        read-only disk) raises ``OSError`` saying so."""
        if self._connection is None or self._pid != os.getpid():  # a forked process opens its own
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / CACHE_FILE
            if not path.exists():
                _drop_files_of_earlier_versions(self.folder)
            try:
                self._connection = _connected(path)
            except sqlite3.OperationalError as error:  # locked, read-only, not a file …: the database may be sound
                raise OSError(f"cannot open the cache {path}: {error}") from error
            except sqlite3.DatabaseError as error:
                aside = path.with_name(f"{CACHE_FILE}.damaged")
                tqdm.write(f"the cache {path} cannot be read ({error}): moved to {aside.name}, "
                           "and its files are read again")
                os.replace(path, aside)
                for log in ("-wal", "-shm"):  # the damaged database's: never applied to the new one
                    path.with_name(CACHE_FILE + log).unlink(missing_ok=True)
                self._connection = _connected(path)
            self._pid = os.getpid()
        return self._connection

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def _drop_files_of_earlier_versions(folder: Path) -> None:
    """Remove the entries of toolkit versions before the database (a JSON file each,
    ``<sha256[:2]>/<sha256><suffix>.json``, and their temporary files): they are never
    read again. Nothing else is touched, and a folder left holding anything else stays."""
    for sub in folder.glob("[0-9a-f][0-9a-f]"):
        for entry in sub.iterdir() if sub.is_dir() else ():
            if (match := EARLIER_ENTRY.fullmatch(entry.name)) and match["sha256"].startswith(sub.name):
                entry.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: something else is kept there
            sub.rmdir()


def _connected(path: Path) -> sqlite3.Connection:
    """A connection to the cache at ``path`` (made if missing), each statement its own
    transaction; the write-ahead log lets processes read while another writes."""
    connection = sqlite3.connect(path, timeout=CACHE_BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # a power cut may lose the last entries, never the database
        connection.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


@functools.cache
def code_version() -> str:
    """Fingerprint of the package's code and tables: entries made by other code are not used."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".csv") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _to_read(inputs, cache: Cache, timeout: float, keys: list, failed: dict, counts: Counter,
             bar, pending: set, known: list | None = None) -> Iterator[tuple[str, Path]]:
    """(key, file) for each content not in the cache, once; appends each input's key
    (or, for a file that cannot be opened, its failure) to ``keys``, and the failures
    found in the cache to ``failed``, as it goes."""
    queued, cached = set(), set()
    for i, (path, _, _, _) in enumerate(inputs):
        key = known[i] if known else key_of(path)
        keys.append(key)
        if isinstance(key, dict):
            if not bar.disable:
                tqdm.write(f"FAILED {printable(os.fsdecode(path))}: {key['failure']['message']}")
        elif key not in queued and key not in cached and (entry := cache.fresh(key, timeout)):
            cached.add(key)
            if "failure" in entry:
                failed[key] = entry
        seen = ("unreadable" if isinstance(key, dict) else "duplicates" if key in queued
                else "cached" if key in cached else None)
        if seen:
            counts[seen] += 1
            bar.update()
            continue
        queued.add(key)
        pending.add(key)
        yield key, path


def key_of(path: Path) -> str | dict:
    """The cache key of a file, or the failure entry of a file that cannot be read."""
    try:
        if stat.S_ISREG(path.stat().st_mode):  # a pipe or device would block the read
            return Cache.key(path)
        message = "not a regular file (a folder, pipe or device): not read"
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
    return _failed("unreadable", message)


def _on_cores(to_read, jobs: int | None, timeout: float, cache: Cache) -> Iterator[tuple[str, Path, dict]]:
    """Read on this machine: ``jobs`` processes (default: one per core), each saving the
    records it makes in ``cache`` itself (what it sends back is a line, not a record). Text
    and HTML files are handed out ``FILES_PER_TASK`` at a time (``_tasks``)."""
    jobs = jobs or os.cpu_count() or 1
    pool = _reading_processes(jobs)
    try:
        submit = lambda task: pool.schedule(  # noqa: E731
            extract_into, ([(str(path), key) for key, path in task], str(cache.folder)), timeout=timeout)
        for task, future in _windowed(_tasks(to_read), submit, IN_FLIGHT_PER_PROCESS * jobs // FILES_PER_TASK):
            for (key, path), entry in zip(task, _entries(task, future, submit, cache, timeout)):
                yield key, path, entry
    finally:
        pool.stop()
        pool.join()


def _tasks(to_read) -> Iterator[list[tuple[str, Path]]]:
    """The (key, file) pairs as tasks for a reading process: text and HTML files under
    ``QUICK_BYTES`` ``FILES_PER_TASK`` together (one message each way for all of them), any
    other file alone."""
    quick = []
    for key, path in to_read:
        if path.suffix.lower() not in QUICK_SUFFIXES or _size(path) >= QUICK_BYTES:
            yield [(key, path)]
            continue
        quick.append((key, path))
        if len(quick) == FILES_PER_TASK:
            yield quick
            quick = []
    if quick:
        yield quick


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was hashed: its reading process says so
        return 0


def _entries(task: list[tuple[str, Path]], future, submit, cache: Cache, timeout: float) -> list[dict]:
    """Each file's entry from its task. When a task of several files was stopped at the time
    limit or its process died, the records it saved stand and its other files are read again
    one at a time: only a file that fails on its own is a ``timeout`` or ``crashed`` failure."""
    sent = _outcome(future, timeout)
    if isinstance(sent, list):
        return sent
    if len(task) == 1:
        return [sent]
    return [{"code": code_version(), "saved": True} if cache.fresh(key, timeout)
            else _entries([(key, path)], submit([(key, path)]), submit, cache, timeout)[0] for key, path in task]


def _on_dask(to_read, scheduler: str, timeout: float) -> Iterator[tuple[str, Path, dict]]:
    """Read on the workers of a Dask cluster; each reads in a pool as wide as its threads."""
    from distributed import Client

    with Client(scheduler) as client:
        client.register_plugin(_reading_pool(), name=DASK_PLUGIN)
        try:
            slots = sum(client.nthreads().values()) or 1
            submit = lambda item: client.submit(_read_on_worker, str(item[1]), timeout, pure=False)  # noqa: E731
            for (key, path), future in _windowed(to_read, submit, IN_FLIGHT_PER_PROCESS * slots):
                yield key, path, _outcome(future, timeout)
        finally:
            client.unregister_worker_plugin(DASK_PLUGIN)


def _reading_processes(workers: int) -> ProcessPool:
    """The processes that read files, each warmed up and replaced after at most FILES_PER_PROCESS.
    The division table is loaded here first: processes forked from this one start with it."""
    divisions()
    return ProcessPool(max_workers=workers, max_tasks=FILES_PER_PROCESS // FILES_PER_TASK, initializer=warm_up)


def _windowed(tasks, submit, window: int):
    """(task, future) as each finishes, with at most ``window`` tasks handed out. Each
    future reports itself done on a queue, so a finished task is found without looking
    through the others."""
    finished, pending = queue.SimpleQueue(), {}

    def hand_out(count: int) -> None:
        for task in itertools.islice(tasks, count):
            future = submit(task)
            pending[future] = task
            future.add_done_callback(finished.put)

    hand_out(max(window, 1))
    while pending:
        future = finished.get()
        yield pending.pop(future), future
        hand_out(1)


def _outcome(future, timeout: float) -> dict:
    """The entry a reading process gave, or why it gave none."""
    try:
        return future.result()
    except TimeoutError:
        return _failed("timeout", f"reading took more than the time limit of {timeout:g} s (--timeout): stopped",
                       timeout=timeout)
    except Exception as error:  # the process died (crash, out of memory) or the Dask worker was lost
        return _failed("crashed", f"the process reading the file died: {type(error).__name__}: {error}", retry=True)


def _reading_pool():
    """A Dask worker plugin: a pebble pool on each worker (the class is made here so that
    importing toolkit does not import Dask)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class ReadingPool(WorkerPlugin):
        def setup(self, worker):
            if multiprocessing.current_process().daemon:
                raise RuntimeError(DAEMON_WORKERS)
            self.pool = _reading_processes(worker.state.nthreads)

        def teardown(self, worker):
            self.pool.stop()
            self.pool.join()

    return ReadingPool()


def _read_on_worker(path: str, timeout: float) -> dict:
    """A Dask task: read one file in this worker's pool, stopped at the time limit."""
    from distributed import get_worker

    pool = get_worker().plugins[DASK_PLUGIN].pool
    return _outcome(pool.schedule(extract, (path,), timeout=timeout), timeout)


def _failed(reason: str, message: str, **extra) -> dict:
    return {"code": code_version(), "failure": {"reason": reason, "message": printable(message)}, **extra}


def _address_space() -> int:
    """Bytes of address space this process holds now (0 where the system does not say)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _cap_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes (never above a cap already set)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = min(limit, hard) if hard != resource.RLIM_INFINITY else limit
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # a platform without the limit: read uncapped
        pass


def printable(text: str) -> str:
    """``text`` as it may be shown and written: bytes that are not UTF-8 (a file name
    from a zip made on Windows, decoded with surrogate escapes) and characters that
    are not printable become escapes (``\\xb9``, ``\\n``).

    >>> printable(os.fsdecode("报告".encode("gbk") + b".txt") + "\\n")
    '\\\\xb1\\\\xa8\\\\xb8\\\\xe6.txt\\\\n'
    """
    if text.isprintable():  # most names: nothing to escape (a lone surrogate is not printable)
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def _named(path: Path, collection: str, row: dict | None, name: str | None = None) -> tuple:
    """An input with its report name (default: the file's name, printable)."""
    path = Path(path)
    return path, collection, row, name or printable(os.fsdecode(path.name))


def _placed(cache: Cache, key: str, path: Path, collection: str, row: dict | None, name: str) -> Report:
    """The cached record, with this input's own name, path, source, collection and manifest row.
    A path that is not printable UTF-8 is shown escaped, and kept exactly as ``path_bytes`` (hex)."""
    report = Report.from_dict(cache.load(key)["record"])
    shown = printable(os.fsdecode(path))
    exact = {"path_bytes": os.fsencode(path).hex()} if shown != os.fsdecode(path) else {}
    provenance = {k: v for k, v in report.provenance.items() if k != "path_bytes"}
    report.provenance = {**provenance, "file": name, "path": shown, **exact, "collection": collection,
                         "source": source_of(path, report.provenance["sha256"]), **({"manifest": row} if row else {})}
    return report
