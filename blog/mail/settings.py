"""The mail settings, read from config: the SMTP server, the sender, the author."""

from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from urllib.parse import unquote, urlsplit

from blog.config import ConfigurationError

AUTHOR_NOTIFY_CHOICES = ("pending", "all", "off")
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    implicit_tls: bool  # smtps://; smtp:// upgrades with STARTTLS when the server offers it
    username: str
    password: str

    @property
    def is_loopback(self) -> bool:
        return self.host in ("localhost", "127.0.0.1", "::1")


def server(config: Mapping) -> Server | None:
    """MAIL_SERVER parsed, or None when no server is set (then no mail is queued)."""
    url = (config.get("MAIL_SERVER") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigurationError(
            "BLOG_MAIL_SERVER must look like smtp://user:password@host:587 or smtps://host:465."
        )
    return Server(
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def check(config: Mapping) -> None:
    """Refuse to start with a malformed mail setting, rather than fail a request later."""
    server(config)
    author_notify(config)


def enabled(config: Mapping) -> bool:
    return bool((config.get("MAIL_SERVER") or "").strip())


def sender_address(config: Mapping) -> str:
    """MAIL_FROM, or blog@ the mail server's host."""
    return (config.get("MAIL_FROM") or "").strip() or f"blog@{server(config).host}"


def sender(config: Mapping) -> Address:
    """From: the site's title as the name, and the sender's address."""
    return Address(display_name=one_line(config["SITE_TITLE"]), addr_spec=sender_address(config))


def author_recipients(config: Mapping) -> list[str]:
    """Where the author's mail goes: MAIL_TO (a list, or addresses separated by commas)."""
    setting = config.get("MAIL_TO") or []
    items = setting.split(",") if isinstance(setting, str) else setting
    return [item.strip() for item in items if item and item.strip()]


def author_notify(config: Mapping) -> str:
    choice = str(config.get("MAIL_AUTHOR_NOTIFY") or "off").strip().lower()
    if choice not in AUTHOR_NOTIFY_CHOICES:
        raise ConfigurationError("BLOG_MAIL_AUTHOR_NOTIFY must be pending, all or off.")
    return choice


def one_line(value: object) -> str:
    """Text for a header: every run of whitespace, CR and LF included, becomes one space.

    A name like ``Ann\\r\\nBcc: x@y`` then stays inside its header as harmless text.
    """
    text = "".join(char if char.isprintable() else " " for char in str(value))
    return " ".join(text.split())
