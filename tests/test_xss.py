"""XSS: every payload in ``xss_payloads.txt`` comes out inert, from the renderers and on pages.

"Inert" is checked by parsing the HTML the way a browser does, with html5lib (the
parser bleach itself uses): no
element that runs or loads code, no event-handler or style attribute, no HTML
comment, and every URL attribute is http, https, mailto or relative. Pages are
checked whole; the page's own ``<meta>``, ``<link>`` and ``<form>`` elements are
allowed only where and how the templates use them, as are its own script files
(``<script src="/static/…">`` in ``<head>``, no inline code).
"""

import html
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from blog import text
from blog.comments.forms import _serializer as comment_stamp_serializer
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, Tag
from tests.conftest import csrf_token, permalink, post_form

# --- The corpus ---------------------------------------------------------------------------

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
# Characters a one-line text file cannot hold are written [[xHH]] or [[uHHHH]].
CHAR_TOKEN = re.compile(r"\[\[(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4}))\]\]")


def load_payloads() -> list[tuple[int, str]]:
    payloads = []
    for number, line in enumerate(PAYLOAD_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        payloads.append(
            (number, CHAR_TOKEN.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), line))
        )
    return payloads


NUMBERED = load_payloads()
PAYLOADS = [payload for _, payload in NUMBERED]
PAYLOAD_IDS = [f"line{number}" for number, _ in NUMBERED]


def typed(value: str) -> str:
    """A one-line field's value as stored: control characters gone, ends trimmed."""
    return text.clean_text(value).strip()


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def pack(items: Iterable[str], limit: int) -> list[str]:
    """Items joined by spaces into strings of at most ``limit`` characters (long ones cut)."""
    packed: list[str] = []
    for item in items:
        item = item[:limit]
        if packed and len(packed[-1]) + 1 + len(item) <= limit:
            packed[-1] += " " + item
        else:
            packed.append(item)
    return packed


def test_the_corpus_is_big_and_varied():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS), "duplicate payloads"
    assert all(payload.strip() for payload in PAYLOADS)
    assert any("\x00" in payload for payload in PAYLOADS)
    assert any("\t" in payload or "\n" in payload for payload in PAYLOADS)
    for needle in ("<script", "onerror", "javascript:", "&#106;", "&colon;", "vbscript:",
                   "data:text/html", "xlink:href", "formaction", "<math", "<svg", "<iframe",
                   "<object", "<embed", "<base", "<meta", "<form", "<style", "expression(",
                   "<!--[if", "CDATA", "{{7*7}}", '">'):  # fmt: skip
        assert any(needle.lower() in payload.lower() for payload in PAYLOADS), needle


# --- What "inert" means -------------------------------------------------------------------

NAMESPACE_PREFIXES = {
    "http://www.w3.org/2000/svg": "svg",
    "http://www.w3.org/1998/Math/MathML": "math",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/2000/xmlns/": "xmlns",
}
# Elements that run code, load a document or resource, change the page's base or
# navigation, or switch the parser into another language.
FORBIDDEN_ELEMENTS = frozenset(
    {"script", "style", "iframe", "object", "embed", "base", "meta", "form", "svg", "math",
     "link", "frame", "frameset", "applet", "portal", "noscript", "template", "xmp",
     "plaintext", "noembed", "noframes", "listing", "param", "input", "button", "select",
     "textarea", "isindex", "keygen", "audio", "video", "source", "track", "marquee"}
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
     "cite", "codebase", "dynsrc", "lowsrc", "longdesc", "ping", "manifest", "icon",
     "profile", "usemap", "classid", "archive", "xml:base"}
)  # fmt: skip
FORBIDDEN_ATTRIBUTES = frozenset({"style", "srcdoc", "http-equiv", "is"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
C0_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# The page shell's own head elements, exactly as base.html writes them.
SHELL_META_ATTRIBUTES = frozenset({"charset", "name", "property", "content"})
SHELL_META_NAMES = frozenset(
    {"viewport", "description", "twitter:card", "twitter:title", "twitter:description"}
)
SHELL_META_PROPERTIES = frozenset(
    {"og:type", "og:site_name", "og:title", "og:description", "og:url", "article:published_time",
     "og:image", "og:image:width", "og:image:height"}
)  # fmt: skip
SHELL_LINK_RELS = frozenset({"canonical", "stylesheet", "icon", "alternate", "prev", "next"})
SHELL_SCRIPT_ATTRIBUTES = frozenset({"src", "defer", "async"})
# Where user-written HTML lands on a page; checked like a bare fragment as well.
USER_CONTENT_CLASSES = frozenset({"post-body", "comment-content", "entry-summary"})


def qualified(name: str) -> str:
    """html5lib's '{namespace}local' as 'prefix:local'."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return f"{NAMESPACE_PREFIXES.get(namespace, namespace)}:{local}"
    return name


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, or None for a relative URL.

    ``value`` is the attribute as the HTML parser hands it over, character
    references already decoded (decoding twice would see ``&amp;#106;`` as ``j``,
    which no browser does). Control characters are dropped anywhere and
    whitespace at the ends, as URL parsers do before reading the scheme.
    """
    url = C0_CONTROLS.sub("", value).strip()
    match = SCHEME.match(url)
    return match.group(1).lower() if match else None


def url_problem(name: str, value: str) -> str | None:
    urls = (
        [part.split()[0] for part in value.split(",") if part.split()]
        if name == "srcset"
        else [value]
    )
    for url in urls:
        scheme = url_scheme(url)
        if scheme is not None and scheme not in SAFE_SCHEMES:
            return f"{name}={value!r} has the scheme {scheme!r}"
    return None


def element_problems(element, tag: str, attributes: dict[str, str]) -> list[str]:
    found = []
    local = tag.split(":")[-1].lower()
    if ":" in tag or local in FORBIDDEN_ELEMENTS:
        found.append(f"<{tag}> element")
    for name, value in attributes.items():
        if name.split(":")[-1].startswith("on"):
            found.append(f"<{tag} {name}=…> event handler")
        elif name in FORBIDDEN_ATTRIBUTES:
            found.append(f"<{tag} {name}=…> attribute")
        elif name in URL_ATTRIBUTES or name == "srcset":
            problem = url_problem(name, value)
            if problem:
                found.append(f"<{tag}> {problem}")
    return found


def tree_problems(root, shell_head=None) -> list[str]:
    """Everything executable under ``root``.

    ``shell_head`` is the page's ``<head>``: its own meta, link and static script
    elements are allowed there, and forms posting to the site itself anywhere.
    """
    shell = {id(child) for child in shell_head} if shell_head is not None else set()
    found = []
    for element in root.iter():
        if element.tag is ElementTree.Comment:
            found.append(f"HTML comment <!--{element.text}-->")
            continue
        if not isinstance(element.tag, str) or element.tag in ("DOCUMENT_FRAGMENT", "<!DOCTYPE>"):
            continue
        tag = qualified(element.tag)
        attributes = {qualified(name).lower(): value for name, value in element.attrib.items()}
        if id(element) in shell and tag == "meta":
            extra = set(attributes) - SHELL_META_ATTRIBUTES
            if (
                extra
                or attributes.get("name", "viewport") not in SHELL_META_NAMES
                or attributes.get("property", "og:type") not in SHELL_META_PROPERTIES
            ):
                found.append(f"unexpected <meta {attributes}>")
            continue
        if id(element) in shell and tag == "script":
            # The site's own script files, loaded from /static/: no inline code.
            src = attributes.get("src", "")
            if (
                (element.text or "").strip()
                or set(attributes) - SHELL_SCRIPT_ATTRIBUTES
                or not (src.startswith("/static/") and url_scheme(src) is None)
            ):
                found.append(f"unexpected <script {attributes}>{element.text or ''}")
            continue
        if id(element) in shell and tag == "link":
            if attributes.get("rel") not in SHELL_LINK_RELS:
                found.append(f"unexpected <link {attributes}>")
            found += element_problems(element, "link-in-head", attributes)
            continue
        if shell_head is not None and tag in ("form", "input", "button", "select", "textarea"):
            # The page's own forms: posting to this site only, by a relative path.
            for name in ("action", "formaction"):
                if name in attributes and not re.match(r"/(?![/\\])", attributes[name]):
                    found.append(f"<{tag} {name}={attributes[name]!r}> leaves the site")
            found += element_problems(element, "form-control", attributes)
            continue
        found += element_problems(element, tag, attributes)
        if shell_head is not None and USER_CONTENT_CLASSES & set(
            attributes.get("class", "").split()
        ):
            # Inside user content even the shell's exceptions do not apply.
            found += [
                f"in .{attributes['class']}: {problem}" for problem in tree_problems_strict(element)
            ]
    return found


def tree_problems_strict(root) -> list[str]:
    found = []
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        tag = qualified(element.tag)
        attributes = {qualified(name).lower(): value for name, value in element.attrib.items()}
        found += element_problems(element, tag, attributes)
    return found


def parse_fragment(fragment: str):
    return html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)


def fragment_problems(fragment: str) -> list[str]:
    return tree_problems(parse_fragment(fragment))


def page_problems(page: str) -> list[str]:
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    head = root.find("head")
    assert head is not None
    return tree_problems(root, shell_head=head)


def assert_inert_page(response, what: str = "") -> str:
    assert response.status_code == 200, (what, response.status_code)
    page = response.get_data(as_text=True)
    problems = page_problems(page)
    assert problems == [], (what, problems[:10])
    return page


# The comment allow-list, written out here on purpose: a change in blog/text.py must
# show up as a failing test.
COMMENT_ALLOWED = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    **{
        tag: set()
        for tag in ("b", "blockquote", "br", "cite", "code", "del", "em", "i", "p", "pre",
                    "q", "strong", "ul", "ol", "li")
    },
}  # fmt: skip


def outside_comment_allow_list(fragment: str) -> list[str]:
    found = []
    for element in parse_fragment(fragment).iter():
        if element.tag == "DOCUMENT_FRAGMENT":
            continue
        if not isinstance(element.tag, str):
            found.append(f"non-element node {element.tag!r}")
            continue
        tag = qualified(element.tag)
        if tag not in COMMENT_ALLOWED:
            found.append(f"<{tag}> is not allowed in comments")
            continue
        extra = {qualified(name) for name in element.attrib} - COMMENT_ALLOWED[tag]
        if extra:
            found.append(f"<{tag}> has attributes {sorted(extra)}")
    return found


def visible_text(fragment: str) -> str:
    return "".join(parse_fragment(fragment).itertext())


# --- The checker itself catches what it should ------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        "<p><style>p{}</style></p>",
        "<img src=x onerror=alert(1)>",
        "<p ONCLICK=x>y</p>",
        '<p style="color:red">y</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
        '<img srcset="javascript:alert(1) 1x">',
        '<svg><a xlink:href="https://example.com">x</a></svg>',
        "<math><mi>x</mi></math>",
        '<iframe src="https://example.com"></iframe>',
        "<object></object>",
        "<embed>",
        '<base href="https://example.com/">',
        '<meta http-equiv="refresh" content="0">',
        '<form action="/x"></form>',
        '<link rel="stylesheet" href="x.css">',
        "<!-- a comment -->",
        '<button formaction="javascript:alert(1)">x</button>',
    ],
)
def test_the_checker_catches_executable_html(bad):
    assert fragment_problems(bad)


def test_the_checker_accepts_plain_safe_html():
    safe = (
        '<p><a href="https://example.com/?a=1&amp;b=2" title="t">x</a> '
        '<a href="mailto:a@example.com">m</a> <a href="/relative#top">r</a> '
        '<a href="#frag">f</a> <a href="HTTP://EXAMPLE.COM">u</a> <img src="pic.png" alt="">'
        '<abbr title="javascript: the language">JS</abbr> <code>&lt;script&gt;</code></p>'
    )
    assert fragment_problems(safe) == []


def test_the_comment_allow_list_check_catches_other_elements_and_attributes():
    assert outside_comment_allow_list("<p><img src=x></p>")
    assert outside_comment_allow_list("<h2>x</h2>")
    assert outside_comment_allow_list('<p class="x">y</p>')
    assert outside_comment_allow_list('<a href="https://e.com" target="_blank">y</a>')
    assert outside_comment_allow_list("<!-- c -->")
    assert outside_comment_allow_list('<p><a href="https://e.com" rel="x">y</a></p>') == []


def test_the_page_checker_allows_the_shell_but_not_user_content(client, make_post):
    make_post("Shell", slug="shell")
    page = client.get(permalink(client, "Shell")).get_data(as_text=True)
    assert page_problems(page) == []
    for bad in ("<script>x</script>", '<meta http-equiv="refresh" content="0">',
                '<form action="https://evil.example/"></form>', "<svg></svg>"):  # fmt: skip
        injected = page.replace('<div class="post-body">', f'<div class="post-body">{bad}', 1)
        assert page_problems(injected), bad
    for bad_head in ('<meta http-equiv="refresh" content="0">', "<script>alert(1)</script>",
                     '<script src="https://evil.example/x.js"></script>',
                     '<link rel="import" href="/x.html">', '<base href="/">'):  # fmt: skip
        assert page_problems(page.replace("</head>", bad_head + "</head>", 1)), bad_head
    # The body is not the head: the shell's exceptions do not reach it.
    assert page_problems(page.replace("</main>", '<script src="/static/x.js"></script></main>'))


# --- Unit level: the renderers ------------------------------------------------------------------

# Places a payload can sit in Markdown, and in a comment's own little HTML.
MARKDOWN_CONTEXTS = (
    "{}",
    "> {}",
    "- item\n- {}",
    "| a | b |\n|---|---|\n| {} | x |",
    "[{}](https://example.com)",
    "[text](https://example.com/{})",
    "![{}](pic.png)",
    "`{}`",
    "```\n{}\n```",
    "<details><summary>{}</summary>{}</details>",
    "<p title='{}'>x</p>",
)
COMMENT_CONTEXTS = (
    "{}",
    "Before\n{}\n\nAfter {}",
    "<b>{}</b>",
    '<a href="https://example.com" title="{}">{}</a>',
    "<blockquote>{}</blockquote>",
    "<pre><code>{}</code></pre>",
    "<ul><li>{}</li></ul>",
    "https://example.com/{}",
)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_payload_renders_inert(payload):
    """As a comment (also within the comment allow-list), as Markdown, and as an excerpt."""
    failures = []
    for context in COMMENT_CONTEXTS:
        source = context.replace("{}", payload)
        rendered = str(text.render_comment(source))
        for problem in fragment_problems(rendered) + outside_comment_allow_list(rendered):
            failures.append(f"render_comment({source!r}) -> {rendered!r}: {problem}")
    for context in MARKDOWN_CONTEXTS:
        source = context.replace("{}", payload)
        rendered = str(text.render_markdown(source))
        for problem in fragment_problems(rendered):
            failures.append(f"render_markdown({source!r}) -> {rendered!r}: {problem}")
    for source, excerpt in (
        (payload, payload),
        (payload + "\n\n<!--more-->\n\nrest", ""),
        (payload + " word" * 60, ""),
    ):
        teaser, _ = text.make_excerpt(source, str(text.render_markdown(source)), excerpt)
        for problem in fragment_problems(str(teaser)):
            failures.append(f"make_excerpt({source!r}, …, {excerpt!r}) -> {teaser!r}: {problem}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img src"),
        ('<iframe src="javascript:alert(1)"></iframe>', "<iframe"),
        ("<svg onload=alert(1)>", "<svg"),
        ("<style>*{x:expression(alert(1))}</style>", "<style>*{x:expression(alert(1))}"),
        ('<form action="https://evil.example">', "<form"),
        ("{{7*7}}", "{{7*7}}"),
        ("${7*7}", "${7*7}"),
    ],
)
def test_comment_escapes_disallowed_html_instead_of_deleting_it(source, shown):
    rendered = str(text.render_comment(source))
    assert shown.lower() in visible_text(rendered).lower(), rendered
    assert "&lt;" in rendered or "<" not in source
    assert "49" not in rendered


def test_comment_shows_script_tags_as_escaped_text():
    rendered = str(text.render_comment("<script>alert(1)</script>"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<script" not in rendered


def test_comment_keeps_allowed_tags_and_drops_bad_attributes_on_them():
    rendered = str(
        text.render_comment(
            '<b onclick="x">bold</b> <a href="javascript:alert(1)" onclick="y">link</a> '
            '<abbr title="t" style="color:red">A</abbr> <em>e</em>'
        )
    )
    root = parse_fragment(rendered)
    assert [qualified(el.tag) for el in root.iter()][1:] == ["p", "b", "a", "abbr", "em"]
    link = root.find(".//a")
    assert "href" not in link.attrib
    assert link.get("rel") == "nofollow ugc noopener"
    assert root.find(".//abbr").attrib == {"title": "t"}
    assert root.find(".//b").attrib == {}


def test_every_allowed_comment_tag_survives():
    for tag in COMMENT_ALLOWED:
        source = f"<{tag}>" if tag == "br" else f"<{tag}>x</{tag}>"
        tags = [qualified(el.tag) for el in parse_fragment(str(text.render_comment(source))).iter()]
        assert tag in tags, (tag, tags)


def test_markdown_strips_disallowed_html_and_keeps_safe_links():
    rendered = str(
        text.render_markdown(
            "[ok](https://example.com) [bad](javascript:alert(1)) <script>alert(2)</script>"
        )
    )
    root = parse_fragment(rendered)
    hrefs = [a.get("href") for a in root.iter("a")]
    assert "https://example.com" in hrefs
    assert all(href is None or not href.startswith("javascript") for href in hrefs)
    assert root.find(".//script") is None


# --- Through the real forms -----------------------------------------------------------------------


def open_post(client, make_post, app) -> tuple[int, str]:
    """A published post with comments shown at once and all on one page."""
    app.config["COMMENT_HOLD_FIRST"] = False
    app.config["COMMENT_MAX_LINKS"] = 1000
    app.config["COMMENT_THREADS_PER_PAGE"] = 10_000
    post_id = make_post("XSS target", slug="xss-target")
    return post_id, permalink(client, "XSS target")


class Commenter:
    """A reader's browser: one look at the form, then many comments."""

    def __init__(self, client, page_url: str, post_id: int):
        self.client = client
        self.post_id = post_id
        page = client.get(page_url)
        match = re.search(r'name="issued"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        assert match, "no issued field on the post page"
        self.hidden = {"csrf_token": csrf_token(page), "issued": match.group(1), "parent_id": ""}

    def send(self, **fields):
        # Each form the site renders carries a one-time stamp: a new one per comment,
        # or the site takes the second comment for the first sent again.
        with self.client.application.app_context():
            stamp = comment_stamp_serializer().dumps(secrets.token_urlsafe(16))
        data = {"author": "Reader", "email": "reader@example.com", "url": "", "phone": "",
                **self.hidden, "issued": stamp, **fields}  # fmt: skip
        return self.client.post(f"/posts/{self.post_id}/comments", data=data)


def approve_all(app) -> int:
    with app.app_context():
        db.session.execute(sa.update(Comment).values(status=CommentStatus.APPROVED))
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.count(Comment.id)))


def page_comments(page: str) -> list:
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    return [
        article
        for article in root.iter("article")
        if "comment-body" in article.get("class", "").split()
    ]


def check_comment_edit_pages(admin, app, every: int = 1):
    """Comment edit pages, where the author sees name, website and text in form fields."""
    with app.app_context():
        ids = db.session.scalars(sa.select(Comment.id).order_by(Comment.id)).all()
    for comment_id in ids[::every]:
        assert_inert_page(admin.get(f"/admin/comments/{comment_id}/edit"), comment_id)


def test_comment_bodies_through_the_form_are_inert(app, client, auth, make_post):
    post_id, url = open_post(client, make_post, app)
    reader = Commenter(app.test_client(), url, post_id)
    batches = chunks(PAYLOADS, 10)
    for number, batch in enumerate(batches):
        body = f"Batch {number}\n\n" + "\n\n".join(batch)
        response = reader.send(comment=body, email=f"reader{number}@example.com")
        assert response.status_code == 303, (number, response.get_data(as_text=True)[-2000:])
    assert approve_all(app) == len(batches)
    with app.app_context():
        stored = db.session.scalars(sa.select(Comment.body).order_by(Comment.id)).all()
    assert stored == [
        text.clean_text(f"Batch {n}\n\n" + "\n\n".join(b)) for n, b in enumerate(batches)
    ]

    page = assert_inert_page(reader.client.get(url), "post page")
    assert len(page_comments(page)) == len(batches)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{7*7}}" in page
    assert app.config["SECRET_KEY"] not in page
    auth.login_through_session()
    assert_inert_page(client.get(url), "post page, logged in")
    check_comment_edit_pages(client, app)


def test_comment_author_names_through_the_form_are_inert(app, client, auth, make_post):
    post_id, url = open_post(client, make_post, app)
    reader = Commenter(app.test_client(), url, post_id)
    names = pack(PAYLOADS, 100)
    for number, name in enumerate(names):
        response = reader.send(
            comment=f"Comment {number}", author=name, email=f"r{number}@example.com",
            save_details="y",
        )  # fmt: skip
        assert response.status_code == 303, (name, response.get_data(as_text=True)[-2000:])
    assert approve_all(app) == len(names)

    # The saved details now fill the reader's form too.
    page = assert_inert_page(reader.client.get(url), "post page")
    shown = [
        "".join(article.find(".//span[@class='fn']").itertext()) for article in page_comments(page)
    ]
    expected = [typed(name) for name in names]
    assert sorted(shown) == sorted(expected)
    auth.login_through_session()
    assert_inert_page(client.get(url), "post page, logged in")
    check_comment_edit_pages(client, app, every=10)


def embedded_urls() -> list[str]:
    """The URLs inside the payloads (attribute values, Markdown link targets), and a few more."""
    urls = []
    for payload in PAYLOADS:
        for element in parse_fragment(payload).iter():
            if isinstance(element.tag, str):
                urls += [
                    value
                    for name, value in element.attrib.items()
                    if qualified(name).lower() in URL_ATTRIBUTES
                ]
        urls += re.findall(r"\]\(<?([^)\s>]+)", payload)
    urls += [
        "http://example.com/\"><script>alert('url')</script>",
        "https://example.com/' onmouseover='alert(1)",
        "https://example.com/?q=<svg/onload=alert(1)>",
        'http://example.com/#" autofocus onfocus="alert(1)',
    ]
    return list(dict.fromkeys(urls))


def url_payloads() -> list[str]:
    """The payloads as addresses, and the URLs inside payloads on their own.

    A payload without a colon names no scheme and is refused like any bare
    word, so only every tenth of those is sent, to keep the test fast.
    """
    urls = [payload for payload in PAYLOADS if ":" in payload]
    urls += [payload for payload in PAYLOADS if ":" not in payload][::10]
    return list(dict.fromkeys(urls + embedded_urls()))


def test_comment_websites_are_refused_or_inert(app, client, auth, make_post):
    post_id, url = open_post(client, make_post, app)
    reader = Commenter(app.test_client(), url, post_id)
    accepted = refused = 0
    for number, website in enumerate(url_payloads()):
        response = reader.send(
            comment=f"Website {number}", author=f"Reader {number}", url=website,
            email=f"w{number}@example.com", save_details="y",
        )  # fmt: skip
        if response.status_code == 303:
            accepted += 1
            continue
        assert response.status_code == 422, (website, response.status_code)
        body = response.get_data(as_text=True)
        assert 'id="url-error"' in body, (website, body[-2000:])
        # The refused address is shown back in its field, as the value and nothing else.
        field = re.search(r'<input\b[^<>]*\bname="url"[^<>]*>', body)
        assert field, website
        value = re.search(r'\bvalue="([^"<>]*)"', field.group(0))
        assert html.unescape(value.group(1) if value else "") == typed(website), website
        if refused % 10 == 0:
            assert page_problems(body) == [], website
        refused += 1
    assert refused > 100
    # A real address is taken and linked: the check above is not refusing everything.
    response = reader.send(
        comment="A real site", url="https://example.org/me", email="real@example.com"
    )
    assert response.status_code == 303
    assert approve_all(app) == accepted + 1

    page = assert_inert_page(reader.client.get(url), "post page")
    links = [
        a.get("href")
        for article in page_comments(page)
        for a in article.iter("a")
        if "url" in a.get("class", "").split()
    ]
    assert "https://example.org/me" in links
    assert all(url_scheme(link) in ("http", "https") for link in links), links
    auth.login_through_session()
    check_comment_edit_pages(client, app)


def test_moderation_screen_and_post_page_with_stored_payloads_are_inert(
    app, client, auth, make_post
):
    """Whatever is in the table (imported, or from before a validator existed) stays inert.

    Names, emails and websites go straight into the database, unvalidated, so
    the moderation screen's escaping and the post page's ``|web_url`` filter
    are what stands between them and the browser.
    """
    post_id, url = open_post(client, make_post, app)
    statuses = [CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.SPAM,
                CommentStatus.TRASH]  # fmt: skip
    with app.app_context():
        for number, payload in enumerate(PAYLOADS):
            db.session.add(
                Comment(
                    post_id=post_id,
                    body=text.clean_text(payload),
                    author_name=text.clean_text(payload)[:100],
                    author_email=text.clean_text(payload)[:254],
                    author_url=text.clean_text(payload)[:200],
                    author_ip="127.0.0.1",
                    status=statuses[number % len(statuses)],
                )
            )
        # Every URL from the corpus as a shown commenter's website, and one real one.
        websites = [*embedded_urls(), "https://example.org/site"]
        for number, website in enumerate(websites):
            db.session.add(
                Comment(post_id=post_id, body=f"Site {number}", author_name=f"Site {number}",
                        author_email="site@example.com", author_url=website[:200],
                        status=CommentStatus.APPROVED)
            )  # fmt: skip
        db.session.commit()

    page = assert_inert_page(app.test_client().get(url), "post page")
    articles = page_comments(page)
    assert len(articles) == len(PAYLOADS[1::4]) + len(websites)
    links = [a.get("href") for article in articles for a in article.iter("a")
             if "url" in a.get("class", "").split()]  # fmt: skip
    assert "https://example.org/site" in links
    assert all(url_scheme(link) in ("http", "https") for link in links), links
    auth.login_through_session()
    for status in statuses:
        for number in (1, 2):
            listing = client.get(f"/admin/comments?status={status}&page={number}")
            assert_inert_page(listing, f"{status} page {number}")


def test_posts_written_with_payloads_are_inert_on_every_page(app, client, auth, make_post):
    app.config["POSTS_PER_PAGE"] = 1000
    auth.login_through_session()
    titles = pack(PAYLOADS, 200)
    token = csrf_token(client.get("/admin/posts/new"))  # one look at the form, many posts
    bodies = [list(batch) for batch in chunks(PAYLOADS, -(-len(PAYLOADS) // len(titles)))]
    for number, title in enumerate(titles):
        batch = bodies[number % len(bodies)]
        body = "\n\n".join(batch)
        if number % 3 == 1:
            body = batch[0] + "\n\n<!--more-->\n\n" + body
        excerpt = " ".join(batch)[:1000] if number % 3 == 0 else ""
        tags = [
            name
            for payload in batch
            for name in text.split_tags(payload[:64])
            if text.slugify(name) and len(name) <= 64
        ]
        form = {"csrf_token": token, "title": title, "slug": "", "body": body,
                "excerpt": excerpt, "tags": ", ".join(tags), "status": "published",
                "published_at": "", "allow_comments": "y", "save": "Save"}  # fmt: skip
        response = client.post("/admin/posts/new", data=form)
        assert response.status_code == 302, (title, response.get_data(as_text=True)[-3000:])
        if number % 4 == 3:
            client.get("/admin/posts/new")  # shows, and so clears, the "Saved" messages
    with app.app_context():
        posts = db.session.scalars(sa.select(Post)).all()
        assert sorted(post.title for post in posts) == sorted(typed(title) for title in titles)
        ids = [post.id for post in posts]
        tag_slugs = db.session.scalars(sa.select(Tag.slug)).all()
    assert len(tag_slugs) > 50

    home = assert_inert_page(client.get("/"), "home")
    root = html5lib.parse(home, treebuilder="etree", namespaceHTMLElements=False)
    links = [a.get("href") for a in root.iter("a") if a.get("rel") == "bookmark"]
    assert len(links) == len(titles)
    for link in links:
        assert_inert_page(client.get(link), link)
    # Tag pages list the same excerpts as the home page; what is their own is the
    # tag's name, so a sample of them is enough to keep this test fast.
    for slug in tag_slugs[::8]:
        assert_inert_page(client.get(f"/tag/{slug}/"), slug)
    assert_inert_page(client.get("/admin/"), "dashboard")
    for post_id in ids[::6]:
        assert_inert_page(client.get(f"/admin/posts/{post_id}/edit"), post_id)
    auth.logout()
    assert_inert_page(client.get("/"), "home, logged out")
    for link in links[:5]:
        assert_inert_page(client.get(link), link)


def test_post_editor_removes_control_characters_like_the_comment_form(app, client, auth):
    """Typed text loses its control characters before it is stored (see text.clean_text).

    PostgreSQL refuses NUL in text, so without this a NUL in any field of the
    post editor is a server error there, and SQLite stores it.
    """
    auth.login_through_session()
    response = post_form(
        client, "/admin/posts/new",
        {"title": "Ti\x00tle\x01", "body": "Bo\x00dy \x1b[31mred", "excerpt": "Ex\x00cerpt\x7f",
         "tags": "Ta\x00g\x08", "slug": "", "status": "published", "published_at": "",
         "allow_comments": "y", "save": "Save"},
    )  # fmt: skip
    assert response.status_code in (302, 422)
    with app.app_context():
        posts = db.session.scalars(sa.select(Post).options(selectinload(Post.tags))).all()
        stored = [[p.title, p.body, p.excerpt, *(tag.name for tag in p.tags)] for p in posts]
    # Refusing the text is as good as cleaning it; storing it as typed is not.
    expected = [] if response.status_code == 422 else [["Title", "Body [31mred", "Excerpt", "Tag"]]
    assert stored == expected


def test_payloads_in_addresses_are_not_reflected_as_html(app, client, make_post):
    """Paths and query strings: every page answers below 500 and nothing comes back as markup.

    Payloads with NUL are all included: PostgreSQL refuses NUL in a query parameter,
    so a path segment that reaches a query unchecked is a server error there.
    """
    make_post("Reflected", slug="reflected", tags=["Tips"])
    post_url = permalink(client, "Reflected")
    sample = PAYLOADS[::12] + [payload for payload in PAYLOADS if "\x00" in payload]
    failures = []
    for payload in sample:
        for address, params in (
            ("/", {"page": payload}),
            (f"/tag/{payload}/", None),
            ("/tag/tips/", {"page": payload}),
            (f"/2020/01/{payload}/", None),
            (post_url, {"cpage": payload, "replytocom": payload}),
            ("/login", {"next": payload}),
            (f"/no/such/{payload}", None),
        ):
            where = address if params is None else f"{address}?{params}"
            try:
                response = client.get(address, query_string=params)
            except Exception as error:  # the test client re-raises what the view raised
                failures.append(f"{where!r}: {type(error).__name__}")
                continue
            if response.status_code >= 500:
                failures.append(f"{where!r}: status {response.status_code}")
            elif response.mimetype == "text/html" and response.status_code != 308:
                problems = page_problems(response.get_data(as_text=True))
                failures += [f"{where!r}: {problem}" for problem in problems]
    assert failures == [], "\n".join(failures)


def test_control_characters_in_form_fields_are_not_a_server_error(app, client, auth, make_post):
    """NUL in a field the author or a reader can fill: refused or cleaned, never a 500."""
    post_id = make_post("Target", slug="target")
    with app.app_context():
        comment = Comment(post_id=post_id, body="Hi", author_name="Reader",
                          author_email="r@example.com", status=CommentStatus.APPROVED)  # fmt: skip
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id
    nul = "<img src=x onerror\x00=alert(1)>"
    failures = []
    attempts = [
        ("/login", {"username": nul, "password": "x"}),
        (f"/admin/comments/{comment_id}/edit",
         {"author_name": nul, "author_email": "", "author_url": "", "comment": "Hi",
          "status": "approved", "save": "Save"}),
    ]  # fmt: skip
    for number, (address, data) in enumerate(attempts):
        if number == 1:
            auth.login_through_session()
        try:
            response = post_form(client, address, data)
        except Exception as error:  # the test client re-raises what the view raised
            failures.append(f"{address}: {type(error).__name__}: {str(error).splitlines()[0]}")
            continue
        if response.status_code >= 500:
            failures.append(f"{address}: status {response.status_code}")
    with app.app_context():
        name = db.session.get(Comment, comment_id).author_name
    assert "\x00" not in name
    assert failures == [], "\n".join(failures)


def test_post_preview_with_payloads_is_inert(app, client, auth):
    auth.login_through_session()
    for batch in chunks(PAYLOADS, 40):
        response = post_form(
            client,
            "/admin/posts/new",
            {"title": batch[0][:200], "body": "\n\n".join(batch), "excerpt": batch[1][:1000],
             "tags": "", "status": "draft", "preview": "Preview"},
        )  # fmt: skip
        assert_inert_page(response, "preview")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


# --- Unicode round trip -----------------------------------------------------------------------

UNICODE_BODY = (
    "Привет, мир! Ёжик в тумане.\n"
    "Emoji: 👋🏽 🇺🇦 👩‍👩‍👧 ❤️\n\n"
    "עברית: שלום עולם, العربية: مرحبا بالعالم\u200f (RTL)\n"
    "Combining: e\u0301 a\u0308 n\u0303 Z\u0324\u0354\u0367\u0311\u0343 — and 漢字 ǅ ﬁ"
)
UNICODE_NAME = "Zoë Ångström-Łukasz 李 علي"


def test_site_scripts_never_turn_data_into_html():
    """The site's own JavaScript copies page data only as text: no HTML sinks."""
    sinks = re.compile(
        r"\.(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|"
        r"new\s+Function\b|setTimeout\s*\(\s*['\"]|\.srcdoc\b|createContextualFragment"
    )
    scripts = sorted((Path(__file__).parent.parent / "static").rglob("*.js"))
    for script in scripts:
        for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
            assert not sinks.search(line), f"{script.name}:{number}: {line.strip()}"


def test_unicode_comment_round_trip(app, client, make_post):
    post_id, url = open_post(client, make_post, app)
    reader = Commenter(app.test_client(), url, post_id)
    response = reader.send(comment=UNICODE_BODY, author=UNICODE_NAME)
    assert response.status_code == 303
    approve_all(app)
    with app.app_context():
        comment = db.session.scalars(sa.select(Comment)).one()
        assert comment.body == UNICODE_BODY
        assert comment.author_name == UNICODE_NAME

    page = assert_inert_page(reader.client.get(url), "post page")
    (article,) = page_comments(page)
    shown = "".join(article.find(".//div[@class='comment-content']").itertext())
    # Paragraphs and line breaks become markup; the words are exactly what was typed.
    assert shown.split() == UNICODE_BODY.split()
    for line in UNICODE_BODY.splitlines():
        assert line in shown
    assert "".join(article.find(".//span[@class='fn']").itertext()) == UNICODE_NAME
