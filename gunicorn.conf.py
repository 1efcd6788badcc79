"""gunicorn settings; each can be changed by environment variable.

The schema is upgraded once here, before the master forks, so workers
never race each other to migrate at start-up.
"""

import multiprocessing
import os
import subprocess
import sys

bind = os.environ.get("BLOG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = int(os.environ.get("BLOG_TIMEOUT", 30))
accesslog = os.environ.get("BLOG_ACCESS_LOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server) -> None:
    if os.environ.get("BLOG_PREPARE_ON_START", "true").lower() in ("0", "false", "no"):
        return
    # In a child process: the master then never loads the app, the migrations
    # or their libraries, and the workers it forks do not inherit them.
    init = [sys.executable, "-m", "flask", "--app", "blog", "init"]
    subprocess.run([*init, "--base-url", f"http://{server.cfg.bind[0]}"], check=True)  # noqa: S603
