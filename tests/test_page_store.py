"""The embedded page store: bounded in bytes and entries, pinned versions, several writers."""

import json
import multiprocessing
import os

from blog.pagecache.store import DiskStore

PAGE = 20_000  # bytes: a small page


def store_at(folder, max_bytes=2_000_000, max_entries=1_000) -> DiskStore:
    return DiskStore(str(folder), max_bytes=max_bytes, max_entries=max_entries, default_timeout=60)


def test_twice_the_byte_bound_stays_within_it_and_keeps_the_newest(tmp_path):
    store = store_at(tmp_path, max_bytes=2_000_000, max_entries=100_000)
    store.set("version:site", "token", timeout=0)
    count = 2 * 2_000_000 // PAGE
    for number in range(count):
        store.set(f"page:{number}", os.urandom(PAGE))
    stats = store.stats()
    assert stats["bytes"] <= 2_000_000 + PAGE, stats
    assert 0 < stats["entries"] < count
    assert store.get(f"page:{count - 1}") is not None  # the newest is kept...
    assert store.get("page:0") is None  # ...the oldest went first
    assert store.get("version:site") == "token"  # versions are never evicted


def test_twice_the_entry_bound_stays_within_it(tmp_path):
    store = store_at(tmp_path, max_bytes=10**9, max_entries=300)
    store.set("version:site", "token", timeout=0)
    for number in range(600):
        store.set(f"page:{number}", b"x" * 100)
    assert store.stats()["entries"] == 300
    assert store.get("page:599") == b"x" * 100 and store.get("page:0") is None
    assert store.get("version:site") == "token"


def test_timeouts_are_finite_and_zero_pins(tmp_path):
    store = store_at(tmp_path)
    store.set("page", b"x", timeout=-1)  # already expired
    store.set("pinned", b"y", timeout=0)
    assert store.get("page") is None and store.get("pinned") == b"y"
    assert store.add("pinned", b"z", timeout=0) is False  # add never overwrites
    assert store.get_many("pinned", "nothing") == [b"y", None]
    store.delete("pinned")
    assert not store.has("pinned")


def write_pages(folder: str, writer: int, count: int) -> None:
    store = store_at(folder, max_bytes=10**9, max_entries=100_000)
    for number in range(count):
        store.set(f"page:{writer}:{number}", json.dumps([writer, number]).encode())


def test_two_processes_writing_at_once_lose_nothing_that_fits(tmp_path):
    store_at(tmp_path, max_bytes=10**9, max_entries=100_000)  # created before the writers
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=write_pages, args=(str(tmp_path), n, 500)) for n in (1, 2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    store = store_at(tmp_path, max_bytes=10**9, max_entries=100_000)
    assert store.stats()["entries"] == 1000
    for writer in (1, 2):
        for number in range(500):
            assert json.loads(store.get(f"page:{writer}:{number}")) == [writer, number]
