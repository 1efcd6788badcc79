"""The blog under gunicorn on a free localhost port, as production runs it."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LiveServer:
    url: str
    database_url: str
    env: dict


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(folder: Path, database_url: str, port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
    env.update(
        DATABASE_URL=database_url,
        BLOG_SECRET_KEY="live test secret, not for production",
        BLOG_INSTANCE_PATH=str(folder),
        BLOG_BIND=f"127.0.0.1:{port}",
        BLOG_ACCESS_LOG="",
        WEB_CONCURRENCY="2",
        # Browsers driven by tests type faster than people and all come from 127.0.0.1.
        BLOG_COMMENT_MIN_SECONDS="0",
        BLOG_COMMENT_RATE_LIMIT="",
    )
    return env


def flask(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "blog", *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip


def start_gunicorn(env: dict, folder: Path) -> subprocess.Popen:
    """gunicorn with the project's config, run from another folder on purpose."""
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115  (closed by stop())
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--pythonpath", str(ROOT), "wsgi:app"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (localhost)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def blog_server(
    folder: Path, database_url: str, password: str, **settings: str
) -> Iterator[LiveServer]:
    """The blog under gunicorn with its schema and one author, until the block ends.

    ``settings`` are added to its environment (e.g. ``BLOG_SESSION_IDLE_MINUTES``).
    """
    port = free_port()
    env = {**server_env(folder, database_url, port), **settings}
    flask(env, "db", "upgrade")
    flask(
        env, "create-user", "author", "--display-name", "Ada Author", "--password-stdin",
        stdin=password + "\n",
    )  # fmt: skip
    process = start_gunicorn(env, folder)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, folder / "gunicorn.log")
        yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url, env=env)
    finally:
        stop(process)
