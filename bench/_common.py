"""What the benchmarks that serve the blog under gunicorn share: starting it, watching it."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-load-secret-key-not-for-production-use-0123456789"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base_url: str
    requests: int = 0

    def pids(self) -> list[int]:
        """The master, then its children: the workers."""
        workers: list[int] = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                workers += map(int, children.read_text().split())
            except FileNotFoundError:  # a thread that just ended
                continue
        return [self.process.pid, *sorted(workers)]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS

    def worker_rss(self) -> dict[int, float]:
        """Each worker's resident memory in MB, by pid (a worker gone meanwhile is left out)."""
        sizes = {}
        for pid in self.pids()[1:]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            sizes[pid] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        return sizes

    def worker_rss_mb(self) -> list[float]:
        return list(self.worker_rss().values())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    name: str,
    app: str,
    env: dict[str, str],
    workers: int,
    cwd: Path,
    config: Path = ROOT / "gunicorn.conf.py",
    log: Path | None = None,
) -> Server:
    """gunicorn with ``config`` on a free localhost port, once it answers.

    Its error log goes to ``log`` when given (else to our stderr).
    """
    port = free_port()
    environment = {
        **os.environ,
        **env,
        "BLOG_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "BLOG_ACCESS_LOG": "",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), app]
    errors = log.open("w") if log else None  # the child keeps its own copy of the descriptor
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=errors
        )
    finally:
        if errors:
            errors.close()
    server = Server(name, process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} did not start (exit {process.returncode})")
        try:
            urllib.request.urlopen(server.base_url + "/robots.txt", timeout=2)
            time.sleep(0.5)  # every worker booted
            return server
        except OSError as error:
            if getattr(error, "code", None) == 404:  # hello world has no robots.txt
                return server
            time.sleep(0.2)
    raise SystemExit(f"{name} did not answer within 60 s")


def keep_cookies(jar: dict[str, str], set_cookie_headers: list[str]) -> None:
    """Keep the cookies a response sets and drop the ones it deletes, as a browser does."""
    for header in set_cookie_headers:
        cookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            continue
        for name, morsel in cookie.items():
            if morsel.value and morsel["max-age"] != "0":
                jar[name] = morsel.value
            else:
                jar.pop(name, None)
