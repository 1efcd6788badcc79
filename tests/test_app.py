"""Application-wide behaviour: error pages and database settings."""

import sqlalchemy as sa

from blog.extensions import db


def test_server_error_page_uses_the_layout(app, client):
    app.testing = False  # let the error handler answer instead of re-raising

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html and 'class="site-header"' in html
    assert "kaboom" not in html and "Traceback" not in html


def test_method_not_allowed_page_uses_the_layout(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "That page cannot be used this way." in response.get_data(as_text=True)


def test_oversized_request_is_refused_kindly(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"username": "x" * 5000})
    assert response.status_code == 413
    assert "too much to send at once" in response.get_data(as_text=True)


def test_sqlite_connections_are_tuned_for_several_workers(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"
            return
        with db.engine.connect() as connection:
            assert pragma(connection, "foreign_keys") == 1
            assert pragma(connection, "journal_mode") == "wal"
            assert pragma(connection, "busy_timeout") == 10000


def pragma(connection, name: str):
    return connection.execute(sa.text(f"PRAGMA {name}")).scalar()
