"""The benchmarks keep working (a tiny run; figures are for the bench, not for tests)."""

import subprocess
import sys

from tests.live_server import ROOT


def test_comment_post_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "comment_post.py"), "--count", "3"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 requests" in result.stdout and "median" in result.stdout
