"""import-wxr --uploads: the old site's images become media items, without their GPS."""

import io
from pathlib import Path

import sqlalchemy as sa
from defusedxml import ElementTree
from PIL import Image

from blog.extensions import db
from blog.models import MediaItem, Post
from tests.images import photo
from tests.test_media import MEDIA_URL, body_field, upload

OLD = "https://old.example.com/wp-content/uploads"
POST_CONTENT = f"""A day at the beach.

[caption id="attachment_21" align="alignnone" width="300"]<a href="{OLD}/2024/05/beach.jpg">\
<img src="{OLD}/2024/05/beach-300x200.jpg" alt="The beach" width="300" height="200" \
class="size-medium wp-image-21" /></a> Sand and sea[/caption]

<img src="{OLD}/2024/05/gone.jpg" alt="Lost" />

<img src="{OLD}/2024/05/shell-150x150.png" alt="A shell" />"""


def item(wp_id: int, post_type: str, content: str = "", url: str = "", name: str = "") -> str:
    attachment = f"<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>" if url else ""
    return f"""<item>
		<title><![CDATA[{name or f"Item {wp_id}"}]]></title>
		<dc:creator><![CDATA[alice]]></dc:creator>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2024-05-04 10:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[item-{wp_id}]]></wp:post_name>
		<wp:status><![CDATA[{"publish" if post_type == "post" else "inherit"}]]></wp:status>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		{attachment}
	</item>"""


def export_file(folder: Path) -> Path:
    items = [
        item(10, "post", POST_CONTENT, name="Beach day"),
        item(21, "attachment", url=f"{OLD}/2024/05/beach.jpg", name="beach.jpg"),
        item(22, "attachment", url=f"{OLD}/2024/05/unused.jpg", name="unused.jpg"),
        item(23, "attachment", url=f"{OLD}/2024/04/missing.jpg", name="missing.jpg"),
    ]
    path = folder / "export.xml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Old</title><link>https://old.example.com</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://old.example.com</wp:base_site_url>
	<wp:base_blog_url>https://old.example.com</wp:base_blog_url>
	{"".join(items)}
</channel></rss>""")  # fmt: skip
    return path


def uploads_folder(folder: Path) -> Path:
    """beach.jpg and the resized copy WordPress made; unused.jpg; only shell's small copy."""
    uploads = folder / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    (uploads / "beach.jpg").write_bytes(photo(1200, 800))
    (uploads / "beach-300x200.jpg").write_bytes(photo(300, 200))
    (uploads / "unused.jpg").write_bytes(photo(640, 480, colour=(0, 90, 200)))
    shell = io.BytesIO()
    Image.new("RGB", (150, 150), (240, 220, 200)).save(shell, "PNG")
    (uploads / "shell-150x150.png").write_bytes(shell.getvalue())
    return folder / "uploads"


def test_uploads_become_media_items_and_the_urls_point_at_them(app, runner, tmp_path):
    result = runner.invoke(
        args=["import-wxr", str(export_file(tmp_path)), "--uploads", str(uploads_folder(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "Media: 3 images added from the uploads folder" in result.output
    assert f"Not in the uploads folder, left as it was: {OLD}/2024/05/gone.jpg" in result.output
    assert f"Not in the uploads folder, left as it was: {OLD}/2024/04/missing.jpg" in result.output

    with app.app_context():
        items = {item.file_name: item for item in db.session.scalars(sa.select(MediaItem))}
        post = db.session.scalar(sa.select(Post).where(Post.wp_id == 10))
        store = app.extensions["media_storage"]
        beach, unused, shell = items["beach.jpg"], items["unused.jpg"], items["shell-150x150.png"]
        assert (beach.width, beach.height, beach.wp_id) == (1200, 800, 21)  # the original
        assert unused.wp_id == 22 and shell.width == 150
        # Both the link and the resized copy point at the one original, now ours.
        beach_url = "/media/" + beach.file_name_of(beach.fallback)
        assert post.body.count(beach_url) == 2 and "beach-300x200" not in post.body
        assert f"{OLD}/2024/05/gone.jpg" in post.body  # not found: left as it was
        assert "/media/" + shell.file_name_of(shell.fallback) in post.body
        # The caption became a figure; the image has our srcset and its own size.
        assert (
            "<figure>" in post.body_html
            and "<figcaption>Sand and sea</figcaption>" in post.body_html
        )
        assert f'srcset="/media/{beach.sha256[:2]}/{beach.sha256}-480.webp 480w' in post.body_html
        assert 'width="1200" height="800"' in post.body_html
        for name in beach.stored_names() + unused.stored_names():
            data = store.read(name)
            with Image.open(io.BytesIO(data)) as image:
                assert image.getexif().get_ifd(0x8825) == {}  # no GPS
            assert b"Exif" not in data and b"Ada Owner" not in data

    again = runner.invoke(
        args=["import-wxr", str(export_file(tmp_path)), "--uploads", str(tmp_path / "uploads")]
    )
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MediaItem.id))) == 3


def test_without_uploads_attachments_are_skipped_and_urls_kept(app, runner, tmp_path):
    result = runner.invoke(args=["import-wxr", str(export_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert (
        "Skipped: 3 attachments (import with --uploads DIR to bring their files)" in result.output
    )
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.wp_id == 10))
        assert f"{OLD}/2024/05/beach-300x200.jpg" in post.body
        assert db.session.scalar(sa.select(sa.func.count(MediaItem.id))) == 0


def test_a_path_out_of_the_uploads_folder_is_not_read(app, runner, tmp_path):
    (tmp_path / "secret.png").write_bytes(b"not for you")
    export = tmp_path / "export.xml"
    export_file(tmp_path)
    export.write_text(export.read_text().replace("2024/05/gone.jpg", "../secret.png"))
    result = runner.invoke(
        args=["import-wxr", str(export), "--uploads", str(uploads_folder(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "../secret.png" in result.output  # listed as not found


def test_export_wxr_writes_media_as_attachments_and_absolute_image_urls(
    app, client, auth, make_post, runner, tmp_path
):
    auth.login()
    body = body_field(upload(client, alt="A red roof"))
    with app.app_context():
        item = db.session.scalar(sa.select(MediaItem))
        item.alt = "A red roof"
        db.session.commit()
        src = "/media/" + item.file_name_of(item.fallback)
    post_id = make_post("Roofs", body=body, wp_id=5)
    assert post_id and MEDIA_URL.search(body)
    path = tmp_path / "out.xml"
    result = runner.invoke(args=["export-wxr", str(path), "--url", "https://blog.example"])
    assert result.exit_code == 0, result.output
    assert "1 attachments" in result.output
    wp = "{http://wordpress.org/export/1.2/}"
    items = ElementTree.parse(path).getroot().iter("item")
    by_type = {element.findtext(f"{wp}post_type"): element for element in items}
    attachment = by_type["attachment"]
    assert attachment.findtext(f"{wp}attachment_url") == f"https://blog.example{src}"
    assert attachment.findtext(f"{wp}post_id") != "5"  # the post has that id
    assert attachment.findtext(f"{wp}postmeta/{wp}meta_value") == "A red roof"
    content = by_type["post"].findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert f'src="https://blog.example{src}"' in content
