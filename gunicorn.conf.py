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
# gunicorn would take SCRIPT_NAME and PATH_INFO request headers, and the scheme
# from X-Forwarded-Proto, from any client at those addresses (any local program,
# or a proxy that passes them on): one such request could move every link of a
# stored page. The blog reads forwarded headers itself, and only when told to
# (BLOG_PROXY_FIX_HOPS, BLOG_HTTPS); an operator who needs gunicorn's can name them.
forwarder_headers = os.environ.get("BLOG_FORWARDER_HEADERS", "")
secure_scheme_headers = {}


def on_starting(server) -> None:
    if os.environ.get("BLOG_PREPARE_ON_START", "true").lower() in ("0", "false", "no"):
        return
    # In a child process: the master then never loads the app, the migrations
    # or their libraries, and the workers it forks do not inherit them.
    init = [sys.executable, "-m", "flask", "--app", "blog", "init"]
    subprocess.run([*init, "--base-url", f"http://{server.cfg.bind[0]}"], check=True)  # noqa: S603


# The mail worker (blog/mail/): one process beside the web workers, so mail
# is sent without an extra command. It stops at once when no mail server is
# configured. Production with several machines runs `flask --app blog
# mail-worker` instead (BLOG_MAIL_WORKER=false here); several are safe.
mail_worker = None


def when_ready(server) -> None:
    global mail_worker
    if os.environ.get("BLOG_MAIL_WORKER", "true").lower() in ("0", "false", "no"):
        return
    command = [sys.executable, "-m", "flask", "--app", "blog", "mail-worker"]
    # From this file's folder, the project root: the blog it imports is the one served.
    root = os.path.dirname(os.path.abspath(__file__))
    mail_worker = subprocess.Popen(command, cwd=root)  # noqa: S603


def on_exit(server) -> None:
    if mail_worker is not None and mail_worker.poll() is None:
        mail_worker.terminate()
        mail_worker.wait(timeout=30)
