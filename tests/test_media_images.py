"""Uploaded bytes in, clean resized images out (blog/media/images.py)."""

import io
import random

import pytest
from PIL import Image

from blog.media.images import ImageRefused, process, target_widths
from tests.images import photo, png, png_bomb, top_marked

WIDTHS = (480, 960, 1600, 2400)


def made(data: bytes, max_pixels=50_000_000):
    return process(data, widths=WIDTHS, fallback_width=1600, max_pixels=max_pixels)


def every_file(result) -> list[bytes]:
    return [copy.data for copy in (*result.webp, result.fallback)]


def test_gps_camera_and_owner_are_gone_from_every_file():
    original = photo(1000, 750)
    assert b"Ada Owner" in original and b"SN-123456789" in original  # the test photo has them
    with Image.open(io.BytesIO(original)) as source:
        assert source.getexif().get_ifd(0x8825)  # GPS
    for data in every_file(made(original)):
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            assert dict(exif) == {} and exif.get_ifd(0x8825) == {}
            assert "xmp" not in image.info and "exif" not in image.info
        for trace in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"xmpmeta", b"Photoshop 3.0",
                      b"Ada Owner", b"SN-123456789", b"PhoneMaker"):  # fmt: skip
            assert trace not in data


def test_a_photo_rotated_by_exif_comes_out_upright():
    result = made(top_marked(400, 200, orientation=6))
    assert (result.width, result.height) == (400, 200)
    for data in every_file(result):
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGB")
            red, _, blue = image.getpixel((image.width // 2, image.height // 4))
            assert red > 200 and blue < 60  # the top is red
            red, _, blue = image.getpixel((image.width // 2, image.height * 3 // 4))
            assert blue > 200 and red < 60


def test_widths_are_made_but_never_upscaled():
    result = made(photo(1200, 900))
    assert [copy.width for copy in result.webp] == [480, 960, 1200]
    assert result.fallback.width == 1200 and result.fallback.extension == "jpg"
    assert [copy.height for copy in result.webp] == [360, 720, 900]
    small = made(photo(300, 200))
    assert [copy.width for copy in small.webp] == [300] and small.fallback.width == 300
    big = made(photo(3000, 1500))
    assert [copy.width for copy in big.webp] == [480, 960, 1600, 2400]
    assert big.fallback.width == 1600
    for copy in big.webp:
        with Image.open(io.BytesIO(copy.data)) as image:
            assert image.format == "WEBP" and image.size == (copy.width, copy.height)


@pytest.mark.parametrize(
    ("original", "widths", "expected"),
    [(5000, WIDTHS, [480, 960, 1600, 2400]), (2400, WIDTHS, [480, 960, 1600, 2400]),
     (481, WIDTHS, [480, 481]), (480, WIDTHS, [480]), (10, WIDTHS, [10])],
)  # fmt: skip
def test_target_widths(original, widths, expected):
    assert target_widths(original, widths) == expected


def test_a_png_keeps_png_as_its_fallback_and_its_transparency():
    result = made(png(64, 48))
    assert result.fallback.extension == "png"
    with Image.open(io.BytesIO(result.fallback.data)) as image:
        assert image.mode == "RGBA" and image.getpixel((1, 1))[3] == 128


def test_a_gif_gives_its_first_frame():
    frames = [Image.new("P", (40, 30), colour) for colour in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    result = made(out.getvalue())
    assert result.fallback.extension == "png" and result.webp[0].width == 40


REFUSED = {
    "png bomb": (png_bomb(), "too many pixels"),
    "truncated jpeg": (photo(800, 600)[:5000], "damaged or incomplete"),
    "jpeg with a script appended": (
        photo(200, 100) + b"<script>alert(document.cookie)</script>",
        "web page code",
    ),
    "html named .jpg": (b"<!DOCTYPE html><html><body>hello</body></html>", "web page code"),
    "plain text": (b"just some words, not a picture", "not an image we can read"),
    "svg with script": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "SVG images are not accepted",
    ),
    "svg without a prolog": (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
    "empty": (b"", "not an image we can read"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_a_message(name):
    data, message = REFUSED[name]
    with pytest.raises(ImageRefused, match=message):
        made(data)


def test_between_the_limit_and_twice_it_is_refused_too():
    """Pillow only warns there; a warning is no defence on a server."""
    with pytest.raises(ImageRefused, match="too many pixels"):
        made(photo(400, 300), max_pixels=100_000)


@pytest.mark.parametrize("original", [photo(120, 90), png(40, 30)], ids=["jpeg", "png"])
def test_damaged_files_are_refused_never_an_error(original):
    """Bytes flipped anywhere: an image, or a refusal with a message; nothing else escapes."""
    rng = random.Random(13)
    for _ in range(60):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            made(bytes(damaged))
        except ImageRefused as refusal:
            assert str(refusal)
