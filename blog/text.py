"""The one place that turns user text into safe HTML.

Everything shown as HTML goes through here *when it is written*: Markdown
is rendered, then cleaned with an allow-list. Pages show the stored result
as-is, so no request pays for sanitizing. bleach is feature-frozen; keeping
it behind these functions makes a later swap a one-file change.
"""

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, partial
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound
from slugify import slugify as _slugify

from blog.media.rendering import with_image_attributes

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
        "small", "span", "sub", "summary", "sup", "strong", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Syntax colouring is done on save by Pygments, as classes the stylesheet colours
# (the CSP refuses inline styles): a fence's language, Pygments' token classes.
CODE_LANGUAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+#.-]{0,31}")
CODE_BLOCK_CLASS = "highlight"
TOKEN_CLASSES = frozenset(STANDARD_TYPES.values()) - {""}


def _allowed_class(tag: str, name: str, value: str) -> bool:
    """Only the classes syntax colouring makes, on the tags it makes them on."""
    if name != "class":
        return False
    if tag == "code":
        language = value.removeprefix("language-")
        return value != language and CODE_LANGUAGE.fullmatch(language) is not None
    if tag == "pre":
        return value == CODE_BLOCK_CLASS
    return tag == "span" and value in TOKEN_CLASSES


POST_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "ol": ["start"],
    "td": ["class", "colspan", "rowspan"],
    "th": ["class", "colspan", "rowspan", "scope"],
    "code": _allowed_class,
    "pre": _allowed_class,
    "span": _allowed_class,
}
PROTOCOLS = frozenset({"http", "https", "mailto"})
COMMENT_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "p", "pre", "q",
     "strong", "ul", "ol", "li"}
)  # fmt: skip
COMMENT_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
UGC_REL = "nofollow ugc noopener"
WEB_SCHEMES = frozenset({"http", "https"})
_BLOCK_TAG = re.compile(
    r"</?(?:address|blockquote|br|caption|dd|details|div|dl|dt|figcaption|figure|h[1-6]|hr|li"
    r"|ol|p|pre|summary|table|tbody|td|tfoot|th|thead|tr|ul)\b[^>]*>",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n\s*\n")
# Control characters other than tab and newline have no place in text a person typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALIGN_CLASS = {f"text-align:{side}": side for side in ("left", "center", "right")}


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is allowed through the parser; the sanitizer decides what survives.
    options = {"html": True, "highlight": highlight_code}
    return MarkdownIt("commonmark", options).enable(["table", "strikethrough"])


@cache
def _code_formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


def highlight_code(source: str, language: str, attributes: str) -> str:
    """A fenced code block coloured with Pygments' classes, or "" to leave it plain.

    Only a language name Pygments knows is used; anything else (unknown, or
    hostile such as ``"><script>``) leaves the block to Markdown's own escaping.
    """
    if not CODE_LANGUAGE.fullmatch(language):
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return ""
    coloured = highlight(source, lexer, _code_formatter())
    return (
        f'<pre class="{CODE_BLOCK_CLASS}"><code class="language-{escape(language)}">'
        f"{coloured}</code></pre>\n"
    )


@cache
def _post_cleaner() -> bleach.sanitizer.Cleaner:
    return bleach.sanitizer.Cleaner(
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def _set_ugc_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = UGC_REL
    return attrs


@cache
def _comment_cleaner() -> bleach.sanitizer.Cleaner:
    # strip=False: a tag that is not allowed is shown as the text the reader typed.
    return bleach.sanitizer.Cleaner(
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=False,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_ugc_rel], skip_tags={"pre", "code"})],
    )


def clean_text(value: str | None) -> str | None:
    """Typed text made storable: newlines normalized, control characters removed."""
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def render_comment(source: str) -> Markup:
    """A reader's comment as safe HTML.

    Blank lines make paragraphs and single newlines ``<br>``; a small set of
    tags is kept, anything else is escaped so the reader sees what they typed;
    plain URLs become links, and every link gets ``rel="nofollow ugc noopener"``.
    """
    paragraphs = [part.strip() for part in _BLANK_LINES.split(source.strip()) if part.strip()]
    html_source = "".join(
        "<p>" + "<br>\n".join(paragraph.split("\n")) + "</p>\n" for paragraph in paragraphs
    )
    return Markup(_comment_cleaner().clean(html_source))


def count_links(html_fragment: str) -> int:
    return html_fragment.count("<a ")


def safe_web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL with a host, else None.

    Browsers ignore leading spaces and control characters and read the scheme
    case-insensitively; so does this check, and whitespace inside is refused.
    The value is what the reader typed (escaped on output), so an entity such
    as ``&#104;ttp:`` is not a scheme and the address is refused. Never raises:
    forms, the ``web_url`` filter and the WordPress import all rely on that.
    """
    if not value:
        return None
    candidate = value.strip(" \t\n\r\f\v\x00")
    if not candidate or any(
        unicodedata.category(char).startswith(("C", "Z")) for char in candidate
    ):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:  # e.g. "http://[::1": no host a browser could reach
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        return None
    return value.strip()


def render_markdown(source: str, images: Mapping[str, Mapping] | None = None) -> Markup:
    """CommonMark (with tables and fenced code) to sanitized HTML.

    ``images``: the media items the source shows, by hash; their ``<img>`` get
    srcset, sizes, width and height, added after cleaning (blog/media/rendering.py).
    """
    md = _markdown()
    tokens = md.parse(source)
    for token in tokens:
        # Column alignment arrives as a style attribute, which the CSP and the
        # sanitizer both refuse: carry it as a class instead.
        style = token.attrs.pop("style", None) if token.type in ("th_open", "td_open") else None
        if style in _ALIGN_CLASS:
            token.attrSet("class", "align-" + _ALIGN_CLASS[style])
    html = md.renderer.render(tokens, md.options, {})
    return Markup(with_image_attributes(_post_cleaner().clean(html), images or {}))


def plain_text(html: str) -> str:
    """The words of an HTML fragment, tags gone, whitespace collapsed.

    Block tags and ``<br>`` become spaces first, so ``a<br>b`` gives two
    words; inline tags (``<em>``, ``<sup>``…) join what they touch, as on screen.
    """
    return Markup(_BLOCK_TAG.sub(" ", html)).striptags()


def reading_minutes(words_text: str, words_per_minute: int = 220) -> int:
    """Minutes a reader needs, rounded up, at least one."""
    return max(1, -(-len(words_text.split()) // words_per_minute))


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
