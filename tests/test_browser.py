"""What the author and a reader do, in headless Chromium against gunicorn."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

BODY = """A post with a table and some code.

| Fruit  | Price |
|--------|------:|
| Apple  |  1.20 |
| Cherry |  4.50 |

```python
def greet(name):
    return f"Hello, {name}!"
```
"""


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/admin/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_author_writes_previews_and_publishes_and_a_reader_finds_it(
    page: Page, browser: Browser, live_server
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server.url)

    page.get_by_role("link", name="New post").first.click()
    page.get_by_label("Title").fill("Fruit prices, with code")
    page.get_by_label("Body").fill(BODY)
    page.get_by_label("Tags").fill("Food, Python")
    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".preview")
    expect(preview.get_by_role("heading", name="Preview — not saved yet")).to_be_visible()
    expect(preview.locator("table td.align-right").first).to_have_text("1.20")
    expect(preview.locator("pre code.language-python")).to_contain_text("def greet(name):")
    expect(page.get_by_label("Body")).to_have_value(BODY)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published “Fruit prices, with code”.")).to_be_visible()
    expect(page.get_by_role("button", name="Update")).to_be_visible()

    reader = browser.new_context().new_page()
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(live_server.url + "/")
    reader.get_by_role("heading", name="Fruit prices, with code").get_by_role("link").click()
    expect(reader).to_have_url(re.compile(r"/\d{4}/\d{2}/fruit-prices-with-code/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Fruit prices, with code")
    expect(reader.locator("article table tbody tr")).to_have_count(2)
    expect(reader.locator("article pre code")).to_contain_text('return f"Hello, {name}!"')
    expect(reader.locator("article").get_by_role("link", name="Python")).to_have_attribute(
        "href", "/tag/python/"
    )
    reader.context.close()
    assert dialogs == []


def test_reader_cannot_reach_the_admin(page: Page, live_server):
    page.goto(live_server.url + "/admin/posts/new")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fadmin%2Fposts%2Fnew$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
