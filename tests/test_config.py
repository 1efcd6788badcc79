"""create_app's configuration: defaults, instance/config.py, BLOG_* variables."""

import os
import stat
from pathlib import Path

import pytest

from blog import PROJECT_ROOT, config, create_app
from blog.extensions import db
from tests import conftest


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No BLOG_* or DATABASE_URL from the outer environment leaks into a test."""
    for name in list(os.environ):
        if name.startswith("BLOG_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """An empty instance folder that create_app(None) will use."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(folder))
    return folder


def production_app():
    """create_app as gunicorn calls it: no test config."""
    return create_app(None)


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


# --- order of sources -------------------------------------------------------


def test_defaults(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    app = production_app()
    for key, value in config.DEFAULTS.items():
        assert app.config[key] == value, key
    assert app.config["SITE_TITLE"] == "My Blog"
    assert app.config["POSTS_PER_PAGE"] == 10
    assert app.instance_path == str(instance)


def test_rate_limits_count_in_the_instance_folder_by_default(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    app = production_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == f"diskcache://{instance / 'ratelimit'}"
    monkeypatch.setenv("BLOG_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    assert production_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_instance_config_file_overrides_defaults(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    (instance / "config.py").write_text(
        'SITE_TITLE = "From the file"\nPOSTS_PER_PAGE = 7\nSITE_TAGLINE = "File tagline"\n'
    )
    app = production_app()
    assert app.config["SITE_TITLE"] == "From the file"
    assert app.config["POSTS_PER_PAGE"] == 7
    assert app.config["SITE_TAGLINE"] == "File tagline"
    # Keys the file does not name keep their defaults.
    assert app.config["LANGUAGE"] == "en"
    assert app.config["TIME_ZONE"] == "UTC"


def test_environment_overrides_instance_config_file(instance, monkeypatch):
    (instance / "config.py").write_text(
        'SITE_TITLE = "From the file"\nPOSTS_PER_PAGE = 7\nSITE_TAGLINE = "File tagline"\n'
    )
    monkeypatch.setenv("BLOG_SITE_TITLE", "From the environment")
    monkeypatch.setenv("BLOG_POSTS_PER_PAGE", "3")
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    app = production_app()
    assert app.config["SITE_TITLE"] == "From the environment"
    assert app.config["POSTS_PER_PAGE"] == 3
    assert isinstance(app.config["POSTS_PER_PAGE"], int)
    # The file still supplies what the environment does not.
    assert app.config["SITE_TAGLINE"] == "File tagline"
    assert app.config["LANGUAGE"] == "en"


def test_environment_values_are_parsed_as_json(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    monkeypatch.setenv("BLOG_POSTS_PER_PAGE", "3")
    monkeypatch.setenv("BLOG_REMEMBER_COOKIE_HTTPONLY", "false")
    monkeypatch.setenv("BLOG_SITE_DESCRIPTION", "Notes on Flask, SQL and HTML")
    app = production_app()
    assert app.config["POSTS_PER_PAGE"] == 3
    assert type(app.config["POSTS_PER_PAGE"]) is int
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is False
    assert app.config["SITE_DESCRIPTION"] == "Notes on Flask, SQL and HTML"


def test_environment_overrides_defaults_without_config_file(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    monkeypatch.setenv("BLOG_SITE_TITLE", "Env title")
    app = production_app()
    assert app.config["SITE_TITLE"] == "Env title"
    assert app.config["POSTS_PER_PAGE"] == 10


def test_test_config_replaces_file_and_environment(instance, monkeypatch, database_url):
    (instance / "config.py").write_text('SITE_TITLE = "From the file"\n')
    monkeypatch.setenv("BLOG_SITE_TITLE", "From the environment")
    app = create_app(conftest.app_config(database_url, POSTS_PER_PAGE=2))
    assert app.config["SITE_TITLE"] == "My Blog"
    assert app.config["POSTS_PER_PAGE"] == 2
    assert app.config["TESTING"] is True


# --- database URL -----------------------------------------------------------


def test_default_database_is_sqlite_in_the_instance_folder(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    app = production_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(instance / "blog.sqlite3")
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
        assert db.engine.url.database == str(instance / "blog.sqlite3")


def test_database_url_from_environment(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/elsewhere/blog.db")
    app = production_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/elsewhere/blog.db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://blog:pw@db.example:5432/blog",
            "postgresql+psycopg://blog:pw@db.example:5432/blog",
        ),
        ("postgresql://blog:pw@db.example/blog", "postgresql+psycopg://blog:pw@db.example/blog"),
        ("postgresql+psycopg://blog@db.example/blog", "postgresql+psycopg://blog@db.example/blog"),
    ],
)
def test_postgres_database_url_is_normalized(instance, monkeypatch, given, expected):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    monkeypatch.setenv("DATABASE_URL", given)
    app = production_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("mysql://u@h/d", "mysql://u@h/d"),
    ],
)
def test_normalize_database_url(given, expected):
    assert config.normalize_database_url(given) == expected


def test_database_url_in_instance_config_is_normalized(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    (instance / "config.py").write_text(
        'SQLALCHEMY_DATABASE_URI = "postgres://blog@db.example/blog"\n'
    )
    app = production_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://blog@db.example/blog"


def test_database_url_in_test_config_is_normalized(instance):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgres://u@h/d"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/d"


# --- secret key -------------------------------------------------------------


def test_secret_key_file_is_created_with_mode_0600(instance):
    key_file = instance / "secret_key"
    assert not key_file.exists()
    app = production_app()
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = app.config["SECRET_KEY"]
    assert key == key_file.read_text().strip()
    assert len(key) >= 32
    dispose(app)


def test_secret_key_file_is_created_even_with_a_loose_umask(instance):
    old_umask = os.umask(0)
    try:
        production_app()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600


def test_secret_key_file_is_reused(instance):
    first = production_app().config["SECRET_KEY"]
    content = (instance / "secret_key").read_text()
    second = production_app().config["SECRET_KEY"]
    assert first == second
    assert (instance / "secret_key").read_text() == content


def test_secret_key_differs_between_sites(tmp_path, monkeypatch):
    keys = []
    for name in ("one", "two"):
        monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path / name))
        keys.append(production_app().config["SECRET_KEY"])
    assert keys[0] != keys[1]


def test_secret_key_file_is_created_in_a_missing_instance_folder(tmp_path, monkeypatch):
    folder = tmp_path / "does" / "not" / "exist"
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(folder))
    app = production_app()
    assert app.config["SECRET_KEY"] == (folder / "secret_key").read_text().strip()


def test_secret_key_from_environment_wins_over_the_file(instance, monkeypatch):
    from_file = production_app().config["SECRET_KEY"]
    monkeypatch.setenv("BLOG_SECRET_KEY", "a key from the environment")
    app = production_app()
    assert app.config["SECRET_KEY"] == "a key from the environment"
    assert app.config["SECRET_KEY"] != from_file
    # The file is left alone.
    assert (instance / "secret_key").read_text().strip() == from_file


@pytest.mark.parametrize("key", ["a key from the environment", "12345678901234567890"])
def test_secret_key_from_environment_signs_sessions(instance, monkeypatch, database_url, key):
    # BLOG_* values are parsed as JSON, but a secret key is always a string:
    # one made only of digits must not turn into an int that itsdangerous refuses.
    monkeypatch.setenv("BLOG_SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = production_app()
    try:
        assert app.config["SECRET_KEY"] == key
        page = app.test_client().get("/login")
        assert page.status_code == 200
        assert 'name="csrf_token"' in page.get_data(as_text=True)
    finally:
        dispose(app)


def test_secret_key_from_environment_creates_no_file(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY", "a key from the environment")
    app = production_app()
    assert app.config["SECRET_KEY"] == "a key from the environment"
    assert not (instance / "secret_key").exists()


def test_secret_key_from_instance_config_wins_over_the_file(instance):
    (instance / "config.py").write_text('SECRET_KEY = "a key from the file"\n')
    app = production_app()
    assert app.config["SECRET_KEY"] == "a key from the file"
    assert not (instance / "secret_key").exists()


def test_secret_key_file_name_is_configurable(instance, monkeypatch):
    monkeypatch.setenv("BLOG_SECRET_KEY_FILE", "other_key")
    app = production_app()
    assert app.config["SECRET_KEY"] == (instance / "other_key").read_text().strip()
    assert not (instance / "secret_key").exists()


# --- paths ------------------------------------------------------------------


def test_instance_path_defaults_to_the_project(database_url):
    app = create_app(conftest.app_config(database_url))
    assert app.instance_path == str(PROJECT_ROOT / "instance")


def test_templates_and_static_files_are_found_from_another_directory(
    tmp_path, monkeypatch, database_url
):
    monkeypatch.chdir(tmp_path)
    assert Path.cwd() == tmp_path
    app = create_app(conftest.app_config(database_url, SITE_TITLE="Far Away Blog"))
    try:
        client = app.test_client()
        page = client.get("/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Far Away Blog" in html
        assert "/static/css/blog.css" in html
        css = client.get("/static/css/blog.css")
        assert css.status_code == 200
        assert css.get_data() == (PROJECT_ROOT / "static" / "css" / "blog.css").read_bytes()
        css.close()
        icon = client.get("/static/favicon.svg")
        assert icon.status_code == 200
        icon.close()
    finally:
        dispose(app)


def test_production_app_runs_from_another_directory(tmp_path, monkeypatch, database_url):
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BLOG_SITE_TITLE", "Env Blog")
    app = production_app()
    try:
        page = app.test_client().get("/")
        assert page.status_code == 200
        assert "Env Blog" in page.get_data(as_text=True)
    finally:
        dispose(app)
    assert (tmp_path / "instance" / "secret_key").is_file()
    assert list(workdir.iterdir()) == []


def test_database_url_in_the_environment_beats_instance_config(monkeypatch, tmp_path):
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BLOG_SECRET_KEY", "k")
    (tmp_path / "config.py").write_text('SQLALCHEMY_DATABASE_URI = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-file.db"
