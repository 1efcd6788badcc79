"""flask --app blog export / import: a lossless round trip."""

import io
import json
import tarfile

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from blog import create_app
from blog.backup import SKIPPED_TABLES
from blog.extensions import db
from blog.models import Comment, CommentStatus, PostStatus, User, utcnow
from tests.conftest import app_config, empty_database, table_rows
from tests.databases import scratch_database
from tests.test_media import upload


def all_rows(app) -> dict[str, list[tuple]]:
    return table_rows(app, skip=SKIPPED_TABLES)


@pytest.fixture
def full_blog(app, make_post):
    """Posts of every state, tags, and a thread with comments in every state."""
    published = make_post("Published ünïcode 🙂", body="Body <b>x</b>", tags=["One", "Two"])
    make_post("A draft", status=PostStatus.DRAFT, tags=["Two"])
    make_post("Scheduled", published_at=utcnow().replace(year=utcnow().year + 1))
    with app.app_context():
        parent = Comment(
            post_id=published,
            author_name="Ann",
            author_email="ann@example.com",
            author_ip="203.0.113.5",
            author_url="https://ann.example/",
            body="First!\n\nSecond paragraph",
            status=CommentStatus.APPROVED,
        )
        db.session.add(parent)
        db.session.flush()
        for status in ("pending", "spam", "trash", "approved"):
            db.session.add(
                Comment(
                    post_id=published,
                    parent_id=parent.id,
                    root_id=parent.id,
                    author_name=f"R {status}",
                    body=f"reply {status}",
                    status=status,
                )
            )
        db.session.commit()
    return app


@pytest.mark.parametrize("with_passwords", [False, True])
def test_export_then_import_into_an_empty_blog_gives_back_every_row(
    full_blog, runner, tmp_path, with_passwords
):
    backup = tmp_path / "backup.json"
    args = ["export", str(backup)] + (["--with-passwords"] if with_passwords else [])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "3 posts" in result.output and "5 comments" in result.output
    data = json.loads(backup.read_text(encoding="utf-8"))
    assert data["format"] == "flask-blog-backup" and data["version"] == 1
    hashes = [user["password_hash"] for user in data["users"]]
    assert all(hashes) if with_passwords else hashes == [None]

    with scratch_database(tmp_path, "restore") as url:
        target = create_app(app_config(url))
        with target.app_context():
            upgrade()
        result = target.test_cli_runner().invoke(args=["import", str(backup)])
        assert result.exit_code == 0, result.output
        original, restored = all_rows(full_blog), all_rows(target)
        if not with_passwords:
            original["users"] = [(*row[:3], None, *row[4:]) for row in original["users"]]
        assert restored == original
        # New rows continue after the restored ids.
        with target.app_context():
            post_id = original["posts"][0][0]
            comment = Comment(post_id=post_id, author_name="New", body="after restore")
            db.session.add(comment)
            db.session.commit()
            assert comment.id == max(row[0] for row in original["comments"]) + 1
            db.engine.dispose()


def test_a_backup_written_before_a_column_existed_restores_with_its_default(
    full_blog, runner, tmp_path
):
    backup = tmp_path / "backup.json"
    runner.invoke(args=["export", str(backup)])
    data = json.loads(backup.read_text(encoding="utf-8"))
    for record in data["comments"]:
        del record["held_reason"]  # added by the author's-desk migration
    backup.write_text(json.dumps(data), encoding="utf-8")
    with scratch_database(tmp_path, "old-backup") as url:
        target = create_app(app_config(url))
        with target.app_context():
            upgrade()
        result = target.test_cli_runner().invoke(args=["import", str(backup)])
        assert result.exit_code == 0, result.output
        assert all_rows(target)["comments"] == all_rows(full_blog)["comments"]
        with target.app_context():
            db.engine.dispose()


def test_import_refuses_a_database_that_is_not_empty(full_blog, runner, tmp_path):
    backup = tmp_path / "backup.json"
    runner.invoke(args=["export", str(backup)])
    result = runner.invoke(args=["import", str(backup)])
    assert result.exit_code != 0
    assert "not empty" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read"),
        ('{"format": "something else"}', "not a backup of this blog"),
        ('{"format": "flask-blog-backup", "version": 99}', "version 99 is not supported"),
        ('{"format": "flask-blog-backup", "version": 1, "users": [{"id": 1}]}', "could not be"),
    ],
)
def test_import_refuses_bad_files_and_writes_nothing(app, runner, tmp_path, content, message):
    backup = tmp_path / "bad.json"
    backup.write_text(content)
    result = runner.invoke(args=["import", str(backup)])
    assert result.exit_code != 0
    assert message in result.output
    assert all(rows == [] for rows in all_rows(app).values())


def test_with_media_the_files_come_back_too(app, client, auth, runner, tmp_path):
    auth.login()
    upload(client)
    backup = tmp_path / "backup.json"
    result = runner.invoke(args=["export", str(backup), "--with-media"])
    assert result.exit_code == 0, result.output
    assert "Exported 4 media files" in result.output
    original = app.extensions["media_storage"]
    files = {name: original.read(name) for name in original.names()}

    with scratch_database(tmp_path, "restore") as url:
        target = create_app(app_config(url, MEDIA_STORAGE=str(tmp_path / "restored")))
        with target.app_context():
            upgrade()
        result = target.test_cli_runner().invoke(args=["import", str(backup)])
        assert result.exit_code == 0, result.output
        assert "Imported 4 media files" in result.output
        assert all_rows(target)["media_items"] == all_rows(app)["media_items"]
        restored = target.extensions["media_storage"]
        assert {name: restored.read(name) for name in restored.names()} == files
        with target.app_context():
            db.engine.dispose()


def test_an_archive_member_outside_the_store_is_refused(app, runner, tmp_path):
    backup = tmp_path / "backup.json"
    runner.invoke(args=["export", str(backup)])
    with tarfile.open(tmp_path / "backup.json.media.tar", "w") as tar:
        member = tarfile.TarInfo("../../escaped.txt")
        member.size = 3
        tar.addfile(member, io.BytesIO(b"bad"))
    empty_database(app)
    result = runner.invoke(args=["import", str(backup)])
    assert result.exit_code != 0 and "is not a media file of this blog" in result.output
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_users_of_a_backup_from_before_roles_are_administrators(full_blog, runner, tmp_path):
    """As the migration does: whoever could log in then could do everything."""
    backup = tmp_path / "backup.json"
    runner.invoke(args=["export", str(backup)])
    data = json.loads(backup.read_text(encoding="utf-8"))
    for record in data["users"]:
        del record["role"]
    backup.write_text(json.dumps(data), encoding="utf-8")
    with scratch_database(tmp_path, "before-roles") as url:
        target = create_app(app_config(url))
        with target.app_context():
            upgrade()
        result = target.test_cli_runner().invoke(args=["import", str(backup)])
        assert result.exit_code == 0, result.output
        with target.app_context():
            roles = set(db.session.scalars(sa.select(User.role)))
            db.engine.dispose()
    assert roles == {"administrator"}
