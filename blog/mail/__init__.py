"""Mail: the author hears of comments waiting, readers of replies they asked for.

Everything goes through the outbox (outbox.py): requests write rows, a worker
sends them. With no MAIL_SERVER nothing is queued or attempted.
"""

import click
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    from blog.mail import events, models, settings, views  # noqa: F401  (events, tables register)

    settings.check(app.config)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    app.cli.add_command(mail_worker_command)


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
def mail_worker_command(once: bool) -> None:
    """Send the outbox's mail until stopped (SIGTERM finishes the message in hand)."""
    from blog.mail import settings, worker

    app = current_app._get_current_object()
    if not settings.enabled(app.config):
        click.echo("No mail server is configured (BLOG_MAIL_SERVER): nothing to send.")
        return
    worker.run_worker(app, worker.stop_on_signals(), once=once)
