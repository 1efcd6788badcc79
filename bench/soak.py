"""A soak test: the blog under gunicorn at a steady, realistic load for minutes.

    .venv/bin/python bench/soak.py                             # SQLite, 10 minutes, ~80 req/s
    .venv/bin/python bench/soak.py --minutes 0.3 --posts 30 --comments 300 --interval 5
    .venv/bin/python bench/soak.py --database-url postgresql://root@127.0.0.1:5432/test
    .venv/bin/python bench/soak.py --project ../other-checkout   # serve another checkout

Seeds a fresh blog (bench/seed.py) in a temporary folder (or a scratch
PostgreSQL database, dropped afterwards), serves it with the project's
gunicorn.conf.py (2 sync workers, access log off) and, from threads of this
process, sends a fixed-rate mix of traffic to 127.0.0.1 only, until the time
is up:

- readers without cookies over the whole site: home and its pages, posts
  (Zipf-like: a few posts get most reads), tag pages, archives, feeds,
  searches for words the posts contain;
- readers with a session cookie, who first open a post page and keep the
  cookie it sets, as a browser does;
- a crawler walking every URL of /sitemap.xml, then the list pages;
- junk: random query strings (utm_source, fbclid, unknown parameters),
  random searches, made-up Host headers;
- commenters: open a post page, post the form with its CSRF token and signed
  stamp, follow the redirect;
- the author: logs in, approves a held comment every 10 s and publishes a
  post through the editor every minute.

Every ``--interval`` seconds (a minute) it prints requests, latency
percentiles, the page cache's hit rate (from the ``X-Cache`` header; readers,
and overall), the size of the store (``flask cache-stats``, else the size of
instance/page-cache), each worker's RSS and the errors; at the end a Markdown
table of the intervals, where the time went, and the targets met or missed.
Latency is from sending the request to the last byte of the response, each
request on its own connection (gunicorn's sync workers close it anyway).
"""

import argparse
import html
import http.client
import itertools
import json
import math
import os
import random
import re
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def project_folder() -> Path:
    """The checkout to serve (``--project``), read before anything imports ``blog``."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--project", type=Path, default=ROOT)
    return early.parse_known_args()[0].project.resolve()


PROJECT = project_folder()
sys.path.insert(0, str(PROJECT))
# Imported first, from the checkout being served, so that the seeding (its
# migrations, its models) matches the schema the server expects; seed.py's
# own path entry then no longer decides which ``blog`` is used.
# isort: off
import blog  # noqa: E402

# isort: on
from _common import SECRET_KEY, Server, keep_cookies, start_server  # noqa: E402
from comment_post import HIDDEN as FORM_TOKENS  # noqa: E402
from seed import AUTHOR, AUTHOR_PASSWORD, WORDS, comment_body, markdown_body, seed  # noqa: E402

from blog.config import DEFAULTS  # noqa: E402
from tests.databases import scratch_database  # noqa: E402

HOST = "127.0.0.1"  # every request goes to the server we started, on this machine
REQUEST_TIMEOUT = 10  # seconds
WORKERS = 2
# Shares of --rate, by kind of client; the author comes on top, on its own clock.
SHARES = {"reader": 0.50, "cookie reader": 0.20, "crawler": 0.10, "junk": 0.175, "commenter": 0.025}
READER_KINDS = ("reader", "cookie reader")
# The author's login checks a password hash, slow on purpose: shown, but out of the
# latency figures and targets, which are about serving pages.
UNTIMED_KINDS = ("login",)
PER_THREAD_RATE = 5.0  # requests/s one client thread is asked for (several threads a kind)
ZIPF_EXPONENT = 1.1
COMMENTER_NAMES = [f"Soak reader {number}" for number in range(40)]
POST_PATH = re.compile(r"^/\d{4}/\d{2}/[^/]+/$")
MONTH_PATH = re.compile(r"^/(\d{4})/\d{2}/$")
LOC = re.compile(r"<loc>([^<]+)</loc>")
COMMENT_ACTION = re.compile(r'action="(/posts/\d+/comments)#respond"')
NEXT_PAGE = re.compile(r'<a class="older" rel="next" href="([^"]+)"')
APPROVE_ACTION = re.compile(r'formaction="(/admin/comments/\d+/approve\?status=pending)"')


# What was measured ---------------------------------------------------------------


@dataclass
class Result:
    kind: str
    path: str
    finished: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no response (a connection error)
    cache: str | None  # the X-Cache header: HIT, MISS, or None when absent
    error: str = ""


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: list[Result] = []

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)

    def between(self, start: float, end: float) -> list[Result]:
        with self.lock:
            return [item for item in self.results if start <= item.finished < end]


class Browser:
    """One client: plain HTTP/1.1 to 127.0.0.1, cookies kept if ``keeps_cookies``."""

    def __init__(self, port: int, kind: str, recorder: Recorder, keeps_cookies: bool = True):
        self.port = port
        self.kind = kind
        self.recorder = recorder
        self.keeps_cookies = keeps_cookies
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, host: str = ""):
        """(status, headers, body text), or None when the connection failed."""
        headers = {"Connection": "close", "User-Agent": f"soak ({self.kind})"}
        if host:
            headers["Host"] = host
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            now = time.monotonic()
            self.recorder.add(
                Result(self.kind, path, now, now - started, None, None, type(error).__name__)
            )
            return None
        finally:
            connection.close()
        now = time.monotonic()
        marks = response.headers.get_all("X-Cache") or [None]
        cache = marks[-1]  # the outermost layer's word, should several have marked it
        self.recorder.add(Result(self.kind, path, now, now - started, response.status, cache))
        if self.keeps_cookies:
            keep_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
        return response.status, response.headers, data.decode("utf-8", "replace")

    def get(self, path: str, host: str = ""):
        return self.request("GET", path, host=host)

    def follow(self, answer) -> None:
        """GET the page a redirect points to, as a browser would."""
        if answer and answer[0] in (301, 302, 303) and answer[1].get("Location"):
            target = urllib.parse.urlsplit(answer[1]["Location"])
            self.get(target.path + (f"?{target.query}" if target.query else ""))


# What there is to read -------------------------------------------------------------


class Site:
    """The blog's URLs, from its sitemap, with a popularity for each post."""

    def __init__(self, sitemap: str, rng: random.Random, per_page: int):
        paths = [urllib.parse.urlsplit(loc).path for loc in LOC.findall(sitemap)]
        posts = [path for path in paths if POST_PATH.match(path)]
        rng.shuffle(posts)  # popularity has nothing to do with age or order
        self.lock = threading.Lock()
        self.set_posts(posts)
        self.tags = [path for path in paths if path.startswith("/tag/")]
        self.months = [path for path in paths if MONTH_PATH.match(path)]
        self.years = sorted({f"/{MONTH_PATH.match(path).group(1)}/" for path in self.months})
        self.per_page = per_page

    def set_posts(self, posts: list[str]) -> None:
        weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, len(posts) + 1)]
        with self.lock:
            self.posts = (posts, list(itertools.accumulate(weights)))

    def add_new_post(self, path: str) -> None:
        """A new post is the most read for a while."""
        posts, _ = self.posts
        self.set_posts([path, *posts])

    def popular_post(self, rng: random.Random) -> str:
        posts, cumulative = self.posts
        return rng.choices(posts, cum_weights=cumulative)[0]

    def list_pages(self) -> int:
        return max(1, math.ceil(len(self.posts[0]) / self.per_page))

    def reader_path(self, rng: random.Random) -> str:
        """One page a reader opens: mostly posts, then lists, feeds and searches."""
        roll = rng.random()
        if roll < 0.55:
            return self.popular_post(rng)
        if roll < 0.65:
            return "/"
        if roll < 0.73:
            return f"/?page={min(1 + int(rng.expovariate(0.3)) + 1, self.list_pages())}"
        if roll < 0.81:
            tag = rng.choice(self.tags)
            return tag if rng.random() < 0.8 else f"{tag}?page=2"
        if roll < 0.87:
            return rng.choice(self.months if rng.random() < 0.6 else self.years)
        if roll < 0.92:
            return rng.choice(
                ["/feed/", "/feed/", "/comments/feed/", f"{rng.choice(self.tags)}feed/",
                 f"{self.popular_post(rng)}feed/"]
            )  # fmt: skip
        words = " ".join(rng.sample(WORDS[:35], rng.choice((1, 1, 2))))
        page = "" if rng.random() < 0.9 else "&page=2"
        return f"/search?q={urllib.parse.quote(words)}{page}"

    def junk(self, rng: random.Random) -> tuple[str, str]:
        """A request no cache should keep: (path, Host header or "")."""
        token = "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(8, 40)))
        roll = rng.random()
        if roll < 0.25:
            return f"/?utm_source={rng.randrange(10**6)}", ""
        if roll < 0.45:
            return f"/?fbclid={token}", ""
        if roll < 0.65:
            name = "".join(rng.choices(string.ascii_lowercase, k=6))
            return f"{self.popular_post(rng)}?{name}={token}", ""
        if roll < 0.85:
            return f"/search?q={token}", ""
        path = "/" if rng.random() < 0.5 else self.popular_post(rng)
        return path, f"{token.lower()}.example"


# The clients -----------------------------------------------------------------------


class Pace:
    """Start something every ``1 / rate`` seconds on a fixed clock until ``end``.

    A client that fell more than a second behind skips ahead instead of
    bursting: the rate stays moderate even when the server is slow.
    """

    def __init__(self, rate: float, end: float, rng: random.Random):
        self.interval = 1 / rate
        self.end = end
        self.next = time.monotonic() + rng.random() * self.interval

    def wait(self) -> bool:
        now = time.monotonic()
        if self.next < now - 1:
            self.next = now
        if self.next >= self.end:
            return False
        time.sleep(max(0.0, self.next - now))
        self.next += self.interval
        return True


@dataclass
class Soak:
    server: Server
    site: Site
    recorder: Recorder
    end: float
    port: int
    notes: Counter = field(default_factory=Counter)  # things that happened, counted

    def reader(self, rate: float, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(self.port, "reader", self.recorder, keeps_cookies=False)
        pace = Pace(rate, self.end, rng)
        while pace.wait():
            browser.get(self.site.reader_path(rng))

    def cookie_reader(self, rate: float, seed: int) -> None:
        rng = random.Random(seed)
        pace = Pace(rate, self.end, rng)
        while pace.wait():
            browser = Browser(self.port, "cookie reader", self.recorder)
            browser.get(self.site.popular_post(rng))  # sets the session cookie
            for _ in range(rng.randint(3, 30)):
                if not pace.wait():
                    return
                browser.get(self.site.reader_path(rng))

    def crawler(self, rate: float, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(self.port, "crawler", self.recorder, keeps_cookies=False)
        pace = Pace(rate, self.end, rng)
        while pace.wait():
            answer = browser.get("/sitemap.xml")
            locs = LOC.findall(answer[2]) if answer and answer[0] == 200 else []
            queue = [urllib.parse.urlsplit(loc).path for loc in locs]
            self.notes["crawler passes started"] += 1
            while queue:
                if not pace.wait():
                    return
                answer = browser.get(queue.pop(0))
                older = NEXT_PAGE.search(answer[2]) if answer and answer[0] == 200 else None
                if older:  # the list's next page, as crawlers follow rel="next"
                    queue.append(html.unescape(older.group(1)))

    def junk(self, rate: float, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(self.port, "junk", self.recorder, keeps_cookies=False)
        pace = Pace(rate, self.end, rng)
        while pace.wait():
            path, host = self.site.junk(rng)
            browser.get(path, host=host)

    def commenter(self, rate: float, seed: int) -> None:
        """Each comment: open the post, post the form, follow the redirect (3 requests)."""
        rng = random.Random(seed)
        pace = Pace(rate / 3, self.end, rng)
        while pace.wait():
            browser = Browser(self.port, "commenter", self.recorder)
            answer = browser.get(self.site.popular_post(rng))
            if not answer or answer[0] != 200:
                continue
            action = COMMENT_ACTION.search(answer[2])
            tokens = dict(FORM_TOKENS.findall(answer[2]))
            if not action or set(tokens) != {"csrf_token", "issued"}:
                self.notes["commenter found no comment form"] += 1
                continue
            name = rng.choice(COMMENTER_NAMES)
            form = {
                **tokens,
                "phone": "",
                "comment": f"{comment_body(rng)} ({uuid.uuid4().hex[:8]})",
                "author": name,
                "email": f"{name.split()[-1]}@soak.example",
                "url": "",
            }
            answer = browser.request("POST", action.group(1), form)
            if answer and answer[0] == 303:
                self.notes["comments posted"] += 1
            elif answer:
                self.notes[f"comment POST answered {answer[0]}"] += 1
            browser.follow(answer)

    def author(self, approve_every: float, publish_every: float, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(self.port, "author", self.recorder)
        if not self.log_in(browser):
            self.notes["author could not log in"] += 1
            return
        next_approval = time.monotonic() + approve_every
        next_post = time.monotonic() + publish_every
        for number in itertools.count(1):
            wake = min(next_approval, next_post)
            if wake >= self.end:
                return
            time.sleep(max(0.0, wake - time.monotonic()))
            if next_approval <= next_post:
                next_approval += approve_every
                self.approve_one(browser)
            else:
                next_post += publish_every
                self.publish(browser, rng, number)

    def log_in(self, browser: Browser) -> bool:
        answer = browser.get("/login")
        tokens = dict(FORM_TOKENS.findall(answer[2])) if answer else {}
        form = {"csrf_token": tokens.get("csrf_token", ""), "username": AUTHOR,
                "password": AUTHOR_PASSWORD}  # fmt: skip
        browser.kind = "login"
        answer = browser.request("POST", "/login", form)
        browser.kind = "author"
        return bool(answer) and answer[0] in (302, 303)

    def approve_one(self, browser: Browser) -> None:
        """What the author does on the moderation screen: approve the newest held comment."""
        answer = browser.get("/admin/comments?status=pending")
        if not answer or answer[0] != 200:
            return
        action = APPROVE_ACTION.search(answer[2])
        tokens = dict(FORM_TOKENS.findall(answer[2]))
        if not action:
            self.notes["nothing to approve"] += 1
            return
        answer = browser.request("POST", action.group(1), {"csrf_token": tokens["csrf_token"]})
        self.notes["comments approved" if answer and answer[0] == 302 else "approval failed"] += 1
        browser.follow(answer)

    def publish(self, browser: Browser, rng: random.Random, number: int) -> None:
        answer = browser.get("/admin/posts/new")
        if not answer or answer[0] != 200:
            return
        tokens = dict(FORM_TOKENS.findall(answer[2]))
        slug = f"soak-{number}-{uuid.uuid4().hex[:6]}"
        form = {
            "csrf_token": tokens.get("csrf_token", ""),
            "title": f"Soak post {number}: {' '.join(rng.sample(WORDS[:16], 4))}",
            "slug": slug,
            "body": markdown_body(rng),
            "excerpt": "",
            "tags": "Soak, " + rng.choice(("Python", "Flask", "Notes", "Café")),
            "status": "published",
            "published_at": "",
            "allow_comments": "y",
            "save": "Save",
        }
        answer = browser.request("POST", "/admin/posts/new", form)
        if answer and answer[0] in (302, 303):
            self.notes["posts published"] += 1
            self.site.add_new_post(f"/{datetime.now(UTC):%Y/%m}/{slug}/")
        else:
            self.notes["publishing failed"] += 1
        browser.follow(answer)


# Watching the server ---------------------------------------------------------------


class StoreWatcher:
    """The page store's size: ``flask cache-stats``, or the size of instance/page-cache."""

    def __init__(self, env: dict[str, str], instance: Path):
        self.env = {**os.environ, **env}
        self.instance = instance
        self.has_command = True
        self.note = ""

    def sample(self) -> dict:
        if self.has_command:
            command = [sys.executable, "-m", "flask", "--app", "blog", "cache-stats"]
            try:
                done = subprocess.run(
                    command, cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=60
                )
            except subprocess.TimeoutExpired:
                self.note = "flask cache-stats timed out"
            else:
                if done.returncode == 0:
                    try:
                        return json.loads(done.stdout.strip().splitlines()[-1])
                    except (ValueError, IndexError):
                        self.note = f"cache-stats printed no JSON: {done.stdout[-200:]!r}"
                elif "No such command" in done.stderr:
                    self.has_command = False
                    self.note = "no `flask cache-stats`: the folder's size, entries unknown"
                else:
                    self.note = f"cache-stats failed: {done.stderr.strip()[-200:]}"
        folder = self.instance / "page-cache"
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        return {"entries": None, "bytes": size, "max_entries": None, "max_bytes": None}


@dataclass
class Row:
    minute: int
    seconds: float
    requests: int
    p50: float
    p95: float
    p99: float
    max: float
    reader_hits: float | None
    overall_hits: float | None
    store_bytes: int | None
    store_entries: int | None
    rss: dict[int, float]
    server_errors: int
    connection_errors: int


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def hit_rate(results: list[Result]) -> float | None:
    marked = [item.cache for item in results if item.cache in ("HIT", "MISS")]
    return marked.count("HIT") / len(marked) if marked else None


def make_row(minute: int, seconds: float, results: list[Result], store: dict, rss) -> Row:
    timings = [item.seconds * 1000 for item in results if item.kind not in UNTIMED_KINDS]
    return Row(
        minute=minute,
        seconds=seconds,
        requests=len(results),
        p50=percentile(timings, 0.50),
        p95=percentile(timings, 0.95),
        p99=percentile(timings, 0.99),
        max=max(timings, default=0.0),
        reader_hits=hit_rate([item for item in results if item.kind in READER_KINDS]),
        overall_hits=hit_rate(results),
        store_bytes=store.get("bytes"),
        store_entries=store.get("entries"),
        rss=rss,
        server_errors=sum(1 for item in results if item.status and item.status >= 500),
        connection_errors=sum(1 for item in results if item.status is None),
    )


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def number(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def row_cells(row: Row) -> list[str]:
    return [
        str(row.minute),
        f"{row.requests:,}",
        f"{row.requests / row.seconds:.1f}" if row.seconds else "0",
        f"{row.p50:.0f}",
        f"{row.p95:.0f}",
        f"{row.p99:.0f}",
        f"{row.max:.0f}",
        percent(row.reader_hits),
        percent(row.overall_hits),
        number(row.store_bytes),
        number(row.store_entries),
        " / ".join(f"{size:.0f}" for size in row.rss.values()) or "?",
        str(row.server_errors),
        str(row.connection_errors),
    ]


COLUMNS = ["minute", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
           "reader hits", "all hits", "store bytes", "entries", "worker RSS MB",
           "5xx", "conn errors"]  # fmt: skip


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def checks(rows: list[Row], results: list[Result], limits: dict) -> list[tuple[bool | None, str]]:
    """(passed, what) for each target; None when it could not be judged."""
    first, last = rows[0], rows[-1]
    timed = [item.seconds for item in results if item.kind not in UNTIMED_KINDS]
    slowest = max(timed, default=0.0) * 1000
    found: list[tuple[bool | None, str]] = [
        (
            last.p99 <= 1.5 * first.p99,
            f"p99 of the last minute within 1.5x of the first: {last.p99:.0f} ms vs "
            f"{first.p99:.0f} ms",
        ),
        (slowest <= 1000, f"no request over 1 s: the slowest took {slowest:.0f} ms"),
    ]
    if limits.get("max_bytes") is None:
        found.append((None, "store under its bound: unknown (no cache-stats, no bound known)"))
    else:
        biggest = max(row.store_bytes or 0 for row in rows)
        most = max(row.store_entries or 0 for row in rows)
        found.append(
            (
                biggest <= limits["max_bytes"] and most <= limits["max_entries"],
                f"store under its bound: at most {biggest:,} bytes of {limits['max_bytes']:,}, "
                f"{most:,} entries of {limits['max_entries']:,}",
            )
        )
    same = first.rss.keys() & last.rss.keys()
    if same:
        growth = {pid: last.rss[pid] / first.rss[pid] - 1 for pid in sorted(same)}
        found.append(
            (
                all(abs(change) <= 0.10 for change in growth.values()),
                "worker RSS flat within 10 % (last vs first minute): "
                + ", ".join(
                    f"{first.rss[pid]:.0f} -> {last.rss[pid]:.0f} MB ({change * 100:+.1f} %)"
                    for pid, change in growth.items()
                ),
            )
        )
    else:
        found.append((False, "worker RSS: no worker lived from the first minute to the last"))
    errors = sum(row.server_errors for row in rows)
    found.append((errors == 0, f"no 5xx: {errors}"))
    readers = hit_rate([item for item in results if item.kind in READER_KINDS])
    found.append(
        (
            None if readers is None else readers >= 0.90,
            f"reader hit rate at least 90 %: {percent(readers)} "
            f"(overall {percent(hit_rate(results))})",
        )
    )
    return found


def by_kind(results: list[Result]) -> str:
    """Where the time goes: each kind of client's requests, latency and statuses."""
    lines = [
        "| client | requests | p50 ms | p99 ms | max ms | hits | statuses |",
        "|---|---|---|---|---|---|---|",
    ]
    groups = defaultdict(list)
    for item in results:
        groups[item.kind].append(item)
    for kind, items in sorted(groups.items()):
        timings = [item.seconds * 1000 for item in items]
        statuses = Counter(item.status or item.error for item in items)
        lines.append(
            f"| {kind} | {len(items):,} | {percentile(timings, 0.5):.0f} | "
            f"{percentile(timings, 0.99):.0f} | {max(timings):.0f} | {percent(hit_rate(items))} | "
            + ", ".join(f"{status}: {count}" for status, count in statuses.most_common())
            + " |"
        )
    return "\n".join(lines)


# Running it ----------------------------------------------------------------------


def threads_for(soak: Soak, rate: float, args) -> list[threading.Thread]:
    clients = {
        "reader": soak.reader,
        "cookie reader": soak.cookie_reader,
        "crawler": soak.crawler,
        "junk": soak.junk,
        "commenter": soak.commenter,
    }
    threads = []
    for index, (kind, share) in enumerate(SHARES.items()):
        # The crawler walks alone, one page after another, like a real one.
        count = 1 if kind == "crawler" else max(1, round(rate * share / PER_THREAD_RATE))
        for number in range(count):
            target = clients[kind]
            threads.append(
                threading.Thread(
                    target=target,
                    args=(rate * share / count, 1000 * index + number + args.random_seed),
                    name=f"{kind} {number}",
                    daemon=True,
                )
            )
    threads.append(
        threading.Thread(
            target=soak.author,
            args=(args.approve_every, args.publish_every, args.random_seed),
            name="author",
            daemon=True,
        )
    )
    return threads


def run(url: str, folder: Path, args) -> tuple[list[Row], list[Result], dict, Soak, str]:
    instance = folder / "instance"
    instance.mkdir()
    env = {
        "DATABASE_URL": url,
        "BLOG_SECRET_KEY": SECRET_KEY,
        "BLOG_INSTANCE_PATH": str(instance),
        # The defaults otherwise: no TRUSTED_HOSTS, so made-up Host values are
        # answered (uncached) instead of refused, the harder case for the store.
        "BLOG_PREPARE_ON_START": "false",  # seeded, schema and all
        # The soak's own commenters are fast and all come from 127.0.0.1.
        "BLOG_COMMENT_RATE_LIMIT": "",
        "BLOG_COMMENT_MIN_SECONDS": "0",
        "PYTHONPATH": str(PROJECT),
    }
    log = folder / "gunicorn.log"
    server = start_server(
        "blog", "wsgi:app", env, WORKERS, PROJECT, config=PROJECT / "gunicorn.conf.py", log=log
    )
    store = StoreWatcher(env, instance)
    rows: list[Row] = []
    try:
        port = int(server.base_url.rsplit(":", 1)[1])
        sitemap = Browser(port, "setup", Recorder(), keeps_cookies=False).get("/sitemap.xml")
        if not sitemap or sitemap[0] != 200:
            raise SystemExit(f"no sitemap: {sitemap and sitemap[0]}")
        site = Site(sitemap[2], random.Random(args.random_seed), DEFAULTS.get("POSTS_PER_PAGE", 10))
        recorder = Recorder()
        start = time.monotonic()
        end = start + args.minutes * 60
        soak = Soak(server, site, recorder, end, port)
        threads = threads_for(soak, args.rate, args)
        for thread in threads:
            thread.start()
        limits: dict = {}
        intervals = max(1, math.ceil(args.minutes * 60 / args.interval - 1e-9))
        for index in range(intervals):
            begin = start + index * args.interval
            boundary = min(start + (index + 1) * args.interval, end)
            time.sleep(max(0.0, boundary - time.monotonic()))
            if index == intervals - 1:  # the last requests in flight are part of the last row
                for thread in threads:
                    thread.join(timeout=max(0.0, end + REQUEST_TIMEOUT + 5 - time.monotonic()))
                boundary = time.monotonic()
            rss = server.worker_rss()
            sample = store.sample()
            limits = {key: sample.get(key) for key in ("max_bytes", "max_entries")}
            row = make_row(index + 1, boundary - begin, recorder.between(begin, boundary),
                           sample, rss)  # fmt: skip
            rows.append(row)
            print(
                f"[{row.minute}] {row.requests:,} requests ({row.requests / row.seconds:.0f}/s), "
                f"p50/p95/p99/max {row.p50:.0f}/{row.p95:.0f}/{row.p99:.0f}/{row.max:.0f} ms, "
                f"hits: readers {percent(row.reader_hits)}, all {percent(row.overall_hits)}; "
                f"store {number(row.store_bytes)} bytes, {number(row.store_entries)} entries; "
                f"RSS {' / '.join(f'{size:.0f}' for size in rss.values())} MB; "
                f"5xx {row.server_errors}, connection errors {row.connection_errors}",
                flush=True,
            )
        alive = [thread.name for thread in threads if thread.is_alive()]
        if alive:
            soak.notes[f"clients still running at the end: {', '.join(alive)}"] += 1
        results = recorder.between(start, math.inf)
    finally:
        server.stop()
    if store.note:
        soak.notes[store.note] += 1
    return rows, results, limits, soak, log.read_text(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10, help="how long (0.2: a smoke run)")
    parser.add_argument("--rate", type=float, default=80, help="requests/s of all clients")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the checkout whose gunicorn.conf.py to serve"
    )
    parser.add_argument("--interval", type=float, default=60, help="seconds a report covers")
    parser.add_argument("--approve-every", type=float, default=10, help="seconds")
    parser.add_argument("--publish-every", type=float, default=60, help="seconds")
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if args.minutes <= 0 or args.rate <= 0 or args.interval <= 0:
        parser.error("--minutes, --rate and --interval must be positive")
    print(f"serving {PROJECT} (blog from {Path(blog.__file__).parent})", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(Path(folder), "soak", args.database_url) as url,
    ):
        seeded = seed(url, args.posts, args.comments)
        print(
            f"Seeded {seeded.posts:,} posts and {seeded.comments:,} comments in "
            f"{seeded.seconds:.1f} s.",
            file=sys.stderr,
        )
        rows, results, limits, soak, log = run(url, Path(folder), args)
    database = url.split(":", 1)[0].split("+")[0]
    print(
        f"\n{database}, {seeded.posts:,} posts, {seeded.comments:,} comments; gunicorn "
        f"{WORKERS} sync workers ({PROJECT}); {args.minutes:g} min at {args.rate:g} req/s asked, "
        f"{len(results) / max(sum(row.seconds for row in rows), 1e-9):.1f} req/s sent; "
        f"latency in ms; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n"
    )
    print(markdown_table(rows))
    print("\nBy client:\n")
    print(by_kind(results))
    timed = [item for item in results if item.kind not in UNTIMED_KINDS]
    slowest = sorted(timed, key=lambda item: item.seconds, reverse=True)[:5]
    print("\nSlowest: " + "; ".join(
        f"{item.seconds * 1000:.0f} ms {item.kind} {item.path[:60]} ({item.status or item.error})"
        for item in slowest
    ))  # fmt: skip
    print("Happened: " + (", ".join(f"{what}: {count}" for what, count in soak.notes.items())))
    print(f"Server log: {log.count('Traceback')} tracebacks, "
          f"{log.count('WORKER TIMEOUT')} worker timeouts")  # fmt: skip
    if "Traceback" in log:
        start = log.index("Traceback")
        print(log[start : start + 1500])
    print("\nTargets:")
    found = checks(rows, results, limits)
    for passed, what in found:
        print(f"- {'PASS' if passed else 'unknown' if passed is None else 'FAIL'}: {what}")
    if args.check and any(passed is False for passed, _ in found):
        sys.exit(1)


if __name__ == "__main__":
    main()
