"""A pseudo-locale that wraps every translated string in ⟦…⟧, and the check
that a rendered page shows no interface text outside the wrappers.

Strings are extracted afresh from the working tree (as
``scripts/translations.sh extract`` does), so a string added since the last
extraction is wrapped too, and an unwrapped one stands out.
"""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A real locale (Babel knows its plural rules and dates) that the blog has no catalogue for.
PSEUDO_LOCALE = "eo"
OPEN, CLOSE = "⟦", "⟧"
WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
LETTER = re.compile(r"[^\W\d_]")
# What a reader sees as text, besides the text between tags.
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
SHOWN_INPUT_VALUES = {"submit", "button", "reset"}
NOT_SHOWN = {"script", "style", "time"}  # dates are the locale's own, not messages


def extract_messages(pot: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "--no-location",
         "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip


def build_pseudo_catalogue(directory: Path) -> Path:
    """Compile ``<directory>/eo/LC_MESSAGES/messages.mo``; returns ``directory``."""
    pot = directory / "messages.pot"
    extract_messages(pot)
    with pot.open("rb") as source:
        catalogue = read_po(source, locale=PSEUDO_LOCALE)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(wrap(form) for form in message.id)
        else:
            message.string = wrap(message.id)
    target = directory / PSEUDO_LOCALE / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)
    return directory


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


class ShownText(HTMLParser):
    """Collects what a reader sees: text outside script/style/time, and the
    attributes a browser shows or reads out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_SHOWN:
            self.hidden_depth += 1
        attributes = dict(attrs)
        for name in SHOWN_ATTRIBUTES & attributes.keys():
            self.pieces.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in SHOWN_INPUT_VALUES:
            self.pieces.append(attributes.get("value") or "")
        if tag == "meta" and attributes.get("name") == "description":
            self.pieces.append(attributes.get("content") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_SHOWN:
            self.hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in NOT_SHOWN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.pieces.append(data)


def untranslated_text(html: str, user_content: tuple[str, ...] = ()) -> list[str]:
    """The lines of shown text with letters left once the wrapped strings and
    the given user content (titles, names, bodies…) are taken out."""
    parser = ShownText()
    parser.feed(html)
    text = "\n".join(parser.pieces)
    for content in sorted(filter(None, user_content), key=len, reverse=True):
        text = text.replace(content, " ")
    while (unwrapped := WRAPPED.sub(" ", text)) != text:
        text = unwrapped  # innermost first: a message may hold another
    return [line.strip() for line in text.splitlines() if LETTER.search(line)]
