"""Well-made mail with the standard library's ``email`` package.

Why the standard library and not a Flask mail extension: ``EmailMessage``
with the SMTP policy already gives MIME alternatives, RFC 2047 headers and
refuses CR/LF in header values, and the outbox must compose a message away
from the request that queued it, which the extensions (built to send at once,
inside a request) do not help with.

A request only records what to say (``draft``: the template, its context as
plain values, the links already built); the worker composes the message
(``compose``), so templates and the email package cost a request nothing.
"""

from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale

from blog import i18n
from blog.mail import settings

# 7bit: what goes over SMTP is ASCII and passes any server unchanged.
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
    return "<" + ".".join(str(part) for part in parts) + f"@{_domain()}>"


def _domain() -> str:
    return settings.sender_address(current_app.config).rpartition("@")[2]


def draft(
    to: str,
    subject: str,
    template: str,
    *,
    references: list[str] = (),
    unsubscribe_url: str | None = None,
    **context,
) -> dict:
    """What the worker needs to compose the mail: plain values only (stored as JSON).

    The Message-ID is chosen now, so every attempt sends the same message.
    """
    recipient(to)
    return {
        "to": to,
        "subject": settings.one_line(subject),
        "template": template,
        "context": context,
        "references": list(references),
        "unsubscribe_url": unsubscribe_url,
        "message_id": make_msgid(domain=_domain()),
    }


def in_site_language():
    """Mail speaks the site's language, wherever it is made (the admin follows the browser)."""
    return force_locale(str(i18n.site_locale()))


def compose(draft: dict) -> EmailMessage:
    """A plain text message with an HTML alternative, from ``mail/messages/<template>``.

    The HTML template is autoescaped like every page: user text arrives as text.
    """
    config = current_app.config
    sender = settings.sender(config)
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = recipient(draft["to"])
    # Replies go to the blog's own address, never to a commenter's.
    message["Reply-To"] = Address(addr_spec=sender.addr_spec)
    message["Subject"] = subject_header(
        settings.one_line(f"[{config['SITE_TITLE']}] {draft['subject']}")
    )
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = draft["message_id"]
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    if references := draft["references"]:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    if unsubscribe_url := draft["unsubscribe_url"]:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    context = {
        **draft["context"],
        "unsubscribe_url": unsubscribe_url,
        "site_title": config["SITE_TITLE"],
    }
    with in_site_language():
        text, html = _render(draft, "txt", context), _render(draft, "html", context)
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


class EncodedSubject(str):
    """A non-ASCII subject as RFC 2047 words that keep every space.

    Python 3.11's header folder drops the space where it folds between two
    encoded words, so a long Russian subject reached readers with two words
    run together. The email package's older ``Header`` splits inside the
    words instead; the policy folds an object with a ``name`` by its ``fold``.
    """

    name = "Subject"

    def fold(self, *, policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def subject_header(subject: str) -> str:
    return subject if subject.isascii() else EncodedSubject(subject)


def _render(draft: dict, extension: str, context: dict) -> str:
    # The app's templates without its context processors: those are for pages
    # (the logged-in user, the site's menus), and the worker has no request.
    template = current_app.jinja_env.get_template(f"mail/messages/{draft['template']}.{extension}")
    return template.render(context)
