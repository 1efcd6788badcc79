"""WordPress post content made into a body this blog renders faithfully.

WordPress stores HTML whose paragraphs are *implied* by blank lines (its
``wpautop`` filter adds the ``<p>`` tags when the post is shown), with
Gutenberg block comments (``<!-- wp:paragraph -->``) and shortcodes.

The design: ``to_body`` turns that into explicit HTML blocks separated by
blank lines, and the result is stored as the post's ordinary ``body``. Every
block starts with a block-level tag, so CommonMark reads each one as a raw
HTML block and passes it through untouched (no Markdown is applied to
WordPress text, so a ``*`` stays a ``*``); ``blog.text.render_markdown``
then sanitizes it with the author allow-list, exactly as for posts written
here. The stored body re-renders identically with ``flask rerender`` and
edits like any other post. ``to_body`` is idempotent, which keeps an
export → import → export round trip stable.

- A blank-line paragraph of inline text becomes ``<p>…</p>``, its single
  newlines ``<br>`` (what ``wpautop`` does).
- A paragraph that already starts with a block tag is kept as it is.
- A paragraph of inline text that contains block tags is wrapped in a
  ``<div>`` (which the sanitizer drops), only to make it one raw HTML block.
- ``<pre>`` keeps its blank lines; ``<!--more-->`` stays, on its own line;
  every other HTML comment (Gutenberg's included) is removed.
- ``[caption]`` becomes a ``<figure>``; any other shortcode stays visible text.
"""

import re

# The tags that start a CommonMark HTML block (kinds 1 and 6 of the spec).
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    "|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    "|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol"
    "|optgroup|option|p|param|pre|script|search|section|style|summary|table|tbody|td"
    "|textarea|tfoot|th|thead|title|tr|track|ul"
)
_STARTS_WITH_BLOCK = re.compile(rf"<(?:/?(?:{_BLOCK_NAMES})(?:[\s/>]|$)|!--)", re.IGNORECASE)
_HAS_BLOCK = re.compile(rf"</?(?:{_BLOCK_NAMES})(?:[\s/>]|$)", re.IGNORECASE)
_MORE = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE | re.DOTALL)
_MORE_PLACEHOLDER = "\x00more\x00"
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PRE = re.compile(r"(<pre\b.*?</pre\s*>)", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)


def _caption(match: re.Match) -> str:
    inner = match.group(1)
    parts = _CAPTION_MEDIA.match(inner)
    if parts is None:
        return inner
    media, caption = parts.group(1), " ".join(parts.group(2).split())
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{media}{figcaption}</figure>\n\n"


def _block(chunk: str) -> str:
    if _STARTS_WITH_BLOCK.match(chunk):
        return chunk
    if _HAS_BLOCK.search(chunk):
        return f"<div>{chunk}</div>"
    lines = [line.strip() for line in chunk.split("\n")]
    return "<p>" + "<br>\n".join(line for line in lines if line) + "</p>"


def to_body(content: str) -> str:
    """WordPress post content as a body of raw HTML blocks (see the module docstring)."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    text = _MORE.sub(f"\n\n{_MORE_PLACEHOLDER}\n\n", text)
    text = _COMMENT.sub("", text)
    text = _CAPTION.sub(_caption, text)
    blocks = []
    for number, segment in enumerate(_PRE.split(text)):
        if number % 2:  # a <pre> element, blank lines and all
            blocks.append(segment)
            continue
        for chunk in _BLANK_LINES.split(segment):
            chunk = chunk.strip()
            if chunk == _MORE_PLACEHOLDER:
                blocks.append("<!--more-->")
            elif chunk:
                blocks.append(_block(chunk))
    return "\n\n".join(blocks)
