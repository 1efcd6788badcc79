"""The benchmarks keep working (a tiny run; figures are for the bench, not for tests)."""

import json
import subprocess
import sys

import pytest

from tests.live_server import ROOT


def test_comment_post_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "comment_post.py"), "--count", "3"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 requests" in result.stdout and "median" in result.stdout


def test_mail_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mail.py"), "--count", "3"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "author mailed" in result.stdout and "6 messages in" in result.stdout


@pytest.mark.slow  # gunicorn and wrk for ~30 s: with the load tests, not the quick suite
def test_load_benchmark_runs_in_smoke_mode(tmp_path):
    """Seeds a tiny blog, serves it and hello world under gunicorn, loads both with wrk."""
    report = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--smoke", "--json", str(report)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(report.read_text())
    routes = {row["route"]: row for row in figures["summary"]}
    for route in ("home", "post, 0 comments", "post, 100 comments", "post, 500 comments",
                  "tag page", "search", "feed", "comment POST", "admin dashboard",
                  "home, cached", "home, 304"):  # fmt: skip
        assert routes[route]["rps"] > 0, route
        assert routes[route]["bad_responses"] == 0, route
        assert routes[route]["route"] in result.stdout
    assert figures["hello"]["rps"] > 0 and "vs hello" in result.stdout


def test_desk_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "desk.py")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "save through the editor" in result.stdout and "ms" in result.stdout
    assert "Traceback" not in result.stderr


def test_media_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "media.py"), "--width", "800", "--height", "600",
         "--count", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "median" in result.stdout and "before (the originals" in result.stdout
