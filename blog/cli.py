"""Commands for the operator: ``flask --app blog <command>``."""

import json
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from blog import backup, pagecache, search
from blog.database import prepare_site
from blog.extensions import db
from blog.media import archive
from blog.models import Comment, Post, Role, User
from blog.site import settings

MIN_PASSWORD_LENGTH = 12


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(rerender_command)
    app.cli.add_command(reindex_search_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(cache_stats_command)
    from blog import wxr  # import-wxr, export-wxr

    wxr.init_app(app)


@click.command("init")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="Where the blog answers: the login link shown for a new 'admin'.")  # fmt: skip
@with_appcontext
def init_command(base_url: str) -> None:
    """Create or upgrade the database; create 'admin' if there is no author."""
    prepare_site(current_app._get_current_object(), base_url)
    click.echo("The database is ready.")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
        )
    return password


@click.command("create-user")
@click.argument("username")
@click.option("--display-name", help="The name shown on posts (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--role", type=click.Choice([role.value for role in Role]),
              default=Role.ADMINISTRATOR.value, show_default=True,
              help="An author writes and edits only their own posts and pages.")  # fmt: skip
@with_appcontext
def create_user_command(
    username: str, display_name: str | None, password_stdin: bool, role: str
) -> None:
    """Create a user who can log in (the first one is the site's administrator)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise click.BadParameter("use 1 to 64 characters", param_hint="USERNAME")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(f"The user {username!r} already exists.")
    user = User(username=username, display_name=display_name or username, role=role)
    user.set_password(read_password(password_stdin))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created the author {username!r} ({role}).")


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Change an author's password."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"There is no user {username!r}.")
    user.set_password(read_password(password_stdin))
    db.session.commit()
    click.echo(f"Changed the password of {username!r}.")


@click.command("rerender")
@with_appcontext
def rerender_command() -> None:
    """Render and sanitize every post and comment again, e.g. after the allow-list changed."""
    counts = {}
    for model in (Post, Comment):
        counts[model.__tablename__] = 0
        for item in db.session.scalars(sa.select(model).execution_options(yield_per=500)):
            item.render()
            counts[model.__tablename__] += 1
        db.session.commit()
    click.echo(f"Rendered {counts['posts']} posts and {counts['comments']} comments again.")


@click.command("reindex-search")
@with_appcontext
def reindex_search_command() -> None:
    """Index every post for search in the site's language, e.g. after LANGUAGE changed."""
    settings.refresh()  # the language may be set at /admin/settings
    changed = search.reindex()
    click.echo(f"Indexed {changed} posts in {search.site_search_config()!r}.")


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--with-passwords", is_flag=True, help="Include the authors' password hashes.")
@click.option("--with-media", is_flag=True, help="Also write the media files to FILE.media.tar.")
@with_appcontext
def export_command(file: Path, with_passwords: bool, with_media: bool) -> None:
    """Write every post, tag, comment and author to a JSON backup FILE."""
    counts = backup.export(file, with_passwords=with_passwords)
    click.echo(f"Exported {_summary(counts)} to {file}.")
    if with_media:
        files = archive.export_files(archive.archive_path(file))
        click.echo(f"Exported {files} media files to {archive.archive_path(file)}.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Restore a JSON backup FILE into an empty database (and FILE.media.tar, if there)."""
    try:
        counts = backup.restore(file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Imported {_summary(counts)} from {file}.")
    if (media_files := archive.archive_path(file)).exists():
        try:
            files = archive.import_files(media_files)
        except archive.ArchiveError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Imported {files} media files from {media_files}.")


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {table}" for table, count in counts.items())


@click.command("cache-stats")
@with_appcontext
def cache_stats_command() -> None:
    """Print the page store's entries and bytes, and its bounds, as JSON."""
    click.echo(json.dumps(pagecache.stats(current_app._get_current_object())))
