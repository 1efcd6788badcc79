"""The first start under gunicorn: secret key, schema and the first author."""

import os
import re
import stat
import subprocess
import sys
import urllib.request

from tests import live_server as live
from tests.databases import scratch_database
from tests.live_server import ROOT


def first_start(folder, database_url):
    port = live.free_port()
    env = live.server_env(folder, database_url, port)
    del env["BLOG_SECRET_KEY"]
    process = live.start_gunicorn(env, folder)
    try:
        live.wait_until_up(f"http://127.0.0.1:{port}/login", process, folder / "gunicorn.log")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            home = response.read().decode()
    finally:
        live.stop(process)
    return home, (folder / "gunicorn.log").read_text(), port


def test_first_start_prepares_everything_and_the_second_reuses_it(tmp_path):
    with scratch_database(tmp_path, "first") as url:
        home, log, port = first_start(tmp_path, url)
        assert "Nothing has been published yet." in home
        key_file = tmp_path / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text()
        match = re.search(r"Created the author 'admin' with the password: (\S+)", log)
        assert match, log
        assert f"Log in at http://127.0.0.1:{port}/login" in log
        assert log.count("with the password") == 1
        env = live.server_env(tmp_path, url, 0)
        check = live.flask(
            env, "shell", stdin="from blog.models import User; from blog.extensions import db; "
            f"print(db.session.scalar(db.select(User)).check_password({match.group(1)!r}))\n",
        )  # fmt: skip
        assert "True" in check.stdout

        _, second_log, _ = first_start(tmp_path, url)
        assert "with the password" not in second_log
        assert key_file.read_text() == key


def test_workers_do_not_load_the_migration_tools(tmp_path):
    """gunicorn's workers import wsgi.py; Alembic (about 12 MB a worker) stays out."""
    code = "import sys, wsgi; print(sorted({'alembic', 'flask_migrate'} & set(sys.modules)))"
    env = {**os.environ, "BLOG_INSTANCE_PATH": str(tmp_path), "BLOG_SECRET_KEY": "k" * 32}
    env.pop("BLOG_SERVING", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"
    upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "blog", "db", "current"],
                             cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    assert upgrade.returncode == 0, upgrade.stderr
