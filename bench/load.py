"""Throughput of the blog under gunicorn, side by side with a bare Flask "hello world".

    .venv/bin/python bench/load.py                       # SQLite, 1,000 posts, 20,000 comments
    .venv/bin/python bench/load.py --database-url postgresql://root@127.0.0.1:5432/test
    .venv/bin/python bench/load.py --posts 100000 --comments 1000000 --seconds 10
    .venv/bin/python bench/load.py --smoke                # half a minute: does it still work?

Seeds a fresh blog (bench/seed.py), then starts three servers with the
production gunicorn.conf.py (sync workers, access log off, the same worker
count): the blog without its page cache, the blog with it, and bench/hello.py.
The load generator is wrk (Debian package ``wrk``). Every measurement of a
route is paired with a measurement of hello world taken just before it, so
the ratio compares like with like even when the machine's load drifts;
several repetitions, medians reported. CPU is the servers' own user+system
time (master and workers, from /proc) divided by the requests served.

Prints one table and writes every raw figure as JSON (``--json``).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _common import SECRET_KEY, Server, start_server  # noqa: E402
from comment_post import two_kilobyte_comment  # noqa: E402
from flask import session  # noqa: E402
from flask_wtf.csrf import generate_csrf  # noqa: E402
from seed import AUTHOR, AUTHOR_PASSWORD, SeededBlog, seed  # noqa: E402

from blog import create_app  # noqa: E402
from blog.comments.forms import CommentForm  # noqa: E402
from blog.extensions import db  # noqa: E402
from blog.models import Post  # noqa: E402
from tests.databases import scratch_database  # noqa: E402

HIDDEN_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')


@dataclass
class Scenario:
    name: str
    server: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)  # wrk -s SCRIPT -- ARGS


def seconds(value: str, unit: str) -> float:
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(url: str, duration: int, connections: int, scenario: Scenario) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in scenario.headers.items():
        command += ["-H", f"{name}: {value}"]
    if scenario.script:
        command += ["-s", scenario.script[0], url, "--", *scenario.script[1:]]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))

    def in_ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
        return seconds(value, unit) * 1000

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": in_ms(latency["50"]),
        "p99_ms": in_ms(latency["99"]),
        "bad_responses": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def measure(server: Server, scenario: Scenario, duration: int, connections: int) -> dict:
    before = server.cpu_seconds()
    figures = run_wrk(server.base_url + scenario.path, duration, connections, scenario)
    cpu = server.cpu_seconds() - before
    server.requests += figures["requests"]
    figures["cpu_ms_per_request"] = cpu * 1000 / max(figures["requests"], 1)
    return figures


def comment_forms(url: str, post_id: int, count: int, folder: Path) -> Path:
    """``count`` filled-in comment forms, each from a different new reader."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    signer = app.session_interface.get_signing_serializer(app)
    path = folder / "comment-forms.tsv"
    with path.open("w") as lines:
        for number in range(count):
            with app.test_request_context("/"):
                token = generate_csrf()
                form = CommentForm(meta={"csrf": False})
                form.stamp()
                cookie = f"{cookie_name}={signer.dumps(dict(session))}"
            body = urllib.parse.urlencode(
                {
                    "csrf_token": token,
                    "issued": form.issued.data,
                    "phone": "",
                    "comment": f"{two_kilobyte_comment(number)} #{number}",
                    "author": f"Reader {number}",
                    "email": f"reader{number}@example.com",
                    "url": "https://example.net/",
                }
            )
            lines.write(f"{cookie}\t{body}\n")
    return path


def author_cookie(server: Server) -> str:
    """Log in as the bench author over HTTP, as a browser would."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(server.base_url + "/login").read().decode()
    form = {
        "csrf_token": HIDDEN_CSRF.search(page).group(1),
        "username": AUTHOR,
        "password": AUTHOR_PASSWORD,
    }
    opener.open(server.base_url + "/login", urllib.parse.urlencode(form).encode())
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def etag(server: Server, path: str) -> str:
    return urllib.request.urlopen(server.base_url + path).headers["ETag"]


def scenarios(blog: SeededBlog, servers: dict, post_id: int, forms: Path) -> list[Scenario]:
    pages = {
        "home": "/",
        **{f"post, {count} comments": path for count, path in blog.special_paths.items()},
        "tag page": blog.tag_path,
        # The newest year: a full page of posts on a small blog too (a month may not be).
        "archive": blog.special_paths[500][:6],
        "search": f"/search?q={blog.search_query}",
        "feed": "/feed/",
    }
    listed = [Scenario(name, "blog", path) for name, path in pages.items()]
    listed.append(
        Scenario(
            "comment POST",
            "blog",
            f"/posts/{post_id}/comments",
            script=[str(BENCH / "post_comments.lua"), str(forms)],
        )
    )
    listed.append(
        Scenario(
            "admin dashboard", "blog", "/admin/", headers={"Cookie": author_cookie(servers["blog"])}
        )
    )
    listed += [Scenario(f"{name}, cached", "cached", path) for name, path in pages.items()]
    for name in ("home", "post, 10 comments", "tag page", "feed"):
        path = pages[name]
        listed.append(
            Scenario(
                f"{name}, 304",
                "cached",
                path,
                headers={"If-None-Match": etag(servers["cached"], path)},
            )
        )
    return listed


def run(blog: SeededBlog, args, folder: Path) -> dict:
    app_env = {
        "DATABASE_URL": blog.url,
        "BLOG_SECRET_KEY": SECRET_KEY,
        "BLOG_INSTANCE_PATH": str(folder),
        "BLOG_PRODUCTION": "true",
        "BLOG_TRUSTED_HOSTS": "127.0.0.1",
        "BLOG_COMMENT_RATE_LIMIT": "",
        "BLOG_COMMENT_MIN_SECONDS": "0",
        "BLOG_PREPARE_ON_START": "false",
    }
    servers = {
        "hello": start_server(
            "hello", "hello:app", {"BLOG_PREPARE_ON_START": "false"}, args.workers, BENCH
        ),
        "blog": start_server(
            "blog", "wsgi:app", {**app_env, "BLOG_PAGE_CACHE": "false"}, args.workers, ROOT
        ),
        "cached": start_server(
            "cached", "wsgi:app", {**app_env, "BLOG_PAGE_CACHE": "true"}, args.workers, ROOT
        ),
    }
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": blog.url, "SECRET_KEY": SECRET_KEY})
        with app.app_context():
            post_id = db.session.scalar(sa.select(Post.id).where(Post.slug == "bench-10-comments"))
            db.engine.dispose()
        forms = comment_forms(blog.url, post_id, args.forms, folder)
        listed = scenarios(blog, servers, post_id, forms)
        if args.only:
            listed = [scenario for scenario in listed if scenario.name in args.only]
        load_before = os.getloadavg()
        raw = {scenario.name: [] for scenario in listed}
        hello = Scenario("hello world", "hello", "/")
        # The smoke run measures hello world once; real runs pair it with every route.
        once = (
            measure(servers["hello"], hello, args.seconds, args.connections) if args.smoke else None
        )
        for repetition in range(args.repetitions):
            for scenario in listed:
                baseline = once or measure(servers["hello"], hello, args.seconds, args.connections)
                figures = measure(
                    servers[scenario.server], scenario, args.seconds, args.connections
                )
                raw[scenario.name].append({"hello": baseline, "route": figures})
                print(
                    f"  [{repetition + 1}/{args.repetitions}] {scenario.name}: "
                    f"{figures['rps']:.0f} req/s (hello {baseline['rps']:.0f})",
                    file=sys.stderr,
                )
        memory = {name: servers[name].worker_rss_mb() for name in ("blog", "cached")}
        served = {name: server.requests for name, server in servers.items()}
        load_after = os.getloadavg()
    finally:
        for server in servers.values():
            server.stop()
    return {
        "raw": raw,
        "worker_rss_mb": memory,
        "requests_served": served,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def summarize(raw: dict) -> list[dict]:
    rows = []
    for name, runs in raw.items():

        def median(side: str, key: str) -> float:
            return statistics.median(run[side][key] for run in runs)  # noqa: B023

        rows.append(
            {
                "route": name,
                "rps": median("route", "rps"),
                "p50_ms": median("route", "p50_ms"),
                "p99_ms": median("route", "p99_ms"),
                "cpu_ms_per_request": median("route", "cpu_ms_per_request"),
                "hello_rps": median("hello", "rps"),
                "ratio": statistics.median(
                    run["route"]["rps"] / run["hello"]["rps"] for run in runs
                ),
                "bad_responses": sum(run["route"]["bad_responses"] for run in runs),
            }
        )
    return rows


def table(rows: list[dict], hello: dict) -> str:
    lines = [
        f"{'route':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11} {'vs hello':>9}"
    ]
    lines.append(
        f"{'hello world':<28} {hello['rps']:>8.0f} {hello['p50_ms']:>8.2f} "
        f"{hello['p99_ms']:>8.2f} {hello['cpu_ms_per_request']:>11.2f} {'100 %':>9}"
    )
    for row in rows:
        flag = f"  ({row['bad_responses']} bad responses)" if row["bad_responses"] else ""
        lines.append(
            f"{row['route']:<28} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['cpu_ms_per_request']:>11.2f} "
            f"{row['ratio'] * 100:>7.1f} %{flag}"
        )
    return "\n".join(lines)


def hello_summary(raw: dict) -> dict:
    runs = [run["hello"] for runs in raw.values() for run in runs]
    keys = ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")
    return {key: statistics.median(run[key] for run in runs) for key in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--forms", type=int, default=4000, help="distinct comment forms")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "load.json")
    parser.add_argument("--only", action="append", help="measure only this route (repeatable)")
    parser.add_argument("--smoke", action="store_true", help="tiny blog, 1 s runs, once")
    args = parser.parse_args()
    if args.smoke:
        args.posts, args.comments, args.seconds, args.repetitions, args.forms = 10, 700, 1, 1, 200
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(Path(folder), "load", args.database_url) as url,
    ):
        blog = seed(url, args.posts, args.comments)
        print(
            f"Seeded {blog.posts:,} posts and {blog.comments:,} comments in {blog.seconds:.1f} s.",
            file=sys.stderr,
        )
        results = run(blog, args, Path(folder))
    rows = summarize(results["raw"])
    hello = hello_summary(results["raw"])
    database = url.split(":", 1)[0].split("+")[0]
    print(
        f"\n{database}, {blog.posts:,} posts, {blog.comments:,} comments; gunicorn "
        f"{args.workers} sync workers; wrk 1 thread, {args.connections} connections, "
        f"{args.seconds} s x {args.repetitions}; medians"
    )
    print(table(rows, hello))
    rss = results["worker_rss_mb"]
    print(
        f"worker RSS after {results['requests_served']['cached']:,} + "
        f"{results['requests_served']['blog']:,} requests: cached "
        f"{', '.join(f'{size:.0f}' for size in rss['cached'])} MB; uncached "
        f"{', '.join(f'{size:.0f}' for size in rss['blog'])} MB"
    )
    print(
        f"load average before/after: {results['load_average_before'][0]:.2f} / "
        f"{results['load_average_after'][0]:.2f} on {os.cpu_count()} cores"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "database": database,
        "posts": blog.posts,
        "comments": blog.comments,
        "settings": {key: value for key, value in vars(args).items() if key != "json"},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "hello": hello,
        "summary": rows,
        **results,
    }
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print(f"raw figures: {args.json}")


if __name__ == "__main__":
    main()
