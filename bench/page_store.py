"""What one get and one set of the page store cost as it fills: 100 entries or 200,000.

    .venv/bin/python bench/page_store.py                  # the embedded default, DiskStore
    .venv/bin/python bench/page_store.py --store filesystem  # cachelib's FileSystemCache, before

Fills a fresh store in a temporary folder with pages of ``--page-bytes``
(default 20 KB) and, at each size, times ``--samples`` gets of stored pages
and sets of new ones, printing the median and 99th percentile in ms. The
store's own bounds (entries, bytes) are what the blog uses, so past them the
figures show eviction at work.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cachelib import FileSystemCache

from blog.config import DEFAULTS
from blog.pagecache.store import DiskStore

SIZES = (100, 1_000, 10_000, 50_000, 200_000)


def make_store(kind: str, folder: str):
    if kind == "filesystem":
        return FileSystemCache(folder, threshold=DEFAULTS["CACHE_THRESHOLD"], default_timeout=3600)
    return DiskStore(folder, DEFAULTS["CACHE_MAX_BYTES"], DEFAULTS["CACHE_MAX_ENTRIES"], 3600)


def timed(operation, samples: int) -> tuple[float, float]:
    times = []
    for number in range(samples):
        start = time.perf_counter()
        operation(number)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("disk", "filesystem"), default="disk")
    parser.add_argument("--page-bytes", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    args = parser.parse_args()
    page = os.urandom(args.page_bytes)
    with tempfile.TemporaryDirectory() as folder:
        store = make_store(args.store, folder)
        store.set("version:site", "token", timeout=0)
        filled = 0
        print(f"| entries written | get p50 ms | get p99 ms | set p50 ms | set p99 ms |"
              f" stored | ({args.store}, {args.page_bytes:,} B pages)")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            for number in range(filled, size):
                store.set(f"page:{number}", page)
            filled = size
            get = timed(lambda n, size=size: store.get(f"page:{size - 1 - n % 50}"), args.samples)
            put = timed(lambda n, size=size: store.set(f"new:{size}:{n}", page), args.samples)
            kept = "version kept" if store.get("version:site") == "token" else "VERSION LOST"
            stats = (
                store.stats() if hasattr(store, "stats") else {"entries": len(os.listdir(folder))}
            )
            print(f"| {size:,} | {get[0]:.3f} | {get[1]:.3f} | {put[0]:.3f} | {put[1]:.3f} |"
                  f" {stats['entries']:,} entries, {kept} |")  # fmt: skip


if __name__ == "__main__":
    main()
