"""XSS in a real browser: every payload in ``xss_payloads.txt`` through the real forms.

Each payload is sent into the comment form (body, name, website) and into the
post editor (title, body, excerpt, tags) of the blog under gunicorn, many to a
comment or post. Every page that shows them is then loaded in headless Chromium
with ``alert``/``confirm``/``prompt``/``print`` replaced by recorders, a
``dialog`` listener, setters that notice ``window.__xss`` and ``document.title``
being written, and a ``securitypolicyviolation`` listener. The test fails on any
of those, and on a CSP violation in particular: the sanitizer must stop a payload
before the Content-Security-Policy has to, so the CSP only ever blocks nothing.

After each page has loaded, whatever the sanitizer left that could still run on
a click is looked for as well (an ``on…`` attribute, fired once to see; a
``javascript:`` or ``data:`` link; an iframe, object, embed, base, SVG or MathML
element), and every "Reply" link is clicked, since the page's script copies the
commenter's name into the form's heading.

Forms are sent over HTTP, CSRF token and form stamp read from the page as a
browser would: the author's with the browser context's own client
(``context.request``, whose cookies are the browser's, so "Saved “…”" shows up
in the browser), most readers' with urllib, each from fresh cookies, two at a
time. The pages are loaded and rendered by the browser. Run with ``-s`` to see
the numbers.
"""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from blog import create_app, text
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, Tag, post_tags
from blog.security import CONTENT_SECURITY_POLICY
from tests.conftest import TEST_PASSWORD, app_config
from tests.test_xss import load_payloads

pytestmark = pytest.mark.browser

# --- The corpus: the same file, read the same way as tests/test_xss.py ---------------------

PAYLOADS = [payload for _, payload in load_payloads()]

# Field limits of the forms (blog/comments/forms.py, blog/admin/forms.py).
NAME_MAX = 100
TITLE_MAX = 200
EXCERPT_MAX = 1000
TAGS_MAX = 1000
TAG_MAX = 64
# Payloads per comment body and per post body.
BODY_BATCH = 30


def chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def pack(items: list[str], limit: int, separator: str = " ") -> list[str]:
    """Items joined into strings of at most ``limit`` characters (longer ones cut)."""
    packed: list[str] = []
    for item in items:
        item = item[:limit]
        if packed and len(packed[-1]) + len(separator) + len(item) <= limit:
            packed[-1] += separator + item
        else:
            packed.append(item)
    return packed


URL_IN_PAYLOAD = re.compile(
    r"""\b(?:href|src|action|formaction|data|poster|background|cite|dynsrc|lowsrc|srcset)"""
    r"""\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)|\]\(\s*<?([^)\s>]+)""",
    re.IGNORECASE,
)
# Addresses a website field may well take, each trying to break out of href="…".
CRAFTED_WEBSITES = [
    "http://example.com/\"><script>alert('url1')</script>",
    "https://example.com/' onmouseover='alert(\"url2\")",
    "https://example.com/?q=<svg/onload=alert('url3')>",
    "http://example.com/#\" autofocus onfocus=\"alert('url4')",
    "https://example.com/<img/src/onerror=alert('url5')>",
    "https://javascript:alert('url6')@example.com/",
    "https://example.com/?x=javascript:alert('url7')",
    "HTTPS://EXAMPLE.COM/\"onmouseover=\"alert('url8')",
    "https://example.com/\x00\"><script>alert('url9')</script>",
    "https://example.org/me",
]


def website_payloads() -> list[str]:
    """Every payload as an address, the URLs found inside payloads, and crafted ones."""
    urls = list(PAYLOADS)
    for payload in PAYLOADS:
        for quoted, markdown in URL_IN_PAYLOAD.findall(payload):
            value = (quoted or markdown).strip()
            if value[:1] in "\"'" and value[-1:] == value[:1]:
                value = value[1:-1]
            if value:
                urls.append(value)
    return list(dict.fromkeys(urls + CRAFTED_WEBSITES))


def typed(value: str) -> str:
    """A one-line field's value as stored and shown: control characters gone, ends trimmed."""
    return text.clean_text(value).strip()


def tag_names(payloads: list[str]) -> tuple[list[str], int]:
    """Tag names the editor takes from ``payloads`` (cut to 64), and how many it would refuse.

    A name the editor refuses (no letter or digit) would fail the whole form with
    a field error; it counts as stopped and is left out.
    """
    names, refused = [], 0
    for payload in payloads:
        for name in text.split_tags(payload[:TAG_MAX]):
            if text.slugify(name) and len(name) <= TAG_MAX:
                names.append(name)
            else:
                refused += 1
    return names, refused


# --- What the browser watches ------------------------------------------------------------

# Runs in every frame before the page's own scripts (and is not subject to the CSP).
HOOKS = """
(() => {
  if (window.__xssHooked) return;
  Object.defineProperty(window, "__xssHooked", {value: true});
  const report = (kind, detail) => {
    try { window.__xssReport(kind, String(detail).slice(0, 400)); } catch (e) {}
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const hook = function (message) {
      report(name, message);
      return name === "prompt" ? null : undefined;
    };
    Object.defineProperty(window, name, {value: hook, writable: false, configurable: false});
  }
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get() { return undefined; },
    set(value) { report("window.__xss", value); },
  });
  const title = Object.getOwnPropertyDescriptor(Document.prototype, "title");
  Object.defineProperty(Document.prototype, "title", {
    configurable: false,
    get() { return title.get.call(this); },
    set(value) { report("document.title", value); title.set.call(this, value); },
  });
  document.addEventListener("securitypolicyviolation", (event) => {
    const target = event.target && event.target.outerHTML;
    report("csp", `${event.violatedDirective} blocked=${event.blockedURI} ` +
                  `at ${event.sourceFile}:${event.lineNumber} sample=${event.sample} ` +
                  `element=${target ? target.slice(0, 300) : ""}`);
  }, true);
})();
"""

# After the load: what is left that could run on a click or a hover, fired once to see.
AUDIT = """
async () => {
  if (document.readyState !== "complete") {
    await new Promise((resolve) => window.addEventListener("load", resolve, {once: true}));
  }
  const found = {handlers: [], urls: [], elements: [], replies: [], clicked: 0};
  const snippet = (el) => el.outerHTML.slice(0, 300);
  const URL_ATTRIBUTES = new Set(["href", "xlink:href", "src", "action", "formaction", "data",
    "poster", "background", "codebase", "cite", "dynsrc", "lowsrc", "ping", "srcdoc"]);
  const SAFE = new Set(["http:", "https:", "mailto:"]);
  const ACTIVE = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "portal", "link", "style", "template", "noscript", "form", "svg", "math"]);
  const inBody = (el) => document.body && document.body.contains(el);
  for (const el of document.querySelectorAll("*")) {
    for (const name of el.getAttributeNames()) {
      const lower = name.toLowerCase();
      if (lower.startsWith("on")) {
        found.handlers.push(snippet(el));
        try { el.dispatchEvent(new Event(lower.slice(2))); } catch (e) {}
      } else if (URL_ATTRIBUTES.has(lower)) {
        const value = el.getAttribute(name);
        let protocol = null;
        try { protocol = new URL(value, document.baseURI).protocol; } catch (e) {}
        if (lower === "srcdoc" || (protocol && !SAFE.has(protocol))) {
          found.urls.push(`${lower}=${JSON.stringify(value)} on ${snippet(el)}`);
        }
      }
    }
    const tag = el.localName;
    // getAttribute, not el.action: a control named "action" would shadow the property.
    const address = (name) => new URL(el.getAttribute(name) || "", document.baseURI).href;
    const ownForm = tag === "form" && address("action").startsWith(location.origin + "/");
    const ownScript = tag === "script" && !el.textContent.trim() &&
      address("src").startsWith(location.origin + "/static/");
    if ((inBody(el) && ACTIVE.has(tag) && !ownForm) || (tag === "script" && !ownScript) ||
        (tag === "meta" && el.hasAttribute("http-equiv")) ||
        (el.namespaceURI !== "http://www.w3.org/1999/xhtml")) {
      found.elements.push(snippet(el));
    }
  }
  // The page's script puts "Reply to <name>" (translated by the server) into the form's heading.
  const keepHere = (event) => event.preventDefault();
  window.addEventListener("click", keepHere, true);
  for (const link of document.querySelectorAll("a.comment-reply-link")) {
    link.click();
    found.clicked += 1;
    const heading = document.getElementById("reply-title-text");
    const title = link.dataset.replyTitle;
    if (heading && (heading.children.length || heading.textContent !== title)) {
      found.replies.push(`${heading.innerHTML.slice(0, 300)} for ${snippet(link)}`);
    }
  }
  const cancel = document.getElementById("cancel-comment-reply-link");
  if (cancel && !cancel.hidden) cancel.click();
  window.removeEventListener("click", keepHere, true);
  // Violation events and handlers run in tasks of their own: let them.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return found;
}
"""


@dataclass
class Watch:
    """Everything the browser saw, over all pages, each item with the page it came from."""

    origin: str
    pages: list[str] = field(default_factory=list)
    executions: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)  # securitypolicyviolation events
    csp_console: list[str] = field(default_factory=list)  # the same, as the console says it
    latent: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replies_clicked: int = 0
    labels: dict = field(default_factory=dict)  # browser page -> what it is showing

    def label(self, page) -> str:
        return self.labels.get(page, "?")

    def on_report(self, source, kind: str, detail: str) -> None:
        where = f"{self.label(source['page'])} (frame {source['frame'].url})"
        if kind == "csp":
            self.violations.append(f"{where}: {detail}")
        else:
            self.executions.append(f"{where}: {kind}({detail!r})")

    def on_dialog(self, dialog) -> None:
        self.executions.append(f"{self.label(dialog.page)}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_console.append(f"{self.label(message.page)}: {message.text[:300]}")

    def on_request(self, request) -> None:
        # Nothing a payload names should be fetched (routing them away would cost the cache).
        url = request.url
        if not url.startswith((self.origin + "/", "data:", "about:")):
            try:
                where = self.label(request.frame.page)
            except Exception:  # a frame already gone
                where = "?"
            self.latent.append(f"{where}: a request to {url[:200]}")


class Tab:
    """A browser context with two watched pages (one loads while the other is looked at).

    Its ``request`` is an HTTP client with the context's cookies.
    """

    def __init__(self, browser: Browser, watch: Watch, name: str):
        self.watch = watch
        self.name = name
        self.context: BrowserContext = browser.new_context()
        self.context.expose_binding("__xssReport", watch.on_report)
        self.context.on("request", watch.on_request)
        self.pages: list[Page] = [self.context.new_page() for _ in range(2)]
        for page in self.pages:
            page.add_init_script(HOOKS)  # before every page.goto of this page
            page.on("dialog", watch.on_dialog)
            page.on("console", watch.on_console)
            page.on("pageerror", partial(self.page_error, page))
        self.page = self.pages[0]
        self.expected: dict = {}  # page -> the address it should still be at
        self.request = self.context.request

    def page_error(self, page: Page, error) -> None:
        self.watch.notes.append(f"{self.watch.label(page)}: page error {error}")

    def start(self, page: Page, url: str, carries: str) -> None:
        url = url if url.startswith("http") else self.watch.origin + url
        self.watch.labels[page] = f"[{self.name}] {url}" + (f" ({carries})" if carries else "")
        self.expected[page] = url
        response = page.goto(url, wait_until="commit")
        assert response is not None and response.status == 200, (url, response and response.status)

    def visit(self, url: str, carries: str = "") -> None:
        """Load ``url`` (absolute or a path), let it run, and look at what is left."""
        self.start(self.page, url, carries)
        self.audit(self.page)

    def visit_all(self, visits: Iterable[tuple[str, str]]) -> None:
        """``visit`` each (url, carries), the next one loading while one is looked at."""
        loading = None
        for number, (url, carries) in enumerate(visits):
            page = self.pages[number % 2]
            self.start(page, url, carries)
            if loading is not None:
                self.audit(loading)
            loading = page
        if loading is not None:
            self.audit(loading)

    def landed(self, carries: str) -> None:
        """Look at the page a form submitted in the browser led to."""
        self.watch.labels[self.page] = f"[{self.name}] {self.page.url} ({carries})"
        self.expected[self.page] = self.page.url
        self.audit(self.page)

    def audit(self, page: Page) -> None:
        """Wait for the load event, then look."""
        watch, label = self.watch, self.watch.label(page)
        watch.pages.append(label)
        try:
            found = page.evaluate(AUDIT)
        except PlaywrightError as error:  # the page went elsewhere while being looked at
            watch.executions.append(f"{label}: {error.message.splitlines()[0]} ({page.url})")
            return
        watch.replies_clicked += found["clicked"]
        for kind in ("handlers", "urls", "elements", "replies"):
            watch.latent += [f"{label}: {kind}: {item}" for item in found[kind]]
        if page.url.split("#")[0] != self.expected[page].split("#")[0]:
            watch.executions.append(f"{label}: navigated away to {page.url}")

    def follow(self, path: str, carries: str = "") -> int:
        """Load ``path`` and the pages its rel=next links lead to; returns how many."""
        count = 0
        url: str | None = path
        while url:
            self.visit(url, carries)
            count += 1
            url = self.page.evaluate(
                "() => { const a = document.querySelector('a[rel=next], link[rel=next]');"
                " return a ? a.href : null; }"
            )
        return count

    def close(self) -> None:
        self.context.close()


# --- The live blog's database ------------------------------------------------------------


@pytest.fixture
def live_db(live_server):
    app = create_app(app_config(live_server.database_url))

    def run(work):
        with app.app_context():
            try:
                return work()
            finally:
                db.session.commit()
                db.engine.dispose()

    return run


def set_status(live_db, post_id: int, status: CommentStatus) -> int:
    def work():
        result = db.session.execute(
            sa.update(Comment).where(Comment.post_id == post_id).values(status=status)
        )
        return result.rowcount

    return live_db(work)


def remove_posts(live_db, ids: list[int]) -> None:
    """Take this test's posts away again, with their comments and the tags only they used."""

    def work():
        tag_ids = db.session.scalars(
            sa.select(post_tags.c.tag_id).where(post_tags.c.post_id.in_(ids))
        ).all()
        db.session.execute(sa.delete(Comment).where(Comment.post_id.in_(ids)))
        db.session.execute(sa.delete(post_tags).where(post_tags.c.post_id.in_(ids)))
        db.session.execute(sa.delete(Post).where(Post.id.in_(ids)))
        used = sa.select(post_tags.c.tag_id)
        db.session.execute(sa.delete(Tag).where(Tag.id.in_(tag_ids), Tag.id.not_in(used)))

    live_db(work)


def post_urls(live_db, origin: str, ids: list[int]) -> dict[int, str]:
    def work():
        posts = db.session.scalars(sa.select(Post).where(Post.id.in_(ids))).all()
        return {post.id: f"{origin}/{post.published_at:%Y/%m}/{post.slug}/" for post in posts}

    return live_db(work)


# --- The watch itself sees what it should ------------------------------------------------

CSP = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Content-Type": "text/html"}
RUNS_WITHOUT_CSP = """<!doctype html><title>t</title>
<script>alert("a"); confirm("b"); prompt("c"); print(); window.__xss = 1; document.title = "XSS";
</script><img src="/missing.png" onerror="alert('img')">
<script>const frame = document.createElement("iframe"); document.body.appendChild(frame);
frame.contentWindow.alert("from a new frame");</script>"""
STOPPED_BY_CSP = """<!doctype html><title>t</title>
<img src="/missing.png" onerror="alert(1)"><script>alert(2)</script>
<a href="javascript:alert(3)">x</a><p onmouseover="alert(4)">hover</p>
<iframe srcdoc="x"></iframe><svg><a href="/"><text>x</text></a></svg>"""


def test_the_watch_sees_code_run_and_the_csp_block_it(browser: Browser):
    watch = Watch(origin="http://xss.test")
    tab = Tab(browser, watch, "check")
    pages = {
        "/runs": (RUNS_WITHOUT_CSP, {"Content-Type": "text/html"}),
        "/csp": (STOPPED_BY_CSP, CSP),
    }

    def serve(route):
        path = urllib.parse.urlsplit(route.request.url).path
        body, headers = pages.get(path, ("", {"Content-Type": "text/plain"}))
        route.fulfill(status=200 if path in pages else 404, body=body, headers=headers)

    tab.context.route("http://xss.test/**", serve)
    try:
        tab.visit("/runs")
        ran = "\n".join(watch.executions)
        for call in ("alert('a')", "confirm('b')", "prompt('c')", "print(", "window.__xss('1')",
                     "document.title('XSS')", "alert('img')", "from a new frame"):  # fmt: skip
            assert call in ran, (call, watch.executions)
        assert watch.violations == watch.csp_console == []
        watch.executions.clear()

        tab.visit("/csp")
        assert watch.executions == []
        blocked = "\n".join(watch.violations)
        assert blocked.count("script-src-attr") == 2, watch.violations  # img, and p when fired
        assert blocked.count("script-src-elem") == 1, watch.violations
        assert len(watch.csp_console) == 3, watch.csp_console
        left = "\n".join(watch.latent)
        for what in ("handlers: <img", "handlers: <p", 'urls: href="javascript:alert(3)"',
                     'urls: srcdoc="x"', "elements: <iframe", "elements: <svg"):  # fmt: skip
            assert what in left, (what, watch.latent)
    finally:
        tab.close()


# --- A reader's HTTP client, for sending many comments ----------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is an answer to look at, not to follow


class Reader:
    """A reader without a browser: fetches the post page for a fresh form, then sends it.

    Each comment starts from new cookies, as from another reader, so that the
    page does not fill up with this reader's own held comments.
    """

    def __init__(self, page_url: str, comments_url: str):
        self.page_url = page_url
        self.comments_url = comments_url
        self.page = ""

    def fresh(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )
        self.page = self.fetch(self.page_url)[1]

    def fetch(self, url: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def send(self, **fields) -> tuple[int, str]:
        """Send the form on the page last seen; a refused form's page is the next one."""
        if not self.page:
            self.fresh()
        form = {**hidden_fields(self.page), "parent_id": "", "phone": "", "url": "", **fields}
        status, page = self.fetch(self.comments_url, form)
        self.page = page if status == 422 else ""
        return status, page


def hidden_fields(html: str) -> dict[str, str]:
    """The CSRF token and the form's signed stamp, as the browser would send them."""
    fields = {}
    for name in ("csrf_token", "issued"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"', html)
        if match:
            fields[name] = match.group(1)
    return fields


def in_two(work, items: list) -> list:
    """``work(items)`` for two halves of ``items`` at once (gunicorn runs two workers)."""
    with ThreadPoolExecutor(2) as pool:
        halves = pool.map(work, [items[0::2], items[1::2]])
        return [result for half in halves for result in half]


# --- The test ----------------------------------------------------------------------------


def test_no_payload_runs_or_reaches_the_csp_on_any_page(browser: Browser, live_server, live_db):
    started = time.monotonic()
    origin = live_server.url
    watch = Watch(origin=origin)
    run = uuid.uuid4().hex[:6]  # the live server is shared by the session's tests
    problems: list[str] = []  # submissions that did not go as a browser's would
    stats: Counter = Counter()
    laps: dict[str, float] = {}

    def lap(name: str) -> None:
        laps[name] = round(time.monotonic() - started - sum(laps.values()), 1)
        print(f"{name}: {laps[name]}s, {len(watch.pages)} pages so far")

    author = Tab(browser, watch, "author")
    reader = Tab(browser, watch, "reader")
    post_ids: list[int] = []
    target_id = None
    try:
        # The author logs in through the real login form.
        author.visit("/login?next=/admin/posts/new")
        author.page.get_by_label("Username").fill("author")
        author.page.get_by_label("Password").fill(TEST_PASSWORD)
        with author.page.expect_navigation():
            author.page.get_by_role("button", name="Log in").click()
        author.landed("after logging in")
        token = hidden_fields(author.page.content())["csrf_token"]

        def save_post(number: int, **fields) -> str | None:
            """Save a post through the editor; returns the editor's address it leads to."""
            form = {"csrf_token": token, "slug": f"xss-{run}-{number}", "excerpt": "",
                    "tags": "", "status": "published", "published_at": "",
                    "allow_comments": "y", "save": "Save", **fields}  # fmt: skip
            response = author.request.post(origin + "/admin/posts/new", form=form, max_redirects=0)
            if response.status != 302:
                problems.append(f"post {number} {fields}: status {response.status}")
                return None
            return response.headers["location"]

        def post_id_in(location: str) -> int:
            return int(re.search(r"/admin/posts/(\d+)/edit", location).group(1))

        # --- Comments: name and body, then website, through the reader's form ----------
        location = save_post(0, title=f"Comments {run}", body="Say something.")
        author.visit(location, "editor of the post for comments")
        target_id = post_id_in(location)
        target = post_urls(live_db, origin, [target_id])[target_id]
        comments_url = f"{origin}/posts/{target_id}/comments"
        comment_names = pack(PAYLOADS, NAME_MAX)
        comment_bodies = ["\n\n".join(batch) for batch in chunks(PAYLOADS, BODY_BATCH)]
        numbered = [
            (number, name, comment_bodies[number] if number < len(comment_bodies) else "")
            for number, name in enumerate(comment_names)
        ]

        def send_comments(items) -> list[str]:
            client, failed = Reader(target, comments_url), []
            for number, name, body in items:
                status, _ = client.send(
                    author=name, email=f"n{number}-{run}@example.com",
                    comment=body or f"Comment {number} of run {run}.",
                )  # fmt: skip
                if status != 303:
                    failed.append(f"comment {number} with name {name!r}: status {status}")
            return failed

        # The last few from the reader's browser, which then sees them while they are held.
        problems += in_two(send_comments, numbered[:-5])
        for number, name, body in numbered[-5:]:
            page = reader.request.get(target).text()
            form = {**hidden_fields(page), "parent_id": "", "phone": "", "url": "",
                    "author": name, "email": f"n{number}-{run}@example.com",
                    "comment": body or f"Comment {number} of run {run}.",
                    "save_details": "y"}  # fmt: skip
            response = reader.request.post(comments_url, form=form, max_redirects=0)
            if response.status != 303:
                problems.append(f"comment {number} with name {name!r}: {response.status}")
        lap("comments")

        def send_websites(websites) -> list[tuple[str, str]]:
            client, outcomes = Reader(target, comments_url), []
            for number, website in websites:
                status, page = client.send(
                    author=f"Site {number}", email=f"w{number}-{run}@example.com",
                    comment=f"Website {number} of run {run}.", url=website,
                )  # fmt: skip
                if status == 303:
                    outcomes.append(("accepted", website))
                elif status == 422 and 'id="url-error"' in page:
                    outcomes.append(("refused", website))  # a field error: stopped
                else:
                    outcomes.append(("failed", f"website {website!r}: status {status}"))
            return outcomes

        outcomes = in_two(send_websites, list(enumerate(website_payloads())))
        accepted = [website for outcome, website in outcomes if outcome == "accepted"]
        refused = [website for outcome, website in outcomes if outcome == "refused"]
        problems += [detail for outcome, detail in outcomes if outcome == "failed"]
        # The reader's browser remembers one of the accepted ones, and a name, for next time.
        page = reader.request.get(target).text()
        saved_url = (accepted or CRAFTED_WEBSITES)[-1]
        form = {**hidden_fields(page), "parent_id": "", "phone": "", "url": saved_url,
                "author": comment_names[-1], "email": f"saved-{run}@example.com",
                "comment": f"Saved details of run {run}.", "save_details": "y"}  # fmt: skip
        response = reader.request.post(comments_url, form=form, max_redirects=0)
        assert response.status == 303, (saved_url, response.status)
        lap("websites")

        # --- Pages, while every comment waits for moderation -----------------------------
        reader.visit(target, "own held comments, saved details in the form")
        # Not a vacuous look: the payloads are on the page, as text and as field values.
        assert reader.page.locator(".comment-awaiting-moderation").count() == 6
        assert reader.page.input_value("#author") == typed(comment_names[-1])
        assert reader.page.input_value("#url") == typed(saved_url)
        stats["pending pages"] = author.follow("/admin/comments?status=pending", "pending tab")

        # --- Pages, with every comment approved -----------------------------------------
        set_status(live_db, target_id, CommentStatus.APPROVED)
        reader.visit(target, "approved comments, newest page")
        cpages = reader.page.evaluate(
            "() => Math.max(1, ...[...document.querySelectorAll('nav.comment-pages li')]"
            ".map((item) => Number(item.textContent.trim()) || 1))"
        )
        # The newest page was the one above.
        reader.visit_all([(f"{target}?cpage={n}", f"comment page {n}") for n in range(1, cpages)])
        stats["comment pages"] = cpages
        comment_ids = live_db(
            lambda: db.session.scalars(
                sa.select(Comment.id).where(Comment.post_id == target_id).order_by(Comment.id)
            ).all()
        )
        sample = comment_ids[:: max(1, len(comment_ids) // 8)]
        reader.visit_all([(f"{target}?replytocom={c}", f"reply to comment {c}") for c in sample])
        stats["approved pages"] = author.follow("/admin/comments?status=approved", "approved")
        author.visit(target, "as the author")
        author.visit_all(
            [(f"/admin/comments/{c}/{what}", f"{what} comment {c}")
             for c in sample for what in ("edit", "reply")]
        )  # fmt: skip
        set_status(live_db, target_id, CommentStatus.SPAM)
        stats["spam pages"] = author.follow("/admin/comments?status=spam", "spam tab")
        set_status(live_db, target_id, CommentStatus.TRASH)
        stats["trash pages"] = author.follow("/admin/comments?status=trash", "trash tab")
        set_status(live_db, target_id, CommentStatus.APPROVED)
        lap("comment pages")

        # --- Posts: title, body, excerpt and tags through the editor -------------------
        titles = pack(PAYLOADS, TITLE_MAX)
        bodies = chunks(PAYLOADS, BODY_BATCH)
        excerpts = pack(PAYLOADS, EXCERPT_MAX)
        names, refused_tags = tag_names(PAYLOADS)
        tag_fields = pack(names, TAGS_MAX, ", ")
        count = max(len(titles), len(bodies) + len(excerpts), len(tag_fields))
        titles += [f"Plain post {number}" for number in range(count - len(titles))]
        # The last posts carry the tags: every reader's page lists every tag in its
        # sidebar, so the pages of the others are quicker to load before those exist.
        first_tagged = len(titles) - len(tag_fields) + 1

        def saved_posts(numbers: range):
            """Save each post; the editor it leads to loads while the next one is sent."""
            for number in numbers:
                title = titles[number - 1]
                batch = bodies[number - 1] if number <= len(bodies) else []
                body = "\n\n".join(batch) or f"Post {number} of run {run}."
                if number % 3 == 1 and batch:  # the excerpt is what comes before the marker
                    body = batch[0] + "\n\n<!--more-->\n\n" + body
                # An excerpt of its own where the body has no payloads to make one from.
                index = number - 1 - len(bodies)
                excerpt = excerpts[index] if 0 <= index < len(excerpts) else ""
                tags = tag_fields[number - first_tagged] if number >= first_tagged else ""
                location = save_post(number, title=title, body=body, excerpt=excerpt, tags=tags)
                if location is not None:
                    post_ids.append(post_id_in(location))
                    # "Saved “<title>”" and every field filled in, as the author lands on it.
                    yield location, f"editor of post {number}"

        urls: dict[int, str] = {}
        for numbers in (range(1, first_tagged), range(first_tagged, len(titles) + 1)):
            done = len(post_ids)
            author.visit_all(saved_posts(numbers))
            urls.update(post_urls(live_db, origin, post_ids[done:]))
            reader.visit_all(
                [(urls[post], f"post {n}") for n, post in enumerate(post_ids[done:], done + 1)]
            )
        lap("posts")
        reader.visit(urls[post_ids[0]], "post 1, again")
        assert reader.page.locator("h1.post-title").text_content() == typed(titles[0])
        stats["home pages"] = reader.follow("/", "home")
        tag_slugs = live_db(
            lambda: db.session.scalars(
                sa.select(Tag.slug)
                .join(post_tags, post_tags.c.tag_id == Tag.id)
                .where(post_tags.c.post_id.in_(post_ids))
                .distinct()
                .order_by(Tag.slug)
            ).all()
        )
        # Every reader's page lists every tag in its sidebar; a tag's page adds a heading.
        some_tags = tag_slugs[:: max(1, len(tag_slugs) // 20)]
        reader.visit_all([(f"/tag/{slug}/", f"tag {slug}") for slug in some_tags])
        author.visit("/admin/", "dashboard")
        lap("home, tags, dashboard")

        # Previews, through the editor's own Preview button.
        author.visit("/admin/posts/new", "new post")
        for number, batch in enumerate(chunks(PAYLOADS, BODY_BATCH)):
            author.page.evaluate(
                """([title, body, excerpt, tags]) => {
                  const set = (id, value) => { document.getElementById(id).value = value; };
                  set("title", title); set("body", body); set("excerpt", excerpt);
                  set("tags", tags);
                }""",
                [batch[0][:TITLE_MAX], "\n\n".join(batch), " ".join(batch)[:EXCERPT_MAX],
                 ", ".join(tag_names(batch)[0])[:TAGS_MAX]],
            )  # fmt: skip
            with author.page.expect_navigation():
                author.page.get_by_role("button", name="Preview").click()
            author.landed(f"preview {number}")
        lap("previews")
    finally:
        author.close()
        reader.close()
        # The live server is the session's: later tests need not page through all this.
        remove_posts(live_db, [*post_ids, *([target_id] if target_id else [])])

    seconds = time.monotonic() - started
    summary = (
        f"\nXSS in the browser: {len(PAYLOADS)} payloads tried "
        f"({len(titles)} titles, {len(bodies)} post bodies, {len(excerpts)} excerpts, "
        f"{len(tag_fields)} tag fields with {len(names)} tag names "
        f"[{refused_tags} refused by the form, {len(tag_slugs)} tags stored], "
        f"{len(comment_names)} comments carrying names and bodies, "
        f"{len(accepted) + len(refused)} websites: {len(accepted)} accepted, "
        f"{len(refused)} refused); {len(watch.pages)} pages loaded: "
        f"{len(post_ids) + 1} posts and their editors, {stats['comment pages']} comment pages, "
        f"{stats['home pages']} home pages, moderation tabs {stats['pending pages']}/"
        f"{stats['approved pages']}/{stats['spam pages']}/{stats['trash pages']} pages; "
        f"{watch.replies_clicked} Reply links clicked; "
        f"{len(watch.executions)} executions, {len(watch.violations)} CSP violations "
        f"({len(watch.csp_console)} CSP messages in the console), "
        f"{len(watch.latent)} latent; {seconds:.1f}s {laps}"
    )
    print(summary)
    for note in watch.notes[:20]:
        print("note:", note)
    failures = (
        [f"EXECUTED {item}" for item in watch.executions]
        + [f"CSP VIOLATION {item}" for item in watch.violations]
        + [f"CSP MESSAGE {item}" for item in watch.csp_console]
        + [f"LEFT IN THE PAGE {item}" for item in watch.latent]
        + [f"FORM {item}" for item in problems]
    )
    assert failures == [], summary + "\n" + "\n".join(failures[:60])
