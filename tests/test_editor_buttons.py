"""The editor's buttons and dates say what they do; authors find "Edit" on their posts."""

import re
from datetime import timedelta

import pytest

from blog.models import PostStatus, utcnow
from tests.conftest import permalink, post_form
from tests.test_admin import form_data, stored_posts

BUTTON = re.compile(r'<input[^>]*type="submit"[^>]*value="([^"]+)"')


def buttons(html: str) -> list[str]:
    """The post's own buttons, not the image fieldset's Upload after them."""
    return BUTTON.findall(html.split('class="image-upload"')[0])


def editor(client, post_id: int | None = None) -> str:
    url = f"/admin/posts/{post_id}/edit" if post_id else "/admin/posts/new"
    return client.get(url).get_data(as_text=True)


def test_a_new_post_offers_save_draft_publish_and_preview(client, auth):
    auth.login_through_session()
    html = editor(client)
    assert buttons(html) == ["Save draft", "Publish", "Preview"]
    assert "Empty: published the moment you press Publish." in html
    assert "in the site&#39;s time zone (UTC)" in html or "in the site's time zone (UTC)" in html


def test_a_published_post_offers_update_and_switch_to_draft(client, auth, make_post):
    post_id = make_post("Live")
    auth.login_through_session()
    assert buttons(editor(client, post_id)) == ["Switch to draft", "Update", "Preview"]


def test_a_future_date_makes_the_button_schedule_and_names_the_zone(app, client, auth, make_post):
    app.config["TIME_ZONE"] = "Europe/Berlin"
    post_id = make_post("Later", status=PostStatus.DRAFT)
    auth.login_through_session()
    response = post_form(
        client,
        f"/admin/posts/{post_id}/edit",
        form_data(title="Later", status="draft", published_at="2099-12-03T09:00", preview="Preview",
                  save=None),
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert buttons(html) == ["Save draft", "Schedule", "Preview"]
    assert "Will be published on December 3, 2099 at 09:00, Europe/Berlin." in html
    assert "in the site&#39;s time zone (Europe/Berlin)" in html


def test_schedule_schedules_and_says_when(app, client, auth):
    app.config["TIME_ZONE"] = "Europe/Berlin"
    auth.login_through_session()
    response = post_form(
        client,
        "/admin/posts/new",
        form_data(status="draft", published_at="2099-12-03T09:00", save=None, publish="Schedule"),
        follow_redirects=True,
    )
    assert "Scheduled “A new post” for December 3, 2099 at 09:00, Europe/Berlin." in (
        response.get_data(as_text=True)
    )
    [post] = stored_posts(app)
    assert post.status == PostStatus.PUBLISHED and post.is_scheduled


@pytest.mark.parametrize(
    ("button", "status_field", "status", "message"),
    [
        ({"save_draft": "Save draft"}, "published", PostStatus.DRAFT, "Saved draft “A new post”."),
        ({"publish": "Publish"}, "draft", PostStatus.PUBLISHED, "Published “A new post”."),
        ({"save": "Save"}, "draft", PostStatus.DRAFT, "Saved draft “A new post”."),
    ],
)
def test_each_button_sets_the_status_it_names(app, client, auth, button, status_field, status,
                                              message):  # fmt: skip
    auth.login_through_session()
    data = {**form_data(status=status_field, save=None), **button}
    response = post_form(client, "/admin/posts/new", data, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    [post] = stored_posts(app)
    assert post.status == status


def test_update_says_updated(app, client, auth, make_post):
    post_id = make_post("Live")
    auth.login_through_session()
    data = form_data(title="Live", save=None, publish="Update")
    response = post_form(client, f"/admin/posts/{post_id}/edit", data, follow_redirects=True)
    assert "Updated “Live”." in response.get_data(as_text=True)


def test_switch_to_draft_takes_a_post_off_the_site(app, client, auth, make_post):
    post_id = make_post("Live")
    auth.login_through_session()
    data = form_data(title="Live", save=None, save_draft="Switch to draft")
    post_form(client, f"/admin/posts/{post_id}/edit", data)
    assert stored_posts(app)[0].status == PostStatus.DRAFT


def test_edit_is_shown_only_to_an_author_and_never_from_the_page_cache(
    app, client, auth, make_post
):
    post_id = make_post("Editable", published_at=utcnow() - timedelta(hours=1))
    url = permalink(client, "Editable")
    edit_link = f'href="/admin/posts/{post_id}/edit">Edit'
    anonymous = app.test_client()
    for _ in range(2):  # the second answer may come from the page cache
        assert edit_link not in anonymous.get(url).get_data(as_text=True)
        assert edit_link not in anonymous.get("/").get_data(as_text=True)
    auth.login_through_session()
    assert edit_link in client.get(url).get_data(as_text=True)
    assert edit_link in client.get("/").get_data(as_text=True)
    # The author's page was not stored for readers.
    assert edit_link not in anonymous.get(url).get_data(as_text=True)
    assert edit_link not in app.test_client().get(url).get_data(as_text=True)
