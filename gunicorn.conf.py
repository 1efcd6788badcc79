"""gunicorn settings; each can be changed by environment variable.

The schema is upgraded once here, in the master before it forks, so
workers never race each other to migrate at start-up.
"""

import multiprocessing
import os

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
    from blog import create_app
    from blog.database import prepare_site

    prepare_site(create_app(), base_url=f"http://{server.cfg.bind[0]}")
