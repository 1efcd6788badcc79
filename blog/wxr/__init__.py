"""WordPress: ``flask --app blog import-wxr FILE`` and ``export-wxr FILE``.

reader.py streams a WXR file safely, content.py makes WordPress HTML into a
body this blog renders, importer.py writes it all in one transaction, and
exporter.py writes the blog back out as WXR 1.2. Old links are answered by
``blog.redirects``.
"""

import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from blog.site import settings

PROGRESS_EVERY = 100  # items between two updates of the progress line


def _zone(name: str | None) -> ZoneInfo:
    settings.refresh()  # the time zone may be set at /admin/settings
    name = name or current_app.config["TIME_ZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise click.BadParameter(f"unknown time zone {name!r}", param_hint="--timezone") from error


@click.command("import-wxr")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--timezone",
    help="The WordPress site's time zone, for dates that have no GMT version "
    "(default: the blog's TIME_ZONE).",
)
@click.option(
    "--uploads",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the old site's wp-content/uploads: its images become media items "
    "and the posts' image URLs point at them.",
)
@with_appcontext
def import_wxr_command(file: Path, timezone: str | None, uploads: Path | None) -> None:
    """Import a WordPress export (WXR) FILE: authors, posts, pages, tags, comments, old links."""
    from blog.wxr.importer import WXRError, import_file

    zone = _zone(timezone)
    done = {"position": 0, "items": 0}

    def label(report) -> str:
        return f"Importing: {report.read['posts']} posts, {report.read['comments']} comments"

    with click.progressbar(length=file.stat().st_size, label="Importing", file=sys.stderr) as bar:

        def progress(position: int, report) -> None:
            bar.update(position - done["position"])
            done["position"] = position
            done["items"] += 1
            if done["items"] % PROGRESS_EVERY == 0:
                bar.label = label(report)

        try:
            report = import_file(file, zone, progress, uploads=uploads)
        except WXRError as error:
            raise click.ClickException(f"{error} Nothing was imported.") from error
        except SQLAlchemyError as error:
            raise click.ClickException(
                f"The database refused the import: {getattr(error, 'orig', None) or error}. "
                "Nothing was imported."
            ) from error
    posts = sum(report.posts.values()) + sum(report.pages.values())
    click.echo(f"Imported: {posts} posts, {sum(report.comments.values())} comments", err=True)
    for line in report.lines():
        click.echo(line)
    if not report.changed_anything:
        click.echo("Nothing new: everything in this file was already imported.")


@click.command("export-wxr")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--url",
    "base_url",
    default="http://localhost",
    show_default=True,
    help="The blog's address, for the links in the file.",
)
@with_appcontext
def export_wxr_command(file: Path, base_url: str) -> None:
    """Write every post, tag and comment to a WordPress export (WXR 1.2) FILE."""
    from blog.wxr.exporter import export

    settings.refresh()  # the site's title, tagline and language, as /admin/settings has them
    counts = export(file, base_url)
    summary = ", ".join(f"{count} {what}" for what, count in counts.items())
    click.echo(f"Exported {summary} to {file}.", file=sys.stdout)


def init_app(app) -> None:
    app.cli.add_command(import_wxr_command)
    app.cli.add_command(export_wxr_command)
