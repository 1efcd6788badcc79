"""Our images in a post's HTML: attributes added after sanitizing, never by the author."""

from blog.media.rendering import first_image, with_absolute_image_urls
from blog.text import render_markdown

SHA = "ab" * 32
ITEM = {
    "sha256": SHA,
    "renditions": [
        {"width": 480, "height": 320, "ext": "webp", "bytes": 1},
        {"width": 960, "height": 640, "ext": "webp", "bytes": 1},
        {"width": 960, "height": 640, "ext": "jpg", "bytes": 1},
    ],
}
SRC = f"/media/ab/{SHA}-960.jpg"


def test_our_image_gets_srcset_sizes_and_its_own_size():
    html = render_markdown(f'<img src="{SRC}" alt="Roof" width="5" height="5">', {SHA: ITEM})
    assert html == (
        f'<img src="{SRC}" alt="Roof" decoding="async" srcset="/media/ab/{SHA}-480.webp 480w,'
        f' /media/ab/{SHA}-960.webp 960w" sizes="(max-width: 42rem) 100vw, 40rem"'
        ' width="960" height="640">'
    )


def test_an_author_cannot_write_srcset_loading_or_sizes():
    html = render_markdown(
        '<img src="https://example.org/a.png" alt="" srcset="javascript:alert(1) 1x"'
        ' sizes="1px" loading="eager" onerror="alert(1)">'
    )
    assert html == '<img src="https://example.org/a.png" alt="" decoding="async">'


def test_an_unknown_hash_is_left_as_a_plain_image():
    html = render_markdown(f"![x]({SRC})")
    assert html == f'<p><img src="{SRC}" alt="x" decoding="async"></p>\n'


def test_only_the_first_image_loads_eagerly():
    html = render_markdown(
        f"![a]({SRC})\n\n![b]({SRC})\n\n![c](https://example.org/c.png)", {SHA: ITEM}
    )
    assert html.count('loading="lazy"') == 2
    assert "loading" not in html.split("<img")[1]


def test_absolute_urls_for_feeds_and_previews():
    html = render_markdown(f"![a]({SRC}) ![b](https://example.org/b.png)", {SHA: ITEM})
    absolute = with_absolute_image_urls(html, "https://blog.example/")
    assert f'src="https://blog.example{SRC}"' in absolute
    assert (
        f'srcset="https://blog.example/media/ab/{SHA}-480.webp 480w, https://blog.example/'
        in absolute
    )
    assert 'src="https://example.org/b.png"' in absolute
    assert first_image(html, "https://blog.example/") == {
        "url": f"https://blog.example{SRC}",
        "width": "960",
        "height": "640",
    }
    assert first_image("<p>No pictures</p>", "https://blog.example/") is None
