"""The transactional outbox: mail is a row written with the change that causes it.

A request only inserts rows; a worker (``flask --app blog mail-worker``, or
the one gunicorn.conf.py starts) claims due rows, sends them and marks them
sent. A slow or failing SMTP server therefore never slows or fails a request,
and a message queued by a committed change survives any crash.

Sent exactly once, as far as SMTP allows: a row is claimed (status
``sending``, a token, the time) in a short transaction of its own, so two
workers never hold the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
on SQLite the claiming UPDATE re-checks that the row is still due, and
SQLite runs one writer at a time). It is marked ``sent`` right after the
server accepted it. A claim older than MAIL_SEND_LEASE_SECONDS belongs to a
worker that died, and the row is sent again: a worker killed mid-send loses
nothing. The one window left is a crash between the server's "250 OK" and
our commit (a few milliseconds): we choose to send again then (at least
once) rather than risk losing mail (at most once); the copy carries the same
Message-ID, which mail clients use to drop duplicates.
"""

import contextlib
import json
import secrets
import smtplib
import ssl
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from jinja2 import TemplateError

from blog.extensions import db
from blog.mail import messages, settings
from blog.mail.models import OutboxMessage, OutboxStatus
from blog.models import utcnow

KEEP_SENT_DAYS = 7  # sent messages (and what they said) are deleted after this
KEEP_FAILED_DAYS = 30  # failed ones stay in the admin's outbox this long


def queue(kind: str, draft: dict) -> OutboxMessage:
    """Add the mail (a ``messages.draft``) to the current transaction: sent once that commits."""
    row = OutboxMessage(
        kind=kind,
        recipient=draft["to"],
        subject=draft["subject"][:300],
        draft=json.dumps(draft, ensure_ascii=False),
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    return row


def _stalled(now):
    """Claimed by a worker that died (or stopped) before it could say how it went."""
    lease = timedelta(seconds=current_app.config["MAIL_SEND_LEASE_SECONDS"])
    return sa.and_(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - lease
    )


def _due(now):
    retries_left = OutboxMessage.attempts < current_app.config["MAIL_MAX_ATTEMPTS"]
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
        sa.and_(_stalled(now), retries_left),
    )


def give_up_stalled(now) -> None:
    """A message that stalled its worker MAIL_MAX_ATTEMPTS times is failed, not tried forever."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(_stalled(now), OutboxMessage.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"])
        .values(status=OutboxStatus.FAILED, last_error="The worker stopped while sending it.")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def claim() -> list[OutboxMessage]:
    """Take up to MAIL_BATCH due rows for this worker, in a transaction of their own."""
    now = utcnow()
    give_up_stalled(now)
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(current_app.config["MAIL_BATCH"])
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        db.session.rollback()
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _due(now))
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .order_by(OutboxMessage.id)
        )
    )


def _finish(row: OutboxMessage, **values) -> None:
    """Record the outcome, unless another worker took the row over meanwhile."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def mark_sent(row: OutboxMessage) -> None:
    _finish(row, status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")


def mark_failed(row: OutboxMessage, error: str, permanent: bool = False) -> None:
    """Try again later, with the delay doubled each time; or give up and say why."""
    config = current_app.config
    if permanent or row.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        _finish(row, status=OutboxStatus.FAILED, last_error=error[:2000])
        return
    delay = config["MAIL_RETRY_SECONDS"] * 2 ** (row.attempts - 1)
    _finish(
        row,
        status=OutboxStatus.QUEUED,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
        last_error=error[:2000],
    )


def connect(server: settings.Server, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.implicit_tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif server.username and not server.is_loopback:
            smtp.close()
            raise smtplib.SMTPException("refusing to send a password without TLS")
    if server.username:
        smtp.login(server.username, server.password)
    return smtp


def deliver(rows: Iterable[OutboxMessage]) -> int:
    """Send the claimed rows over one connection; returns how many were sent."""
    rows = list(rows)
    config = current_app.config
    envelope_from = settings.sender(config).addr_spec
    try:
        smtp = connect(settings.server(config), config["MAIL_SMTP_TIMEOUT"])
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            mark_failed(row, f"Cannot reach the mail server: {error}")
        return 0
    sent = 0
    with smtp:
        for row in rows:
            try:
                message = messages.compose(json.loads(row.draft))
            except (ValueError, KeyError, TemplateError) as error:
                mark_failed(row, f"The message could not be composed: {error!r}", permanent=True)
                continue
            try:
                smtp.sendmail(envelope_from, [row.recipient], message.as_bytes())
            except smtplib.SMTPResponseException as error:
                # 5xx: the server will never take it; 4xx: later.
                mark_failed(row, f"{error.smtp_code} {error.smtp_error!r}", error.smtp_code >= 500)
            except smtplib.SMTPRecipientsRefused as error:
                mark_failed(row, f"Recipient refused: {error.recipients}", permanent=True)
            except (OSError, smtplib.SMTPException) as error:
                mark_failed(row, f"Sending failed: {error}")
            except ValueError as error:  # UnicodeEncodeError: an address SMTP cannot carry
                mark_failed(row, f"The message cannot be sent: {error}", permanent=True)
                reset(smtp)
            else:
                mark_sent(row)
                sent += 1
    return sent


def reset(smtp: smtplib.SMTP) -> None:
    """End the half-begun transaction, so the next message starts afresh."""
    # If even this fails, the next sendmail fails on its own and is retried.
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.rset()


def send_due() -> int:
    """One round: claim what is due and send it. Returns how many were sent."""
    sent = 0
    while rows := claim():
        sent += deliver(rows)
    forget_old()
    return sent


def forget_old() -> None:
    """Mail is not kept: sent rows go after KEEP_SENT_DAYS, failed ones after KEEP_FAILED_DAYS."""
    now = utcnow()
    sent_long_ago = sa.and_(
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at < now - timedelta(days=KEEP_SENT_DAYS),
    )
    failed_long_ago = sa.and_(
        OutboxMessage.status == OutboxStatus.FAILED,
        OutboxMessage.created_at < now - timedelta(days=KEEP_FAILED_DAYS),
    )
    db.session.execute(sa.delete(OutboxMessage).where(sa.or_(sent_long_ago, failed_long_ago)))
    db.session.commit()


def counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(
            OutboxMessage.status
        )
    )
    return dict(rows.all())
