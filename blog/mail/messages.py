"""Composing well-made mail with the standard library's ``email`` package.

Why the standard library and not a Flask mail extension: ``EmailMessage``
with the SMTP policy already gives MIME alternatives, RFC 2047 headers and
refuses CR/LF in header values; the outbox needs the finished message as
text to store, which the extensions (built to send at once) do not offer.
"""

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

from blog.mail import settings

# 7bit: the stored text is ASCII and goes through any SMTP server unchanged.
POLICY = policy.SMTP.clone(cte_type="7bit")


class BadRecipient(ValueError):
    """An address that cannot be put into a To header as it is."""


def recipient(address: str) -> Address:
    """The address as one mailbox, or BadRecipient: nothing may ride along with it."""
    if address != settings.one_line(address) or " " in address or "," in address:
        raise BadRecipient(address)
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError) as error:
        raise BadRecipient(address) from error
    if not parsed.username or not parsed.domain:
        raise BadRecipient(address)
    return parsed


def thread_id(*parts: object) -> str:
    """A stable Message-ID-like name for a thread, so a mail client groups its mails."""
    domain = settings.sender(current_app.config).domain
    return "<" + ".".join(str(part) for part in parts) + f"@{domain}>"


def compose(
    to: str,
    subject: str,
    template: str,
    *,
    references: list[str] = (),
    unsubscribe_url: str | None = None,
    **context,
) -> EmailMessage:
    """A plain text message with an HTML alternative, from ``mail/messages/<template>.txt/.html``.

    The HTML template is autoescaped like every page: user text arrives as text.
    """
    config = current_app.config
    sender = settings.sender(config)
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = recipient(to)
    # Replies go to the blog's own address, never to a commenter's.
    message["Reply-To"] = Address(addr_spec=sender.addr_spec)
    message["Subject"] = settings.one_line(f"[{config['SITE_TITLE']}] {subject}")
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    if references:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    context.update(unsubscribe_url=unsubscribe_url, site_title=config["SITE_TITLE"])
    message.set_content(
        render_template(f"mail/messages/{template}.txt", **context), cte="quoted-printable"
    )
    message.add_alternative(
        render_template(f"mail/messages/{template}.html", **context),
        subtype="html",
        cte="quoted-printable",
    )
    return message
