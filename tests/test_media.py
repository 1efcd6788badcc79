"""Pictures through the test client: the editor's upload, the files, the library."""

import html as html_module
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from blog.extensions import db
from blog.models import MediaItem, Post
from tests.conftest import csrf_token, permalink, post_form
from tests.images import photo

EDITOR = "/admin/posts/new"
BODY_FIELD = re.compile(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', re.S)
MEDIA_URL = re.compile(r"/media/[0-9a-f]{2}/[0-9a-f]{64}-[0-9]+\.(?:jpg|png|webp)")


def upload_form(data=None, name="roof.jpg", alt="A red roof", **fields):
    return {
        "title": "Holiday",
        "body": "We went to the sea.",
        "status": "draft",
        "image": (io.BytesIO(photo(1200, 800) if data is None else data), name),
        "image_alt": alt,
        "upload": "Upload",
        **fields,
    }


def upload(client, url=EDITOR, **kwargs):
    return post_form(client, url, upload_form(**kwargs), content_type="multipart/form-data")


def body_field(response) -> str:
    field = BODY_FIELD.search(response.get_data(as_text=True)).group(1)
    return html_module.unescape(field).removeprefix("\r\n")  # browsers drop that newline


def media_items(app) -> list[MediaItem]:
    with app.app_context():
        return db.session.scalars(sa.select(MediaItem).order_by(MediaItem.id)).all()


def test_the_author_uploads_and_the_markdown_is_added_with_the_text_kept(app, client, auth):
    auth.login_through_session()
    response = upload(client)
    assert response.status_code == 200
    body = body_field(response)
    assert body.startswith("We went to the sea.\n\n![A red roof](/media/")
    assert 'value="Holiday"' in response.get_data(as_text=True)  # the title is kept
    [item] = media_items(app)
    assert (item.width, item.height, item.file_name, item.alt) == (
        1200,
        800,
        "roof.jpg",
        "A red roof",
    )
    assert [copy["width"] for copy in item.renditions] == [480, 960, 1200, 1200]
    stored = app.extensions["media_storage"]
    assert sorted(stored.names()) == sorted(item.stored_names())
    assert MEDIA_URL.search(body).group(0) == "/media/" + item.file_name_of(item.fallback)
    with app.app_context():
        assert db.session.scalars(sa.select(Post)).all() == []  # nothing saved but the image


def test_the_same_photo_uploaded_twice_is_stored_once(app, client, auth):
    auth.login_through_session()
    first, second = upload(client), upload(client, name="copy.jpg")
    assert MEDIA_URL.search(body_field(first)).group(0) == MEDIA_URL.search(
        body_field(second)
    ).group(0)
    assert len(media_items(app)) == 1


def test_a_missing_alt_is_flagged_in_the_editor(app, client, auth):
    auth.login_through_session()
    response = upload(client, alt="")
    assert "![](/media/" in body_field(response)
    assert "1 image has no alt text" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg",
         "SVG images are not accepted"),
        (b"<html><body>hi</body></html>", "page.jpg", "web page code"),
        (photo(400, 300)[:3000], "cut.jpg", "damaged or incomplete"),
    ],
)  # fmt: skip
def test_a_refused_file_is_a_message_on_the_form_with_the_text_kept(
    app, client, auth, data, name, message
):
    auth.login_through_session()
    response = upload(client, data=data, name=name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert body_field(response) == "We went to the sea."
    assert media_items(app) == []


def test_upload_without_a_file(app, client, auth):
    auth.login_through_session()
    response = post_form(
        client, EDITOR, {**upload_form(), "image": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    assert "Choose an image file to upload." in response.get_data(as_text=True)


def test_over_the_size_limit_is_refused_with_the_text_kept(app, client, auth):
    app.config["MEDIA_MAX_BYTES"] = 50_000
    auth.login_through_session()
    response = upload(client, data=photo(1600, 1200) + b"\0" * 60_000)
    assert response.status_code == 422
    assert "the limit is 0.1 MB" in response.get_data(as_text=True)
    assert body_field(response) == "We went to the sea."
    assert media_items(app) == []


def test_far_over_the_limit_the_request_itself_is_refused(app, client, auth):
    app.config["MEDIA_MAX_BYTES"] = 10_000
    auth.login_through_session()
    response = upload(client, data=b"\xff" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert media_items(app) == []


def test_without_a_csrf_token_nothing_is_stored(app, client, auth):
    auth.login_through_session()
    response = client.post(EDITOR, data=upload_form(), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Your session expired" in response.get_data(as_text=True)
    assert body_field(response) == "We went to the sea."
    assert media_items(app) == []


def test_a_reader_cannot_upload(app, client, author):
    response = client.post(EDITOR, data=upload_form(), content_type="multipart/form-data")
    # The editor's POST without a session is answered with the login form (blog/unsaved.py).
    assert response.status_code == 401 and 'name="password"' in response.get_data(as_text=True)
    assert media_items(app) == []


def test_other_buttons_refuse_a_file_as_before(app, client, auth):
    """Save with a file still saves the post; the file goes nowhere."""
    auth.login_through_session()
    form = {**upload_form(), "save": "Save"}
    del form["upload"]
    response = post_form(client, EDITOR, form, content_type="multipart/form-data")
    assert response.status_code == 302
    assert media_items(app) == []


def uploaded(app, client, auth, **kwargs) -> tuple[MediaItem, str]:
    auth.login_through_session()
    response = upload(client, **kwargs)
    [item] = media_items(app)
    return item, body_field(response)


def test_the_served_file_headers(app, client, auth):
    item, _ = uploaded(app, client, auth)
    url = "/media/" + item.file_name_of(item.srcset[0])
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    fallback = client.get("/media/" + item.file_name_of(item.fallback))
    assert fallback.headers["Content-Type"] == "image/jpeg"
    assert fallback.data[:3] == b"\xff\xd8\xff" and b"Exif" not in fallback.data


@pytest.mark.parametrize(
    "path",
    ["/media/../instance/secret_key", "/media/..%2F..%2Fsetup.cfg", "/media/%2e%2e/setup.cfg",
     "/media//etc/passwd", "/media/ab/../../setup.cfg", "/media/ab/" + "ab" * 32 + "-480.webp",
     "/media/ab/" + "ab" * 32 + "-480.webp%00.html", "/media/C:%5Cwindows"],
)  # fmt: skip
def test_path_tricks_at_the_media_url_find_nothing(app, client, path):
    response = client.get(path, follow_redirects=True)  # "//" is redirected to "/" first
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_saved_post_shows_the_image_responsive(app, client, auth, make_post):
    item, body = uploaded(app, client, auth)
    body += "\n\nMore text.\n\n" + MEDIA_URL.sub(lambda m: m.group(0), body.split("\n\n")[1])
    make_post("With pictures", body=body)
    html = client.get(permalink(client, "With pictures")).get_data(as_text=True)
    images = re.findall(r"<img [^>]*>", html.split('class="entry-content"', 1)[-1])
    first, second = images[0], images[1]
    base = f"/media/{item.sha256[:2]}/{item.sha256}"
    assert f'srcset="{base}-480.webp 480w, {base}-960.webp 960w, {base}-1200.webp 1200w"' in first
    assert 'sizes="(max-width: 42rem) 100vw, 40rem"' in first
    assert 'width="1200" height="800"' in first and 'decoding="async"' in first
    assert "loading=" not in first and 'loading="lazy"' in second


# --- The library at /admin/media -------------------------------------------


def test_the_library_lists_images_with_where_they_are_used(app, client, auth, make_post):
    item, body = uploaded(app, client, auth)
    make_post("Uses it", body=body)
    html = client.get("/admin/media").get_data(as_text=True)
    assert "roof.jpg" in html and "1200 × 800 px" in html
    assert re.search(r"Used in\s*<a href=\"/admin/posts/\d+/edit\">Uses it</a>", html)
    assert f'src="/media/{item.file_name_of(item.srcset[0])}"' in html
    assert f"/admin/media/{item.id}/delete" not in html  # no Delete button while used


def test_the_library_needs_a_login(client, author):
    response = client.get("/admin/media")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_alt_text_is_editable(app, client, auth):
    item, _ = uploaded(app, client, auth)
    page = client.get("/admin/media")
    field = f"media-{item.id}-alt"
    response = client.post(
        f"/admin/media/{item.id}/alt", data={"csrf_token": csrf_token(page), field: " Roof, red "}
    )
    assert response.status_code == 302
    assert media_items(app)[0].alt == "Roof, red"
    missing_token = client.post(f"/admin/media/{item.id}/alt", data={field: "Changed"})
    assert missing_token.status_code == 400 and media_items(app)[0].alt == "Roof, red"


def test_delete_is_refused_while_a_post_uses_the_image(app, client, auth, make_post):
    item, body = uploaded(app, client, auth)
    post_id = make_post("Uses it", body=body)
    token = csrf_token(client.get("/admin/media"))
    response = client.post(
        f"/admin/media/{item.id}/delete", data={"csrf_token": token}, follow_redirects=True
    )
    assert "is used by “Uses it”: remove it from there first." in response.get_data(as_text=True)
    assert len(media_items(app)) == 1
    # Deleting the post never deletes its images...
    client.post(f"/admin/posts/{post_id}/delete", data={"csrf_token": token})
    assert len(media_items(app)) == 1
    # ...the author does, once nothing uses them.
    assert client.post(f"/admin/media/{item.id}/delete").status_code == 400  # no token
    client.post(f"/admin/media/{item.id}/delete", data={"csrf_token": token})
    assert media_items(app) == []
    assert list(app.extensions["media_storage"].names()) == []


def test_insert_into_post_opens_the_editor_with_the_markdown(app, client, auth, make_post):
    item, _ = uploaded(app, client, auth)
    with app.app_context():
        db.session.get(MediaItem, item.id).alt = "The roof"
        db.session.commit()
    post_id = make_post("Existing", body="First words.")
    response = client.get(f"/admin/media/{item.id}/insert?post={post_id}", follow_redirects=True)
    assert body_field(response).startswith("First words.\n\n![The roof](/media/")
    new = client.get(f"/admin/media/{item.id}/insert?post=", follow_redirects=True)
    assert body_field(new).startswith("![The roof](/media/")
    assert client.get("/admin/media/999/insert").status_code == 404


def test_the_library_is_paginated(app, client, auth):
    app.config["MEDIA_PER_PAGE"] = 2
    auth.login_through_session()
    for colour in range(3):
        image = io.BytesIO()
        Image.new("RGB", (20, 10), (colour * 80, 0, 0)).save(image, "PNG")
        upload(client, data=image.getvalue(), name=f"red-{colour}.png")
    first = client.get("/admin/media").get_data(as_text=True)
    assert first.count('class="media-item"') == 2 and "red-2.png" in first
    second = client.get("/admin/media?page=2").get_data(as_text=True)
    assert second.count('class="media-item"') == 1 and "red-0.png" in second
    assert client.get("/admin/media?page=3").status_code == 404


# --- Feeds and link previews -------------------------------------------------


def test_feeds_carry_absolute_image_urls_and_the_post_an_og_image(app, client, auth, make_post):
    item, body = uploaded(app, client, auth)
    make_post("With a picture", body=body + "\n\n![Elsewhere](https://example.org/x.png)")
    auth.logout()
    feed = client.get("/feed/").get_data(as_text=True)
    base = f"http://localhost/media/{item.sha256[:2]}/{item.sha256}"
    assert f'src="{base}-1200.jpg"' in html_module.unescape(feed)
    assert f'srcset="{base}-480.webp 480w, {base}-960.webp 960w' in html_module.unescape(feed)
    assert 'src="https://example.org/x.png"' in html_module.unescape(feed)
    assert 'src="/media/' not in html_module.unescape(feed)
    page = client.get(permalink(client, "With a picture")).get_data(as_text=True)
    assert f'<meta property="og:image" content="{base}-1200.jpg">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="800">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_a_post_without_pictures_has_no_og_image(client, make_post):
    make_post("Words only")
    page = client.get(permalink(client, "Words only")).get_data(as_text=True)
    assert "og:image" not in page and 'content="summary"' in page


# --- Drop or paste into the editor (static/js/media-upload.js) --------------


def test_the_scripts_upload_answers_with_the_markdown(app, client, auth):
    auth.login_through_session()
    token = csrf_token(client.get(EDITOR))
    data = {"csrf_token": token, "image": (io.BytesIO(photo(600, 400)), "pasted.jpg"),
            "image_alt": "Pasted"}  # fmt: skip
    response = client.post("/admin/media/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert re.fullmatch(r"!\[Pasted\]\(/media/[0-9a-f/]+-600\.jpg\)", response.json["markdown"])
    assert len(media_items(app)) == 1


def test_the_scripts_upload_refuses_with_messages(app, client, auth, author):
    anonymous = app.test_client()
    refused = anonymous.post("/admin/media/upload", data={}, content_type="multipart/form-data")
    assert refused.status_code == 302  # to the login page
    auth.login_through_session()
    no_token = client.post(
        "/admin/media/upload", data={"image": (io.BytesIO(photo()), "a.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert no_token.status_code == 422 and "CSRF" in " ".join(no_token.json["errors"])
    token = csrf_token(client.get(EDITOR))
    svg = client.post(
        "/admin/media/upload", content_type="multipart/form-data",
        data={"csrf_token": token, "image": (io.BytesIO(b"<svg></svg>"), "x.svg")},
    )  # fmt: skip
    assert svg.status_code == 422 and "SVG images are not accepted" in svg.json["errors"][0]
    assert media_items(app) == []
