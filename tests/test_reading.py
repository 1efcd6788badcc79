"""The reading experience, proven in Chromium against gunicorn.

Every page type has no axe-core violation of WCAG 2.1 A/AA in light and dark,
fetches nothing from another host, fits a 320 px screen, and can be used with
the keyboard alone; the home page and a post with 100 comments are held up by
nothing but the stylesheet; screenshots of the theme are saved for people to
look at (test-artifacts/screenshots/, printed by the run).
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostKind, PostStatus, Tag, User, utcnow
from blog.revisions import PostRevision
from tests.conftest import TEST_PASSWORD, app_config

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Landmarks, headings in order, one <h1>, everything inside a landmark, a working skip link.
STRUCTURE_RULES = [
    "heading-order", "page-has-heading-one", "region", "skip-link", "landmark-one-main",
    "landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
    "landmark-banner-is-top-level", "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level", "landmark-complementary-is-top-level",
]  # fmt: skip

LONG_CODE_LINE = (
    "    return sorted((reader for reader in readers if reader.enjoys(post)), "
    "key=lambda reader: (reader.last_visit, reader.name, reader.favourite_typeface))"
)
BODY = f"""Good typography is invisible: the reader notices the ideas, not the \
letters. A line of about seventy characters, generous leading and a calm page \
let the eye travel back to the start of the next line without effort, and a \
clear hierarchy tells at a glance what is a title, what is the body and what \
is an aside. This post is a tour of everything a post may hold.

<!--more-->

## Measure and rhythm

A paragraph set too wide tires the eye; too narrow, it breaks the phrases \
apart. Somewhere between sixty and seventy-five characters per line, with a \
line height around one and a half to one and three quarters, reading becomes \
something you stop noticing. *Emphasis* and **strong words** keep their \
meaning, `inline code` stays readable, and [links](https://example.com/typography) \
are underlined so that colour is never the only clue.

> Typography exists to honour content. — Robert Bringhurst

### A list and a picture

- Short lines for lists.
- A second item that goes on for a little while so that it has to wrap on a \
narrow phone screen.
- Third.

<img src="/static/favicon.svg" alt="The blog's icon, wider than a phone" width="400" height="400">

### A wide table

| Font | Weight | Size | Leading | Measure | Tracking | Contrast | Scheme | Device | Width | Mood |
|------|-------:|-----:|--------:|--------:|---------:|---------:|--------|--------|------:|------|
| System UI | 400 | 18 px | 1.7 | 70 ch | 0 | 15.9:1 | light | desktop | 1280 | calm |
| System UI | 400 | 17 px | 1.7 | 38 ch | 0 | 14.2:1 | dark | phone | 320 | still calm |

### Code keeps its shape

```python
def readers_who_enjoy(post, readers):
{LONG_CODE_LINE}
```

A long address with no place to break: \
https://example.com/a/very/long/path/that/never/ends/and/would/push/the/page/sideways/on/a/phone

Search for this post with the word {{word}}.
"""

THREAD = [
    # (key, parent key, author name, by the post author?, text)
    ("grace", None, "Grace Reader", False,
     "I read this on my phone on the train and never had to zoom. The code block "
     "scrolled on its own and the page stayed put."),
    ("ada1", "grace", "Ada Author", True,
     "Thank you! That was the point: nothing should push the page sideways."),
    ("grace2", "ada1", "Grace Reader", False,
     "Does it hold up in dark mode too? I read mostly at night."),
    ("linus", "grace2", "Linus Listener", False,
     "It does here: the colours switch with the system setting, and the "
     "contrast stays comfortable."),
    ("ada2", "linus", "Ada Author", True,
     "Both schemes are checked for contrast on every page, so it should stay that way."),
    ("grace3", "ada2", "Grace Reader", False,
     "Five levels deep and still readable on a small screen. Lovely."),
    ("margaret", None, "Margaret Longname-Withaverylongsurnamethatneverbreaks", False,
     "Printing works as well: the post and this discussion, no buttons, no sidebar. "
     "See https://example.com/print/a/very/long/address/that/has/no/break/at/all for more."),
    ("ada3", "margaret", "Ada Author", True, "Good to hear, Margaret."),
]  # fmt: skip


@dataclass
class Site:
    base: str
    word: str
    post: str  # the post with a threaded discussion, a wide table and long code
    crowded: str  # a post with 100 comments
    tag: str
    archive: str
    reply_to: int  # a comment to reply to (?replytocom=)
    reply_to_name: str
    post_id: int  # the post with a discussion: its editor, revisions and deletion page
    pending_id: int  # the held comment: its edit and reply pages
    page: str  # a page taking comments, with a child page
    page_id: int


def absolute(site: Site, path: str) -> str:
    return site.base + path


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    """Posts and discussions made for reading, in the live blog's database."""
    word = f"kerning{uuid.uuid4().hex[:6]}"
    app = create_app(app_config(live_server.database_url))
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "author"))
        now = utcnow()
        tag = Tag(name="Typography", slug=f"typography-{word}")
        post = Post(
            title="On reading well", slug=f"reading-{word}", body=BODY.format(word=word),
            status=PostStatus.PUBLISHED, published_at=now - timedelta(hours=2),
            author_id=author.id,
        )  # fmt: skip
        post.tags = [tag, Tag(name="Design", slug=f"design-{word}")]
        crowded = Post(
            title="A lively discussion", slug=f"lively-{word}",
            body=f"Everybody has something to say about {word}.",
            status=PostStatus.PUBLISHED, published_at=now - timedelta(hours=1),
            author_id=author.id,
        )  # fmt: skip
        crowded.tags = [tag]
        about = Post(
            kind=PostKind.PAGE, title="About this blog", slug=f"about-{word}",
            body=BODY.format(word=word), status=PostStatus.PUBLISHED, published_at=now,
            author_id=author.id, allow_comments=True,
        )  # fmt: skip
        db.session.add_all([post, crowded, about])
        db.session.flush()
        db.session.add(
            Post(kind=PostKind.PAGE, title="The team", slug=f"team-{word}", body="Us.",
                 status=PostStatus.PUBLISHED, published_at=now, author_id=author.id,
                 parent_id=about.id)
        )  # fmt: skip

        comments: dict[str, Comment] = {}
        moment = now - timedelta(minutes=90)
        for key, parent_key, name, by_author, body in THREAD:
            parent = comments.get(parent_key)
            moment += timedelta(minutes=3)
            comment = Comment.reply_to(
                parent, post_id=post.id,
                user_id=author.id if by_author else None, author_name=name,
                author_email="" if by_author else f"{key}@example.com",
                body=body, status=CommentStatus.APPROVED, created_at=moment,
            )  # fmt: skip
            db.session.add(comment)
            db.session.flush()
            comments[key] = comment
        # One held comment, for the moderation screen.
        pending = Comment(
            post_id=post.id,
            author_name="Pending Pat",
            author_email="pat@example.com",
            author_ip="192.0.2.7",
            body="First time here: is this held for moderation?",
            status=CommentStatus.PENDING,
            held_reason="The first comment from this email address.",
            created_at=moment + timedelta(minutes=1),
        )
        db.session.add(pending)
        # An earlier version of the post, for its revisions page.
        db.session.add(
            PostRevision(
                post_id=post.id, author_id=author.id, title="On reading", slug=post.slug,
                body=BODY.format(word=word).replace("invisible", "<b>unseen</b>"), excerpt="",
                tags="Typography", status=PostStatus.DRAFT, created_at=now - timedelta(hours=3),
            )
        )  # fmt: skip

        # 100 approved comments: 20 threads, each five replies deep.
        for thread in range(20):
            parent = None
            for depth in range(5):
                moment += timedelta(seconds=30)
                comment = Comment.reply_to(
                    parent, post_id=crowded.id,
                    author_name=f"Reader {thread}-{depth}",
                    author_email=f"reader{thread}@example.com",
                    body=f"Comment {depth + 1} of thread {thread + 1}: a few words on {word}.",
                    status=CommentStatus.APPROVED, created_at=moment,
                )  # fmt: skip
                db.session.add(comment)
                db.session.flush()
                parent = comment
        db.session.commit()

        published = post.published_at
        reply_to = comments["linus"]
        result = Site(
            base=live_server.url,
            word=word,
            post=f"/{published:%Y/%m}/{post.slug}/",
            crowded=f"/{crowded.published_at:%Y/%m}/{crowded.slug}/",
            tag=f"/tag/{tag.slug}/",
            archive=f"/{published:%Y/%m}/",
            reply_to=reply_to.id,
            reply_to_name=reply_to.author_name,
            post_id=post.id,
            pending_id=pending.id,
            page=f"/{about.slug}/",
            page_id=about.id,
        )
        db.engine.dispose()
    return result


@pytest.fixture(scope="module")
def author_state(browser: Browser, live_server, site) -> dict:
    """A logged-in author's cookies, to open the admin pages with."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    state = context.storage_state()
    context.close()
    return state


# Every page type: name -> (path, needs the author).
def page_types(site: Site) -> dict[str, tuple[str, bool]]:
    return {
        "home": ("/", False),
        "post-with-comments": (site.post, False),
        "post-reply-form-open": (f"{site.post}?replytocom={site.reply_to}#respond", False),
        "tag": (site.tag, False),
        "archive": (site.archive, False),
        "search-results": (f"/search?q={site.word}", False),
        "search-no-results": (f"/search?q=nothing{site.word}", False),
        "search-empty": ("/search", False),
        "login": ("/login", False),
        "not-found": ("/no/such/page/", False),
        "dashboard": ("/admin/", True),
        "editor": ("/admin/posts/new", True),
        "moderation": ("/admin/comments", True),
        "moderation-spam": ("/admin/comments?status=spam", True),
        "edit-post": (f"/admin/posts/{site.post_id}/edit", True),
        "revisions": (f"/admin/posts/{site.post_id}/revisions", True),
        "delete-post": (f"/admin/posts/{site.post_id}/delete", True),
        "edit-comment": (f"/admin/comments/{site.pending_id}/edit", True),
        "reply-comment": (f"/admin/comments/{site.pending_id}/reply", True),
        "page": (site.page, False),
        "settings": ("/admin/settings", True),
        "pages": ("/admin/pages", True),
        "page-editor": (f"/admin/pages/{site.page_id}/edit", True),
        "menu": ("/admin/menu", True),
        "profile": ("/admin/profile", True),
    }


ADMIN_PAGE_TYPES = [
    "dashboard", "editor", "moderation", "moderation-spam", "edit-post", "revisions",
    "delete-post", "edit-comment", "reply-comment", "settings", "pages", "page-editor", "menu",
    "profile",
]  # fmt: skip
PAGE_TYPES = [
    "home", "post-with-comments", "post-reply-form-open", "tag", "archive", "search-results",
    "search-no-results", "search-empty", "login", "not-found", "page", *ADMIN_PAGE_TYPES,
]  # fmt: skip


def open_page(browser: Browser, site: Site, author_state: dict, name: str, **options) -> Page:
    path, as_author = page_types(site)[name]
    context = browser.new_context(storage_state=author_state if as_author else None, **options)
    page = context.new_page()
    response = page.goto(absolute(site, path))
    assert response.status == (404 if name == "not-found" else 200), (name, response.status)
    if as_author:
        expect(page.get_by_role("button", name="Log out")).to_be_attached()
    return page


def submit_empty_comment_form(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".field-error").first).to_be_visible()


# --- Accessibility -----------------------------------------------------------


def axe_report(page: Page) -> tuple[int, str]:
    """WCAG 2.1 A and AA, and the best-practice rules for the page's structure."""
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            # Rule options win over runOnly's tags: these run too.
            "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
            "resultTypes": ["violations"],
        },
    )
    return results.violations_count, results.generate_report()


# States of the post page reached by using it, beyond the page types.
POST_STATES = ["comment-form-errors", "reply-form-moved", "comment-held"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", [*PAGE_TYPES, *POST_STATES])
def test_every_page_type_has_no_axe_violations(browser: Browser, site, author_state, name, scheme):
    # axe is injected with page.evaluate, which the DevTools protocol runs
    # outside the page's Content-Security-Policy: no bypass_csp needed.
    page_type = "post-with-comments" if name in POST_STATES else name
    page = open_page(browser, site, author_state, page_type, color_scheme=scheme)
    if name == "comment-form-errors":
        submit_empty_comment_form(page)
    elif name == "reply-form-moved":  # by comment-reply.js, under the comment
        page.get_by_role("link", name=f"Reply to {site.reply_to_name}").click()
        expect(page.locator("li.comment > #respond")).to_have_count(1)
    elif name == "comment-held":
        page.get_by_label("Comment", exact=True).fill("A first comment, held for moderation.")
        page.get_by_label("Name", exact=True).fill("Nina New")
        page.get_by_label("Email", exact=True).fill(f"nina-{uuid.uuid4().hex}@example.com")
        with page.expect_navigation():
            page.get_by_role("button", name="Post Comment").click()
        expect(page.locator(".comment-awaiting-moderation")).to_be_visible()
    count, report = axe_report(page)
    page.context.close()
    assert count == 0, f"{name} ({scheme}):\n{report}"


# --- Nothing from elsewhere, nothing blocking but the stylesheet --------------


def test_no_page_requests_anything_from_another_host(browser: Browser, site, author_state):
    live_host = urlsplit(site.base).netloc
    requested: list[str] = []
    elsewhere: list[str] = []

    def only_the_blog(route):
        url = route.request.url
        requested.append(url)
        if urlsplit(url).netloc == live_host:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    for as_author in (False, True):
        context = browser.new_context(storage_state=author_state if as_author else None)
        context.route("**/*", only_the_blog)
        page = context.new_page()
        page.on("websocket", lambda socket: elsewhere.append(socket.url))
        for path, needs_author in page_types(site).values():
            if needs_author == as_author:
                page.goto(absolute(site, path))
                page.wait_for_load_state("networkidle")
        if not as_author:
            page.goto(absolute(site, site.post))
            submit_empty_comment_form(page)
            page.wait_for_load_state("networkidle")
        context.close()
    assert elsewhere == []
    assert any("/static/css/blog.css?v=" in url for url in requested)
    assert any("/static/favicon.svg?v=" in url for url in requested)


@pytest.mark.parametrize("which", ["home", "crowded"])
def test_only_the_stylesheet_blocks_rendering(browser: Browser, site, which):
    page = browser.new_context().new_page()
    page.goto(absolute(site, "/" if which == "home" else site.crowded))
    if which == "crowded":
        expect(page.locator(".comment-list .comment")).to_have_count(100)
        expect(page.get_by_role("heading", name=re.compile("^100 Responses"))).to_be_visible()
    page.wait_for_load_state("load")
    entries = page.evaluate(
        """() => performance.getEntriesByType("resource").map(
            entry => [entry.name, entry.initiatorType, entry.renderBlockingStatus])"""
    )
    blocking = [name for name, _, status in entries if status == "blocking"]
    assert len(blocking) == 1 and re.search(r"/static/css/blog\.css\?v=\w+$", blocking[0]), entries
    head = page.evaluate(
        """() => [...document.head.querySelectorAll("script, link[rel=stylesheet], style")]
            .map(element => element.outerHTML)"""
    )
    stylesheets = [element for element in head if element.startswith("<link")]
    scripts = [element for element in head if element.startswith("<script")]
    assert len(stylesheets) == 1 and not [e for e in head if e.startswith("<style")]
    assert all(" defer" in script for script in scripts)
    assert len(scripts) == (1 if which == "crowded" else 0)
    css = page.request.get(blocking[0]).text()
    assert "@import" not in css and "url(" not in css  # one file, and it loads nothing else
    page.context.close()


# --- Every screen: nothing wider than a 320 px phone --------------------------

OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const clips = element => !["visible", "clip"].includes(getComputedStyle(element).overflowX);
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    // What scrolls inside its own box (a wide table, a code block) is fine.
    let ancestor = element.parentElement, scrolled = false;
    while (ancestor && ancestor !== document.body) {
      if (clips(ancestor)) { scrolled = true; break; }
      ancestor = ancestor.parentElement;
    }
    if (scrolled) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 1) {
      offenders.push(`${element.tagName.toLowerCase()}.${element.className} right=${box.right}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, offenders};
}"""


@pytest.mark.parametrize("name", [*PAGE_TYPES, "crowded"])
def test_nothing_is_wider_than_a_320px_screen(browser: Browser, site, author_state, name):
    viewport = {"width": 320, "height": 640}
    if name == "crowded":
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(absolute(site, site.crowded))
    else:
        page = open_page(browser, site, author_state, name, viewport=viewport)
    result = page.evaluate(OVERFLOW_SCRIPT)
    assert result["scrollWidth"] <= result["innerWidth"], result
    assert result["offenders"] == [], result
    if name == "post-with-comments":
        # The hostile content is really there, and scrolls inside its own box.
        for selector in (".post-body table", ".post-body pre"):
            box = page.locator(selector)
            expect(box).to_have_attribute("tabindex", "0")
            assert box.evaluate("el => el.scrollWidth > el.clientWidth + 50"), selector
        # Five levels deep, a comment still has room for words.
        deepest = page.locator(".children .children .children .children .comment-content")
        assert deepest.first.evaluate("el => el.getBoundingClientRect().width") >= 170
    page.context.close()


# --- The keyboard alone --------------------------------------------------------


def tab_to(page: Page, selector: str, limit: int = 250, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``.

    Each stop must show a visible focus indicator.
    """
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(
            """selector => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                return {
                    match: element.matches(selector),
                    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                    label: element.outerHTML.slice(0, 120),
                };
            }""",
            selector,
        )
        if focused["label"].startswith("<body"):
            continue
        assert focused["outline"], f"no visible focus on {focused['label']}"
        if focused["match"]:
            return
    raise AssertionError(f"{selector} never got the focus in {limit} presses")


def test_a_reader_replies_and_the_author_approves_with_the_keyboard_alone(browser: Browser, site):
    reader = browser.new_context().new_page()
    reader.goto(absolute(site, site.post))
    parent = f"#comment-{site.reply_to}"
    expect(reader.get_by_role("link", name="Cancel reply")).to_be_hidden()

    # Skip to the content, then Tab to "Reply" under Linus's comment.
    tab_to(reader, ".skip-link")
    reader.keyboard.press("Enter")
    tab_to(reader, f"{parent} .comment-reply-link")
    reader.keyboard.press("Enter")
    comment_box = reader.get_by_label("Comment", exact=True)
    expect(comment_box).to_be_focused()
    expect(reader.locator("#reply-title-text")).to_have_text(f"Reply to {site.reply_to_name}")

    # Cancel with the keyboard: the focus goes back to the Reply link.
    tab_to(reader, "#cancel-comment-reply-link", backwards=True)
    reader.keyboard.press("Enter")
    expect(reader.locator("#reply-title-text")).to_have_text("Leave a Reply")
    expect(reader.locator(f"{parent} .comment-reply-link")).to_be_focused()

    # Reply for real.
    reader.keyboard.press("Enter")
    expect(comment_box).to_be_focused()
    reader.keyboard.type("Typed without a mouse, from the first key to the last.")
    tab_to(reader, "#author")
    reader.keyboard.type("Kim Keyboard")
    tab_to(reader, "#email")
    reader.keyboard.type(f"kim-{site.word}@example.com")
    tab_to(reader, "#submit")
    with reader.expect_navigation():
        reader.keyboard.press("Enter")
    held = reader.locator(f"li.comment:has(> {parent}) > ol.children > li.comment")
    expect(held.filter(has_text="Typed without a mouse")).to_contain_text(
        "Your comment is awaiting moderation."
    )

    # The author logs in and approves it, still without a mouse.
    author = browser.new_context().new_page()
    author.goto(absolute(site, "/login?next=/admin/comments"))
    expect(author.get_by_label("Username")).to_be_focused()  # autofocus
    author.keyboard.type("author")
    tab_to(author, "#password")
    author.keyboard.type(TEST_PASSWORD)
    with author.expect_navigation():
        author.keyboard.press("Enter")
    expect(author.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    row = author.locator("tr", has_text="Typed without a mouse")
    row_id = row.get_attribute("id")
    tab_to(author, f'#{row_id} .actions button[formaction*="/approve"]')
    with author.expect_navigation():
        author.keyboard.press("Enter")
    expect(author.get_by_text("Approve: 1 comment.")).to_be_visible()
    author.context.close()

    fresh = browser.new_context().new_page()
    fresh.goto(absolute(site, site.post))
    expect(fresh.locator(f"li.comment:has(> {parent}) > ol.children")).to_contain_text(
        "Typed without a mouse"
    )
    fresh.context.close()
    reader.context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ADMIN_PAGE_TYPES)
def test_no_admin_page_scrolls_sideways(browser: Browser, site, author_state, name, width):
    page = open_page(browser, site, author_state, name, viewport={"width": width, "height": 800})
    result = page.evaluate(OVERFLOW_SCRIPT)
    page.context.close()
    assert result["scrollWidth"] <= result["innerWidth"], result
    assert result["offenders"] == [], result


def test_the_moderation_screen_shows_every_rows_buttons_at_1280px(
    browser: Browser, site, author_state
):
    page = open_page(browser, site, author_state, "moderation",
                     viewport={"width": 1280, "height": 800})  # fmt: skip
    table = page.locator(".comments-table")
    assert table.evaluate("el => el.parentElement.scrollWidth <= el.parentElement.clientWidth")
    buttons = page.locator(".comments-table .actions .link-button")
    assert buttons.count() >= 3
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, buttons.nth(index).inner_text()
    expect(page.locator(".held-reason").first).to_contain_text("first comment")
    page.context.close()


DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


def test_screenshots_of_the_authors_desk(browser: Browser, site, author_state):
    """For the docs: the wide editor with its preview, moderation at 1280 px, a diff."""
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(storage_state=author_state,
                                  viewport={"width": 1600, "height": 1000})  # fmt: skip
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(absolute(site, f"/admin/posts/{site.post_id}/edit"))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".editor.with-preview .preview")).to_be_visible()
    box = page.locator(".preview").bounding_box()
    assert box["x"] > 700  # beside the form, not under it
    page.screenshot(path=DOCS_SCREENSHOTS / "editor-wide-with-preview.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(absolute(site, "/admin/comments"))
    page.screenshot(path=DOCS_SCREENSHOTS / "moderation-1280.png", full_page=True)
    page.goto(absolute(site, f"/admin/posts/{site.post_id}/revisions"))
    expect(page.locator(".revision-diff ins").first).to_be_visible()
    page.screenshot(path=DOCS_SCREENSHOTS / "revision-diff.png", full_page=True)
    context.close()
    assert all(file.stat().st_size > 1000 for file in DOCS_SCREENSHOTS.glob("*.png"))


# --- How it looks: screenshots, the measure, print ----------------------------


def test_screenshots_light_and_dark_phone_and_desktop(browser: Browser, site, capsys):
    """Saved for people to look at; the test checks only that the schemes differ."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    backgrounds = {}
    saved = []
    for width, height in ((375, 812), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            for name, path in (("home", "/"), ("post", site.post)):
                page.goto(absolute(site, path))
                saved.append(SCREENSHOTS / f"{name}-{width}-{scheme}.png")
                page.screenshot(path=saved[-1], full_page=True)
            # What fits on one screen, and the threaded discussion on its own.
            saved.append(SCREENSHOTS / f"post-screen-{width}-{scheme}.png")
            page.screenshot(path=saved[-1])
            saved.append(SCREENSHOTS / f"discussion-{width}-{scheme}.png")
            top = page.locator(".comments-title").bounding_box()
            bottom = page.locator(".comment-list > li").first.bounding_box()  # the deep thread
            page.screenshot(path=saved[-1], full_page=True, clip={
                "x": top["x"] - 16, "y": top["y"] - 16, "width": bottom["width"] + 32,
                "height": bottom["y"] + bottom["height"] - top["y"] + 32,
            })  # fmt: skip
            submit_empty_comment_form(page)
            saved.append(SCREENSHOTS / f"comment-errors-{width}-{scheme}.png")
            page.locator("#respond").screenshot(path=saved[-1])
            backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds["light"] != backgrounds["dark"]
    assert all(file.stat().st_size > 1000 for file in saved)
    with capsys.disabled():
        print(f"\n{len(saved)} screenshots in {SCREENSHOTS}")


def test_the_measure_is_comfortable(browser: Browser, site):
    """About 65-75 characters a line on a desktop, with generous leading."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(absolute(site, site.post))
    measure = page.locator(".post-body > p").first.evaluate(
        """paragraph => {
            const range = document.createRange();
            range.selectNodeContents(paragraph);
            const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
            const style = getComputedStyle(paragraph);
            return {
                characters: paragraph.textContent.replace(/\\s+/g, " ").trim().length,
                lines: lines.size,
                leading: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
            };
        }"""
    )
    per_line = measure["characters"] / measure["lines"]
    assert measure["lines"] >= 4, measure
    assert 60 <= per_line <= 80, measure
    assert 1.5 <= measure["leading"] <= 1.8, measure
    page.context.close()


def test_print_shows_the_post_and_its_comments_only(browser: Browser, site):
    page = browser.new_context().new_page()
    page.goto(absolute(site, site.post))
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".sidebar", ".site-footer", "#respond", ".comment-reply-link",
                   ".post-navigation", ".related-posts", ".skip-link"):  # fmt: skip
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    assert page.locator("form").count() >= 2  # the comment form and the sidebar's search
    assert page.locator("form:visible").count() == 0
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".post-body pre")).to_be_visible()
    expect(page.locator(".comment-list")).to_be_visible()
    expect(page.get_by_text("Five levels deep and still readable")).to_be_visible()
    # Long lines wrap on paper instead of being cut off.
    assert page.locator(".post-body pre").evaluate("el => getComputedStyle(el).whiteSpace") == (
        "pre-wrap"
    )
    # On a page about as wide as A4 paper, nothing sticks out: tables and code wrap.
    page.set_viewport_size({"width": 680, "height": 960})
    result = page.evaluate(OVERFLOW_SCRIPT)
    assert result["scrollWidth"] <= result["innerWidth"] and result["offenders"] == [], result
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=SCREENSHOTS / "post-print.pdf")
    page.context.close()


def test_motion_only_for_those_who_have_not_asked_for_less(browser: Browser, site):
    page = browser.new_context().new_page()
    page.goto(absolute(site, site.post))
    motion = """() => [
        getComputedStyle(document.documentElement).scrollBehavior,
        getComputedStyle(document.querySelector(".post-body a")).transitionDuration,
    ]"""
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(motion) == ["smooth", "0.15s, 0.15s, 0.15s"]
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(motion) == ["auto", "0s"]
    page.context.close()
