"""The worker's loop: send what is due, tidy up, wait, again."""

import logging
import signal
import threading

from flask import Flask

from blog.extensions import db
from blog.mail import outbox, subscriptions

log = logging.getLogger(__name__)


def run_worker(app: Flask, stop: threading.Event, once: bool = False) -> None:
    """Send due mail every MAIL_POLL_SECONDS until ``stop`` is set."""
    while not stop.is_set():
        with app.app_context():
            try:
                sent = outbox.send_due()
                subscriptions.forget_unused_addresses()
            except Exception:  # a worker that stops sends nothing: log, wait, try again
                log.exception("The mail worker's round failed")
                db.session.rollback()
                sent = 0
            if sent:
                log.info("mail worker: sent %d", sent)
        if once:
            return
        stop.wait(app.config["MAIL_POLL_SECONDS"])


def stop_on_signals() -> threading.Event:
    """SIGTERM or SIGINT: finish the message in hand, then stop."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop
