"""blog.text: slugs, tag lists, Markdown rendering and sanitizing, excerpts."""

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from blog import text
from blog.text import (
    ELLIPSIS,
    EXCERPT_WORDS,
    SLUG_MAX_LENGTH,
    is_valid_slug,
    make_excerpt,
    render_markdown,
    slugify,
    split_tags,
    summary,
)


class TagCollector(HTMLParser):
    """Every start tag of an HTML fragment, with its attributes (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def parse_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(str(html))
    parser.close()
    return parser.tags


def tag_names(html: str) -> list[str]:
    return [name for name, _ in parse_tags(html)]


def all_attributes(html: str) -> list[tuple[str, str, str | None]]:
    return [(tag, name, value) for tag, attrs in parse_tags(html) for name, value in attrs.items()]


# --- slugify ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hello World", "hello-world"),
        ("  Flask 3.1 is out  ", "flask-3-1-is-out"),
        ("Привет, мир!", "privet-mir"),
        ("Crème brûlée à la façon", "creme-brulee-a-la-facon"),
        ("Ærøskøbing über Straße", "aeroskobing-uber-strasse"),
        ("already-a-slug", "already-a-slug"),
        ("multiple   ---   separators", "multiple-separators"),
    ],
)
def test_slugify(value, expected):
    assert slugify(value) == expected


@pytest.mark.parametrize("value", ["", "!!!", "?!.,;:—–()[]", "🎉🚀✨", "   "])
def test_slugify_gives_empty_string_when_nothing_is_left(value):
    assert slugify(value) == ""


def test_slugify_cuts_long_titles_at_a_word_boundary():
    words = [f"word{n:02d}" for n in range(30)]  # 6 letters each
    slug = slugify(" ".join(words))
    assert 0 < len(slug) <= SLUG_MAX_LENGTH == 80
    # Whole words only: every piece is one of the original words, in order.
    pieces = slug.split("-")
    assert pieces == words[: len(pieces)]
    # And it keeps as many words as fit: one more would go over the limit.
    assert len(slug) + 1 + len(words[len(pieces)]) > SLUG_MAX_LENGTH
    assert is_valid_slug(slug)


def test_slugify_of_long_text_without_spaces_still_respects_the_limit():
    slug = slugify("a" * 200)
    assert 0 < len(slug) <= SLUG_MAX_LENGTH


def test_slugify_output_is_always_a_valid_slug():
    for value in ["Hello World", "Привет, мир!", "Crème brûlée", "x" * 100, "a - b -- c"]:
        assert is_valid_slug(slugify(value)), value


# --- is_valid_slug ----------------------------------------------------------


@pytest.mark.parametrize("value", ["a", "hello", "hello-world", "post-2024-01-01", "42"])
def test_valid_slugs(value):
    assert is_valid_slug(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Hello",
        "hello world",
        "-hello",
        "hello-",
        "hello--world",
        "hello_world",
        "héllo",
        "привет",
        "hello/world",
        "../etc",
        "hello\n",
    ],
)
def test_invalid_slugs(value):
    assert not is_valid_slug(value)


# --- split_tags -------------------------------------------------------------


def test_split_tags_trims_and_keeps_order():
    assert split_tags(" python ,  flask,web   dev ") == ["python", "flask", "web dev"]


def test_split_tags_drops_blanks():
    assert split_tags(",, python, ,  ,flask,") == ["python", "flask"]
    assert split_tags("") == []
    assert split_tags(" , ,") == []


def test_split_tags_dedupes_case_insensitively_keeping_the_first_spelling():
    assert split_tags("Python, python, PYTHON, Flask, flask") == ["Python", "Flask"]


def test_split_tags_collapses_inner_whitespace_before_comparing():
    assert split_tags("web  dev, Web Dev,\tweb\ndev") == ["web dev"]


# --- render_markdown --------------------------------------------------------


def test_render_markdown_returns_markup():
    html = render_markdown("Some *Markdown* text.")
    assert isinstance(html, Markup)
    assert html == Markup("<p>Some <em>Markdown</em> text.</p>\n")


def test_render_markdown_basic_formatting():
    html = render_markdown(
        "## Heading\n\n**bold** and ~~gone~~ and [a link](https://example.com/x)\n\n"
        "- one\n- two\n\n> quoted\n"
    )
    assert "<h2>Heading</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<s>gone</s>" in html
    assert '<a href="https://example.com/x">a link</a>' in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html


def test_render_markdown_keeps_tables():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert tag_names(html) == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "<th>a</th>" in html
    assert "<td>2</td>" in html


def test_render_markdown_turns_column_alignment_into_classes():
    html = render_markdown("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n")
    cells = [(tag, attrs) for tag, attrs in parse_tags(html) if tag in ("th", "td")]
    assert [attrs.get("class") for _, attrs in cells] == [
        "align-left",
        "align-center",
        "align-right",
        None,
    ] * 2
    assert '<th class="align-right">r</th>' in html
    assert '<td class="align-right">3</td>' in html
    assert not [attr for attr in all_attributes(html) if attr[1] == "style"]
    assert "style" not in html


def test_render_markdown_keeps_fenced_code_with_its_language_class():
    html = render_markdown("```python\nif a < b:\n    print('<hi>')\n```\n")
    assert ("code", {"class": "language-python"}) in parse_tags(html)
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    # The code is shown, not interpreted.
    assert "if a < b:" in text.plain_text(html)
    assert "&lt;hi&gt;" in html
    assert "<hi>" not in html


def test_render_markdown_keeps_fenced_code_without_language():
    html = render_markdown("```\nplain\n```\n")
    assert html == Markup("<pre><code>plain\n</code></pre>\n")


def test_render_markdown_keeps_safe_html():
    html = render_markdown(
        '<figure><img src="https://example.com/cat.png" alt="A cat">'
        "<figcaption>My cat</figcaption></figure>"
    )
    assert tag_names(html) == ["figure", "img", "figcaption"]
    assert '<img src="https://example.com/cat.png" alt="A cat" decoding="async">' in html
    assert "<figcaption>My cat</figcaption>" in html


def test_render_markdown_keeps_details_and_abbr():
    html = render_markdown(
        '<details><summary>More</summary><abbr title="HyperText">HTML</abbr></details>'
    )
    assert tag_names(html) == ["details", "summary", "abbr"]
    assert '<abbr title="HyperText">HTML</abbr>' in html


def test_render_markdown_removes_script_tags():
    html = render_markdown("Hello\n\n<script>alert(document.cookie)</script>\n\nbye")
    assert "script" not in tag_names(html)
    assert "<script" not in html.lower()
    assert "<p>Hello</p>" in html
    assert "<p>bye</p>" in html


def test_render_markdown_removes_script_tags_inline():
    html = render_markdown("Hello <script>alert(1)</script> world <SCRIPT src=x></SCRIPT>")
    assert "script" not in tag_names(html)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "source",
    [
        '<img src="https://example.com/x.png" onerror="alert(1)">',
        "text <img src=x onerror=alert(1)> more",
        '<a href="https://example.com/" onclick="alert(1)" onmouseover="alert(2)">x</a>',
        '<p onload="alert(1)">hi</p>',
        '<details ontoggle="alert(1)" open><summary>x</summary></details>',
    ],
)
def test_render_markdown_removes_event_handler_attributes(source):
    html = render_markdown(source)
    handlers = [attr for attr in all_attributes(html) if attr[1].lower().startswith("on")]
    assert handlers == []
    assert "onerror" not in html.lower()
    assert "alert" not in "".join(str(value) for _, _, value in all_attributes(html))


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](  javascript:alert(1) )",
        "<javascript:alert(1)>",
        "![img](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JAVASCRIPT:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="&#106;avascript:alert(1)">click</a>',
        '<a href="&#x6A;&#x61;vascript:alert(1)">click</a>',
        '<a href="java&#x09;script:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        '<img src="javascript:alert(1)">',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
        '<a href="vbscript:msgbox(1)">click</a>',
    ],
)
def test_render_markdown_removes_dangerous_urls(source):
    html = render_markdown(source)
    urls = [
        (value or "").strip().lower()
        for _, name, value in all_attributes(html)
        if name in ("href", "src")
    ]
    for url in urls:
        assert url.startswith(("http:", "https:", "mailto:", "/", "#")), url
    # No live link or image points anywhere dangerous, however it was spelled.
    assert not any("script:" in url.replace("\t", "").replace("\n", "") for url in urls)
    assert not any(url.startswith("data:") for url in urls)


def test_render_markdown_keeps_safe_urls():
    html = render_markdown(
        "[web](https://example.com/a?b=1&c=2) [plain](http://example.com/) "
        "[mail](mailto:me@example.com) ![pic](https://example.com/p.png)"
    )
    hrefs = [attrs.get("href") for tag, attrs in parse_tags(html) if tag == "a"]
    assert hrefs == [
        "https://example.com/a?b=1&c=2",
        "http://example.com/",
        "mailto:me@example.com",
    ]
    assert ("img", {"src": "https://example.com/p.png", "alt": "pic", "decoding": "async"}) in (
        parse_tags(html)
    )


def test_render_markdown_removes_style_attributes():
    html = render_markdown(
        '<p style="color: red">red</p>\n\n'
        'Some <strong style="position:fixed;top:0">text</strong> and '
        '<img src="https://example.com/x.png" style="width:100%">'
    )
    assert [attr for attr in all_attributes(html) if attr[1] == "style"] == []
    assert "style" not in html
    assert "red" in html
    assert "<strong>text</strong>" in html


def test_render_markdown_removes_style_elements():
    html = render_markdown("<style>body { display: none }</style>\n\nHello")
    assert "style" not in tag_names(html)
    assert "<style" not in html


@pytest.mark.parametrize(
    ("source", "banned"),
    [
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ('<form action="https://evil.example/"><input name="password"></form>', "form"),
        ('<form action="https://evil.example/"><input name="password"></form>', "input"),
        ('<object data="https://evil.example/x.swf"></object>', "object"),
        ('<embed src="https://evil.example/x.swf">', "embed"),
        ("<svg onload=alert(1)><circle r=1></circle></svg>", "svg"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta"),
        ('<base href="https://evil.example/">', "base"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "link"),
        ("<h1>Top heading</h1>", "h1"),
    ],
)
def test_render_markdown_removes_disallowed_elements(source, banned):
    html = render_markdown("Before\n\n" + source + "\n\nAfter")
    assert banned not in tag_names(html)
    assert f"<{banned}" not in html.lower()
    assert "evil.example" not in " ".join(str(value) for _, _, value in all_attributes(html))
    assert "<p>Before</p>" in html
    assert "<p>After</p>" in html


def test_render_markdown_removes_html_comments():
    html = render_markdown("Hello <!-- secret note --> world")
    assert "secret" not in html
    assert "<!--" not in html


def test_render_markdown_escapes_stray_angle_brackets():
    html = render_markdown("1 < 2 and 3 > 2 & so on")
    assert html == Markup("<p>1 &lt; 2 and 3 &gt; 2 &amp; so on</p>\n")


def test_render_markdown_of_empty_source():
    assert render_markdown("") == Markup("")


# --- make_excerpt -----------------------------------------------------------


def excerpt_for(source: str, excerpt: str = "") -> tuple[Markup, bool]:
    return make_excerpt(source, render_markdown(source), excerpt)


def test_excerpt_author_excerpt_wins():
    source = "Intro words.\n\n<!--more-->\n\nThe rest."
    html, has_more = excerpt_for(source, "  My own teaser.  ")
    assert isinstance(html, Markup)
    assert html == Markup("<p>My own teaser. […]</p>")
    assert has_more is True
    assert "Intro" not in html


def test_excerpt_author_excerpt_is_escaped():
    html, has_more = excerpt_for("Body.", '<script>alert(1)</script> <b onclick="x">A & B</b>')
    assert "<script" not in html
    assert "<b" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B" in html
    assert has_more is True


def test_excerpt_blank_author_excerpt_is_ignored():
    html, has_more = excerpt_for("Short body.", "   \n ")
    assert html == Markup("<p>Short body.</p>\n")
    assert has_more is False


def test_excerpt_uses_the_text_before_the_more_marker():
    source = "First *paragraph*.\n\nSecond one.\n\n<!--more-->\n\nHidden **rest** of the post."
    html, has_more = excerpt_for(source)
    assert isinstance(html, Markup)
    assert "<p>First <em>paragraph</em>.</p>" in html
    assert "<p>Second one.</p>" in html
    assert "Hidden" not in html
    assert "rest" not in html
    assert html.endswith(Markup("<p>[…]</p>"))
    assert has_more is True


@pytest.mark.parametrize("marker", ["<!--more-->", "<!-- more -->", "<!--MORE-->", "<!--  More-->"])
def test_excerpt_more_marker_spellings(marker):
    html, has_more = excerpt_for(f"Teaser.\n\n{marker}\n\nSecret.")
    assert "Teaser." in html
    assert "Secret" not in html
    assert has_more is True


def test_excerpt_text_before_more_marker_is_sanitized():
    html, _ = excerpt_for('<img src=x onerror="alert(1)"> Teaser\n\n<!--more-->\n\nRest')
    assert "onerror" not in html
    assert "Rest" not in html


def test_excerpt_cuts_long_posts_at_55_words():
    words = [f"w{n}" for n in range(EXCERPT_WORDS + 20)]
    source = "*" + " ".join(words[:10]) + "* " + " ".join(words[10:])
    html, has_more = excerpt_for(source)
    assert EXCERPT_WORDS == 55
    assert html == Markup("<p>{} {}</p>").format(" ".join(words[:55]), ELLIPSIS)
    assert "w54" in html
    assert "w55" not in html
    assert has_more is True


def test_excerpt_of_exactly_55_words_is_the_full_body():
    source = " ".join(f"w{n}" for n in range(EXCERPT_WORDS))
    body_html = render_markdown(source)
    html, has_more = make_excerpt(source, body_html, "")
    assert html == body_html
    assert has_more is False


def test_excerpt_of_56_words_is_cut():
    source = " ".join(f"w{n}" for n in range(EXCERPT_WORDS + 1))
    html, has_more = excerpt_for(source)
    assert has_more is True
    assert "w55" not in html
    assert ELLIPSIS in html


def test_excerpt_of_short_post_is_the_full_body():
    source = "A *short* post.\n\n| a |\n|---|\n| 1 |\n"
    body_html = render_markdown(source)
    html, has_more = make_excerpt(source, body_html, "")
    assert isinstance(html, Markup)
    assert html == body_html
    assert "<em>short</em>" in html
    assert "<table>" in html
    assert ELLIPSIS not in html
    assert has_more is False


def test_excerpt_cut_is_plain_text_and_escaped():
    words = ["&amp;"] + [f"w{n}" for n in range(70)]
    source = " ".join(words)
    html, has_more = excerpt_for(source)
    assert has_more is True
    assert html.startswith(Markup("<p>&amp; w0 w1"))
    assert "&amp;amp;" not in html


# --- summary ----------------------------------------------------------------


def test_summary_strips_tags():
    assert summary("<p>Hello <em>world</em>!</p>\n<p>Again.</p>") == "Hello world! Again."


def test_summary_short_text_is_unchanged():
    assert summary("<p>Just a few words.</p>") == "Just a few words."


def test_summary_cuts_at_30_words_with_an_ellipsis():
    words = [f"w{n}" for n in range(40)]
    result = summary("<p>" + " ".join(words) + "</p>")
    assert result == " ".join(words[:30]) + "…"


def test_summary_word_count_is_configurable():
    assert summary("<p>one two three four</p>", words=2) == "one two…"
    assert summary("<p>one two</p>", words=2) == "one two"


def test_summary_drops_the_excerpt_ellipsis():
    html, _ = excerpt_for("Teaser text.\n\n<!--more-->\n\nRest.")
    assert summary(html) == "Teaser text."


def test_summary_returns_plain_text():
    result = summary("<p>A &amp; B &lt;tag&gt;</p>")
    assert result == "A & B <tag>"
    assert not isinstance(result, Markup)


def test_module_constants():
    assert text.SLUG_MAX_LENGTH == 80
    assert text.ELLIPSIS == "[…]"


def test_plain_text_keeps_words_apart_across_tags():
    html = "<p>a<br>b</p><p>c</p><ul><li>d</li><li>e</li></ul><em>f</em>g<sup>2</sup> &amp; h"
    assert text.plain_text(html) == "a b c d e fg2 & h"
