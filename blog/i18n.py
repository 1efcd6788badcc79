"""Languages: which locale a request speaks, through Flask-Babel.

The public site speaks the site's ``LANGUAGE``, one for every reader: pages
are cached for everyone, and a page negotiated per reader would split the
cache or serve one reader's language to another. The admin, never cached,
follows the author's browser (``Accept-Language``) among the catalogues the
blog has, and falls back to the site's language.

Search follows the site's language too: ``search_config`` names the
PostgreSQL text-search configuration that stems its words (blog/search.py).

Catalogues live in ``blog/translations``; ``scripts/translations.sh`` extracts,
updates and compiles them (README, "Languages").
"""

from babel import Locale, UnknownLocaleError, negotiate_locale
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale

from blog.dates import site_zone

SOURCE_LOCALE = Locale("en")
# The text-search configurations PostgreSQL ships in pg_catalog (13 to 17), each
# named for its language in English; "simple" only lowercases, for all others.
SEARCH_CONFIGS = frozenset({
    "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish",
    "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian",
    "lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian",
    "spanish", "swedish", "tamil", "turkish", "yiddish",
})  # fmt: skip
UNSTEMMED = "simple"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", str(SOURCE_LOCALE))
    # The zone itself, not its name: Flask-Babel would look a name up in pytz,
    # which lacks zones zoneinfo (and so the Settings form) knows, like "Factory".
    Babel(app, locale_selector=request_locale, timezone_selector=site_zone)
    app.add_template_global(text_direction)
    app.add_template_global(page_language)


def locale_of(tag: str) -> Locale:
    """A BCP 47 tag as typed in Settings ("pt-BR"), as Babel's locale; English if unknown."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return SOURCE_LOCALE


def site_locale() -> Locale:
    return locale_of(current_app.config["LANGUAGE"])


def request_locale() -> str:
    site = site_locale()
    if not (has_request_context() and in_admin()):
        return str(site)
    catalogues = current_app.extensions["babel"].instance.list_translations()
    # Babel's matching, not Werkzeug's: "ar-EG, en;q=0.5" must give Arabic, not English.
    wanted = [tag.replace("-", "_") for tag in request.accept_languages.values()]
    return negotiate_locale(wanted, [str(locale) for locale in catalogues]) or str(site)


def in_admin() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def text_direction(locale: Locale | None = None) -> str:
    """``rtl`` or ``ltr``, for ``<html dir>``."""
    locale = locale or get_locale() or SOURCE_LOCALE
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


def page_language() -> str:
    """The ``<html lang>`` tag: the site's own spelling, or the admin's negotiated one."""
    locale = get_locale() or SOURCE_LOCALE
    if locale == site_locale():
        return current_app.config["LANGUAGE"]
    return str(locale).replace("_", "-")


def search_config(tag: str) -> str:
    """PostgreSQL's text-search configuration for a language: "ru" → "russian", else "simple"."""
    language = tag.replace("_", "-").partition("-")[0].lower()
    # "Norwegian Bokmål" is searched as "norwegian"; an unknown tag has no name.
    name = SOURCE_LOCALE.languages.get(language, "").lower()
    for candidate in (name, name.partition(" ")[0]):
        if candidate in SEARCH_CONFIGS:
            return candidate
    return UNSTEMMED


def site_search_config() -> str:
    """The configuration of the site's language (outside the app: "simple")."""
    return search_config(current_app.config["LANGUAGE"]) if has_app_context() else UNSTEMMED


def N_(message: str) -> str:
    """Mark a module constant for extraction and leave it English.

    Tests and callers compare such constants with pages as plain strings; the
    code that shows one translates it then, with ``gettext(CONSTANT)``.
    """
    return message
