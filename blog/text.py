"""The one place that turns user text into safe HTML.

Everything shown as HTML goes through here *when it is written*: Markdown
is rendered, then cleaned with an allow-list. Pages show the stored result
as-is, so no request pays for sanitizing. bleach is feature-frozen; keeping
it behind these functions makes a later swap a one-file change.
"""

import re
from functools import cache

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup
from slugify import slugify as _slugify

MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
EXCERPT_WORDS = 55
ELLIPSIS = "[…]"
SLUG_MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

POST_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
        "details", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
        "small", "sub", "summary", "sup", "strong", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
POST_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "ol": ["start"],
    "td": ["class", "colspan", "rowspan"],
    "th": ["class", "colspan", "rowspan", "scope"],
    "code": ["class"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})
_ALIGN_CLASS = {f"text-align:{side}": side for side in ("left", "center", "right")}


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is allowed through the parser; the sanitizer decides what survives.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@cache
def _post_cleaner() -> bleach.sanitizer.Cleaner:
    return bleach.sanitizer.Cleaner(
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def render_markdown(source: str) -> Markup:
    """CommonMark (with tables and fenced code) to sanitized HTML."""
    md = _markdown()
    tokens = md.parse(source)
    for token in tokens:
        # Column alignment arrives as a style attribute, which the CSP and the
        # sanitizer both refuse: carry it as a class instead.
        style = token.attrs.pop("style", None) if token.type in ("th_open", "td_open") else None
        if style in _ALIGN_CLASS:
            token.attrSet("class", "align-" + _ALIGN_CLASS[style])
    html = md.renderer.render(tokens, md.options, {})
    return Markup(_post_cleaner().clean(html))


def plain_text(html: str) -> str:
    """The words of an HTML fragment, tags gone, whitespace collapsed."""
    return Markup(html).striptags()


def truncate_words(words_text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` words and whether anything was cut."""
    words = words_text.split()
    return " ".join(words[:limit]), len(words) > limit


def make_excerpt(source: str, body_html: str, excerpt: str) -> tuple[Markup, bool]:
    """The teaser shown on list pages, and whether it is shorter than the post.

    In order: the author's own excerpt, the text before ``<!--more-->``, or
    the first words of the post.
    """
    if excerpt.strip():
        return Markup("<p>{} {}</p>").format(excerpt.strip(), ELLIPSIS), True
    before_more = MORE_MARKER.split(source, maxsplit=1)
    if len(before_more) == 2:
        return render_markdown(before_more[0]) + Markup("<p>{}</p>").format(ELLIPSIS), True
    words, cut = truncate_words(plain_text(body_html), EXCERPT_WORDS)
    if not cut:
        return Markup(body_html), False
    return Markup("<p>{} {}</p>").format(words, ELLIPSIS), True


def summary(html: str, words: int = 30) -> str:
    """A short plain-text description, e.g. for ``<meta name="description">``."""
    text, cut = truncate_words(plain_text(html).replace(ELLIPSIS, ""), words)
    return text + "…" if cut else text


def slugify(value: str) -> str:
    """A readable ASCII slug ('Привет, мир!' gives 'privet-mir'); may be empty."""
    return _slugify(value, max_length=SLUG_MAX_LENGTH, word_boundary=True)


def is_valid_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value))


def split_tags(value: str) -> list[str]:
    """Tag names from a comma-separated field: trimmed, no blanks, no repeats."""
    names: dict[str, str] = {}
    for raw in value.split(","):
        name = " ".join(raw.split())
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())
