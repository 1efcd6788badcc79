"""The soak benchmark keeps working: 20 seconds on a tiny blog (figures are for the bench)."""

import re
import subprocess
import sys

import pytest

from tests.live_server import ROOT

pytestmark = pytest.mark.slow

CLIENTS = ("reader", "cookie reader", "crawler", "junk", "commenter", "author")


def test_soak_benchmark_runs_briefly():
    """Seeds 30 posts, serves them under gunicorn and sends every kind of client for 20 s."""
    command = [sys.executable, str(ROOT / "bench" / "soak.py"), "--minutes", "0.33",
               "--posts", "30", "--comments", "300", "--interval", "5"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout
    assert "| minute | requests | req/s | p50 ms |" in output
    rows = re.findall(r"^\| (\d+) \| ([\d,]+) \|.*\| (\d+) \| (\d+) \|$", output, re.MULTILINE)
    assert len(rows) == 4, output  # 20 s in intervals of 5 s
    assert all(int(requests.replace(",", "")) > 0 for _, requests, _, _ in rows)
    assert all(server_errors == "0" for *_, server_errors, _ in rows), output
    assert "- PASS: no 5xx: 0" in output
    for client in CLIENTS:
        assert re.search(rf"^\| {client} \| [\d,]+ \|", output, re.MULTILINE), client
    assert re.search(r"comments posted: \d+", output), output
    assert "comments approved: " in output, output
    assert "Server log: 0 tracebacks" in output
