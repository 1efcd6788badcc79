"""Default settings and the helpers that turn the environment into config.

Every key here can be overridden in ``instance/config.py`` or as a
``BLOG_<NAME>`` environment variable (values are parsed as JSON when they
can be, so ``BLOG_POSTS_PER_PAGE=5`` is an int and ``BLOG_X=false`` a bool).
"""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    # What the blogger changes.
    "SITE_TITLE": "My Blog",
    "SITE_TAGLINE": "Just another Flask blog",
    "SITE_DESCRIPTION": "",
    "POSTS_PER_PAGE": 10,
    "FEED_ENTRIES": 20,  # entries in each Atom feed
    "FEED_FULL_CONTENT": True,  # whole posts in the feeds; False gives the excerpts
    "TIME_ZONE": "UTC",
    "LANGUAGE": "en",
    # Comments: each rule can be tuned or switched off.
    "COMMENT_HOLD_FIRST": True,  # hold a comment until its author has one approved
    "COMMENT_MAX_LINKS": 2,  # hold a comment with more links than this
    "COMMENT_MODERATION_WORDS": [],  # hold a comment containing one of these
    "COMMENT_DISALLOWED_WORDS": [],  # mark a comment containing one of these as spam
    "COMMENT_MIN_SECONDS": 3,  # faster than this from page to post is a bot (0 = off)
    "COMMENT_RATE_LIMIT": "5 per minute",  # per client address ("" = off)
    "COMMENT_MAX_DEPTH": 5,
    "COMMENT_CLOSE_AFTER_DAYS": 0,  # 0 = never close automatically
    "COMMENT_MAX_LENGTH": 10_000,
    "COMMENT_THREADS_PER_PAGE": 50,
    "COMMENT_DEFAULT_PAGE": "newest",  # or "oldest": which page of a long discussion opens first
    "COMMENT_COOKIE_DAYS": 365,
    # Mail (blog/mail/): nothing is sent without a server.
    "MAIL_SERVER": "",  # smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465
    "MAIL_FROM": "",  # the sender's address; default: blog@ the server's host name
    "MAIL_TO": "",  # where the author's mail goes (addresses separated by commas)
    "MAIL_AUTHOR_NOTIFY": "pending",  # "pending" (held comments), "all" or "off"
    "MAIL_BURST": 3,  # author's mails about comments per window; then one digest
    "MAIL_BURST_MINUTES": 10,
    "MAIL_MAX_ATTEMPTS": 8,  # then the message is marked failed (shown in the admin)
    "MAIL_RETRY_SECONDS": 60,  # the first retry's delay, doubled each time
    "MAIL_SEND_LEASE_SECONDS": 600,  # a claim older than this was a worker that died
    "MAIL_POLL_SECONDS": 5,  # how often an idle worker looks at the outbox
    "MAIL_BATCH": 50,  # messages a worker claims at once and sends over one connection
    "MAIL_SMTP_TIMEOUT": 30,
    # Pictures (blog/media/): checked and re-encoded once, on upload.
    "MEDIA_MAX_BYTES": 20 * 1024 * 1024,  # the largest upload
    "MEDIA_MAX_PIXELS": 50_000_000,  # more is refused as a decompression bomb
    "MEDIA_WIDTHS": [480, 960, 1600, 2400],  # WebP renditions, never wider than the upload
    "MEDIA_FALLBACK_WIDTH": 1600,  # the JPEG/PNG src for browsers without WebP
    # What the browser picks a width for: the text column (--measure), or the screen.
    "MEDIA_SIZES": "(max-width: 42rem) 100vw, 40rem",
    "MEDIA_STORAGE": "",  # a folder (default: instance/media), or s3://bucket/prefix
    "MEDIA_S3_ENDPOINT_URL": "",  # an S3-compatible store not at AWS (MinIO…)
    "MEDIA_S3_REGION": "",
    "MEDIA_PER_PAGE": 24,  # the library at /admin/media
    # RATELIMIT_STORAGE_URI: by default instance/ratelimit (see ratelimit_storage_uri).
    "RATELIMIT_HEADERS_ENABLED": True,
    # The author's account.
    # Per address within the window; once a username has had this many, an
    # address that failed for it gets no more (blog/auth.py: too_many_attempts).
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "SESSION_IDLE_MINUTES": 120,  # logged out after this long without a request
    "SESSION_MAX_HOURS": 24 * 7,  # and after this long in any case (remember-me aside)
    # The author's desk (blog/revisions.py, blog/drafts.py).
    "REVISIONS_KEPT": 0,  # earlier versions kept per post (0 = all)
    "AUTOSAVES_KEPT": 3,  # autosaves kept per post and author
    "AUTOSAVE_SECONDS": 30,  # how often the editor (with JavaScript) autosaves
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
    # werkzeug's method for new password hashes; the tests choose a cheap one.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Speed: whole pages for anonymous readers, kept until what they show changes.
    "PAGE_CACHE": True,
    # Shared by every gunicorn worker: a SQLite file in instance/ ("DiskCache"), or
    # "RedisCache" with CACHE_REDIS_URL in production.
    "CACHE_TYPE": "DiskCache",
    "CACHE_DIR": "",  # default: instance/page-cache
    "CACHE_MAX_BYTES": 256 * 1024 * 1024,  # DiskCache: the store's bound on disk...
    "CACHE_MAX_ENTRIES": 100_000,  # ...and in entries
    "CACHE_DEFAULT_TIMEOUT": 3600,  # seconds; a page is also made again as soon as it changes
    "CACHE_THRESHOLD": 5000,  # entries kept by SimpleCache (one process, for tests)
    # The hosts this blog answers to; any other Host gets a 400 (Flask's TRUSTED_HOSTS).
    # A list, or names separated by commas in BLOG_TRUSTED_HOSTS.
    "TRUSTED_HOSTS": None,
    # Plumbing.
    # True in gunicorn's workers (wsgi.py sets BLOG_SERVING): they never load the
    # migration tools, which only the command line and prepare_site need.
    "SERVING": False,
    # A jinja2.BytecodeCache for compiled templates; the tests share one between
    # the many apps they make, so each template is compiled once a run, not once a test.
    "TEMPLATE_BYTECODE_CACHE": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # A reader who spends a long time on a form must not lose it to an expired token.
    "WTF_CSRF_TIME_LIMIT": 24 * 3600,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SECRET_KEY_FILE": "secret_key",
    # Production: no key is invented, and a well-known development key is refused.
    "PRODUCTION": False,
    # Served over HTTPS: Secure and __Host- cookies, HSTS, https links.
    "HTTPS": False,
    "HSTS_MAX_AGE": 365 * 24 * 3600,
    # Reverse proxies in front of gunicorn whose X-Forwarded-* headers to trust (0 = none).
    "PROXY_FIX_HOPS": 0,
}


def instance_file_settings(app) -> dict:
    """The settings in ``instance/config.py`` (none if there is no such file)."""
    from flask import Config

    from_file = Config(app.instance_path)
    from_file.from_pyfile("config.py", silent=True)
    return dict(from_file)


def setting_sources(from_file: dict, environ: dict) -> dict[str, str]:
    """Where each key set outside the defaults came from (the file, or the variable's
    name); the environment wins."""
    sources = dict.fromkeys(from_file, "instance/config.py")
    for name in environ:
        if name.startswith("BLOG_"):
            # from_prefixed_env: BLOG_A__B sets a key inside A; A is then fixed.
            sources[name.removeprefix("BLOG_").split("__")[0]] = name
    return sources


def database_url_from_env(instance_path: str) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL`` if set, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "blog.sqlite3")
    return normalize_database_url(url)


def ratelimit_storage_uri(instance_path: str) -> str:
    """The limiter's counters, one folder for every worker: exact limits on one machine.

    ``redis://…`` instead when several machines serve the blog.
    """
    return "diskcache://" + str(Path(instance_path) / "ratelimit")


def normalize_database_url(url: str) -> str:
    """Point bare PostgreSQL URLs (as hosting platforms write them) at psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


KNOWN_DEVELOPMENT_KEYS = frozenset(
    {"dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
     "change me", "test", "testing", "default", "password", "flask"}
)  # fmt: skip


class ConfigurationError(RuntimeError):
    """The blog refuses to start with this configuration."""


def settle_secret_key(config: dict, instance_path: Path) -> None:
    """The configured key, or (outside production) one kept in the instance folder."""
    key = config.get("SECRET_KEY")
    if isinstance(key, int | float):
        # from_prefixed_env reads values as JSON: an all-digit key arrives as a number.
        key = config["SECRET_KEY"] = os.environ.get("BLOG_SECRET_KEY", str(key))
    if config["PRODUCTION"]:
        if not key:
            raise ConfigurationError("Production needs a secret key: set BLOG_SECRET_KEY.")
        if str(key).strip().lower() in KNOWN_DEVELOPMENT_KEYS or len(str(key)) < 16:
            raise ConfigurationError(
                "BLOG_SECRET_KEY is a well-known or short development key; use e.g. "
                "python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
    if not key:
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path / config["SECRET_KEY_FILE"])


def settle_trusted_hosts(config: dict) -> None:
    """TRUSTED_HOSTS as a list; production must name the blog's own host.

    Without it, pages are rendered for any ``Host`` a client sends, and stored
    only for this machine's own names (blog/pagecache/policy.py).
    """
    hosts = config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):
        config["TRUSTED_HOSTS"] = [name.strip() for name in hosts.split(",") if name.strip()]
    if config["PRODUCTION"] and not (config["TRUSTED_HOSTS"] or config["SERVER_NAME"]):
        raise ConfigurationError(
            "Production needs the blog's host name: set BLOG_TRUSTED_HOSTS "
            "(e.g. blog.example.com) or BLOG_SERVER_NAME."
        )


def apply_https(config: dict) -> None:
    """Cookie and URL settings that follow from serving the blog over HTTPS."""
    https = bool(config["HTTPS"])
    config.update(
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_SECURE=https,
        PREFERRED_URL_SCHEME="https" if https else "http",
    )
    if https:
        # __Host-: only over HTTPS, for this host alone, for the whole site.
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["SESSION_COOKIE_PATH"] = "/"
        config["SESSION_COOKIE_DOMAIN"] = False


def load_or_create_secret_key(path: Path) -> str:
    """Read the key at ``path``, creating it (mode 0600) on first start.

    Several gunicorn workers may start at once: ``O_EXCL`` lets exactly one
    of them write the file and the others read what it wrote.
    """
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key
