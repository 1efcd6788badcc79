"""blog.models: passwords, UTC datetimes, rendering on write, visibility, constraints."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from blog.extensions import db
from blog.models import (
    Comment,
    CommentStatus,
    Post,
    PostKind,
    PostStatus,
    Tag,
    User,
    UTCDateTime,
    published_posts,
    utcnow,
)
from blog.text import ELLIPSIS
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD

# --- passwords --------------------------------------------------------------


def test_set_password_stores_an_scrypt_hash():
    user = User(username="u", display_name="U")
    user.set_password(TEST_PASSWORD)
    assert user.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in user.password_hash


def test_check_password():
    user = User(username="u", display_name="U")
    user.set_password(TEST_PASSWORD)
    assert user.check_password(TEST_PASSWORD) is True
    assert user.check_password(TEST_PASSWORD + " ") is False
    assert user.check_password(TEST_PASSWORD.upper()) is False
    assert user.check_password("") is False


def test_same_password_hashes_differently_each_time():
    first = User(username="a", display_name="A")
    second = User(username="b", display_name="B")
    first.set_password(TEST_PASSWORD)
    second.set_password(TEST_PASSWORD)
    assert first.password_hash != second.password_hash
    assert first.check_password(TEST_PASSWORD) and second.check_password(TEST_PASSWORD)


def test_user_without_password_hash_cannot_log_in(app):
    user = User(username="nohash", display_name="No Hash")
    assert user.password_hash is None
    assert user.check_password("") is False
    assert user.check_password("None") is False
    assert user.check_password(TEST_PASSWORD) is False
    with app.app_context():
        db.session.add(user)
        db.session.commit()
    with app.app_context():
        stored = db.session.scalar(sa.select(User).where(User.username == "nohash"))
        assert stored.password_hash is None
        assert stored.check_password(TEST_PASSWORD) is False


def test_password_hash_survives_the_database(app, author):
    with app.app_context():
        user = db.session.get(User, author)
        assert user.password_hash.startswith(TEST_HASH_METHOD + "$")
        assert user.check_password(TEST_PASSWORD)
        assert not user.check_password("wrong password, wrong")


# --- UTCDateTime ------------------------------------------------------------


def test_utcnow_is_aware_utc():
    now = utcnow()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_utc_datetime_round_trip(app, make_post):
    # An aware datetime in another zone is stored as the same instant.
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=plus_two)
    post_id = make_post(published_at=moment)
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.published_at.tzinfo is UTC
        assert post.published_at == moment
        assert post.published_at == datetime(2024, 3, 30, 23, 30, 15, 123456, tzinfo=UTC)
        assert post.created_at.tzinfo is UTC
        assert post.updated_at.tzinfo is UTC
        assert abs(utcnow() - post.created_at) < timedelta(minutes=5)


def test_utc_datetime_is_stored_as_naive_utc(app, make_post):
    moment = datetime(2024, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    post_id = make_post(published_at=moment)
    with app.app_context():
        # Read the raw column, bypassing the type decorator.
        raw = db.session.execute(
            sa.select(sa.cast(Post.__table__.c.published_at, sa.String)).where(
                Post.__table__.c.id == post_id
            )
        ).scalar_one()
    assert raw.startswith("2024-06-01 17:00:00")
    assert "+" not in raw[10:] and "-05" not in raw


def test_utc_datetime_comparisons_in_queries(app, make_post):
    moment = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    post_id = make_post(published_at=moment)
    with app.app_context():
        found = db.session.scalar(
            sa.select(Post.id).where(
                Post.published_at
                == datetime(2024, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
            )
        )
        assert found == post_id


def test_utc_datetime_none_round_trip(app, make_post):
    post_id = make_post(status=PostStatus.DRAFT, published_at=None)
    with app.app_context():
        assert db.session.get(Post, post_id).published_at is None


def test_utc_datetime_refuses_naive_datetimes(app, author):
    with app.app_context():
        post = Post(
            title="Naive",
            slug="naive",
            body="x",
            status=PostStatus.PUBLISHED,
            published_at=datetime(2024, 1, 1, 12, 0),
            author_id=author,
        )
        db.session.add(post)
        with pytest.raises(StatementError) as excinfo:
            db.session.commit()
        assert isinstance(excinfo.value.orig, ValueError)
        assert "naive" in str(excinfo.value.orig)
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_utc_datetime_refuses_naive_datetimes_in_queries(app):
    with app.app_context():
        with pytest.raises(StatementError) as excinfo:
            db.session.scalar(sa.select(Post.id).where(Post.published_at < datetime(2024, 1, 1)))
        assert isinstance(excinfo.value.orig, ValueError)
        db.session.rollback()


def test_utc_datetime_type_directly():
    decorator = UTCDateTime()
    dialect = sa.create_engine("sqlite://").dialect
    with pytest.raises(ValueError, match="naive"):
        decorator.process_bind_param(datetime(2024, 1, 1), dialect)
    aware = datetime(2024, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=3)))
    assert decorator.process_bind_param(aware, dialect) == datetime(2024, 1, 1, 0, 0)
    assert decorator.process_result_value(datetime(2024, 1, 1), dialect) == datetime(
        2024, 1, 1, tzinfo=UTC
    )
    assert decorator.process_bind_param(None, dialect) is None
    assert decorator.process_result_value(None, dialect) is None


# --- rendering on write -----------------------------------------------------


def test_post_is_rendered_on_insert(app, make_post):
    post_id = make_post(body="Some *Markdown* <script>alert(1)</script>")
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert "<em>Markdown</em>" in post.body_html
        assert "<script" not in post.body_html
        assert "<em>Markdown</em>" in post.excerpt_html
        assert post.has_more is False


def test_post_insert_renders_excerpt_with_more_marker(app, make_post):
    post_id = make_post(body="Teaser.\n\n<!--more-->\n\nThe rest.")
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert "The rest." in post.body_html
        assert "Teaser." in post.excerpt_html
        assert "The rest" not in post.excerpt_html
        assert post.has_more is True


def test_post_is_rendered_on_insert_without_calling_render(app, author):
    with app.app_context():
        post = Post(title="T", slug="t", body="**bold**", author_id=author)
        assert post.body_html is None
        db.session.add(post)
        db.session.commit()
        post_id = post.id
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.body_html == "<p><strong>bold</strong></p>\n"
        assert post.excerpt_html == "<p><strong>bold</strong></p>\n"


def set_raw_html(post_id: int, body_html: str, excerpt_html: str) -> None:
    """Overwrite the stored HTML behind the ORM's back (no events fire)."""
    table = Post.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == post_id)
        .values(body_html=body_html, excerpt_html=excerpt_html)
    )
    db.session.commit()


def test_post_is_rendered_again_when_body_changes(app, make_post):
    post_id = make_post(body="Old *text*.")
    with app.app_context():
        post = db.session.get(Post, post_id)
        post.body = "New **text**."
        db.session.commit()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.body_html == "<p>New <strong>text</strong>.</p>\n"
        assert "New" in post.excerpt_html
        assert "Old" not in post.excerpt_html


@pytest.mark.parametrize(
    ("body", "changes", "rendered"),
    [
        (
            "Old text.",
            {"body": "Fresh text."},
            {"body_html": "<p>Fresh text.</p>\n", "excerpt_html": "<p>Fresh text.</p>\n"},
        ),
        (
            "The body.",
            {"excerpt": "A teaser <b>written</b> by hand."},
            {
                "body_html": "<p>The body.</p>\n",
                "excerpt_html": f"<p>A teaser &lt;b&gt;written&lt;/b&gt; by hand. {ELLIPSIS}</p>",
                "has_more": True,
            },
        ),
    ],
    ids=["body-over-stale-html", "excerpt"],
)
def test_post_is_rendered_again_over_stale_html_when_body_or_excerpt_change(
    app, make_post, body, changes, rendered
):
    post_id = make_post(body=body)
    with app.app_context():
        set_raw_html(post_id, "STALE BODY", "STALE EXCERPT")
    with app.app_context():
        post = db.session.get(Post, post_id)
        for name, value in changes.items():
            setattr(post, name, value)
        db.session.commit()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert {name: getattr(post, name) for name in rendered} == rendered


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "New title", "status": PostStatus.DRAFT},  # only the title and status
        {"body": "The body.", "title": "Touched"},  # the body set to the same value
    ],
    ids=["only-title-and-status", "same-body"],
)
def test_post_is_not_rendered_again_unless_body_or_excerpt_change(app, make_post, changes):
    post_id = make_post(title="Old title", body="The body.")
    with app.app_context():
        set_raw_html(post_id, "KEPT BODY", "KEPT EXCERPT")
    with app.app_context():
        post = db.session.get(Post, post_id)
        for name, value in changes.items():
            setattr(post, name, value)
        db.session.commit()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert {name: getattr(post, name) for name in changes} == changes
        assert post.body_html == "KEPT BODY"
        assert post.excerpt_html == "KEPT EXCERPT"


def test_updated_at_moves_on_update(app, make_post):
    post_id = make_post()
    old = datetime(2020, 1, 1, tzinfo=UTC)
    with app.app_context():
        table = Post.__table__
        db.session.execute(sa.update(table).where(table.c.id == post_id).values(updated_at=old))
        db.session.commit()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.updated_at == old
        post.title = "Changed"
        db.session.commit()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.updated_at > old
        assert abs(utcnow() - post.updated_at) < timedelta(minutes=5)


# --- visibility -------------------------------------------------------------


def make_unsaved(status, published_at):
    return Post(title="t", slug="t", body="b", status=status, published_at=published_at)


@pytest.mark.parametrize(
    ("status", "offset", "published", "scheduled"),
    [
        (PostStatus.DRAFT, None, False, False),
        (PostStatus.DRAFT, timedelta(days=-1), False, False),
        (PostStatus.DRAFT, timedelta(days=1), False, False),
        (PostStatus.PUBLISHED, timedelta(days=-1), True, False),
        (PostStatus.PUBLISHED, timedelta(seconds=-1), True, False),
        (PostStatus.PUBLISHED, timedelta(days=1), False, True),
        (PostStatus.PUBLISHED, timedelta(minutes=5), False, True),
    ],
)
def test_is_published_and_is_scheduled(status, offset, published, scheduled):
    published_at = None if offset is None else utcnow() + offset
    post = make_unsaved(status, published_at)
    assert post.is_published is published
    assert post.is_scheduled is scheduled


def test_visibility_after_loading_from_the_database(app, make_post):
    past = make_post(title="Past", published_at=utcnow() - timedelta(hours=1))
    future = make_post(title="Future", published_at=utcnow() + timedelta(days=1))
    draft = make_post(title="Draft", status=PostStatus.DRAFT)
    with app.app_context():
        assert db.session.get(Post, past).is_published
        assert not db.session.get(Post, past).is_scheduled
        assert not db.session.get(Post, future).is_published
        assert db.session.get(Post, future).is_scheduled
        assert not db.session.get(Post, draft).is_published
        assert not db.session.get(Post, draft).is_scheduled


def test_display_date():
    created = datetime(2024, 1, 1, tzinfo=UTC)
    published = datetime(2024, 2, 1, tzinfo=UTC)
    post = make_unsaved(PostStatus.PUBLISHED, published)
    post.created_at = created
    assert post.display_date == published
    draft = make_unsaved(PostStatus.DRAFT, None)
    draft.created_at = created
    assert draft.display_date == created


def test_published_posts_excludes_drafts_and_future_posts_newest_first(app, make_post):
    now = utcnow()
    oldest = make_post(title="Oldest", published_at=now - timedelta(days=30))
    newest = make_post(title="Newest", published_at=now - timedelta(minutes=2))
    middle = make_post(title="Middle", published_at=now - timedelta(days=2))
    make_post(title="Draft", status=PostStatus.DRAFT)
    make_post(title="Dated draft", status=PostStatus.DRAFT, published_at=now - timedelta(days=1))
    make_post(title="Scheduled", published_at=now + timedelta(hours=1))
    make_post(title="Far future", published_at=now + timedelta(days=365))
    with app.app_context():
        ids = db.session.scalars(published_posts()).all()
    assert ids and all(isinstance(post, Post) for post in ids)
    assert [post.id for post in ids] == [newest, middle, oldest]


def test_published_posts_ties_are_ordered_newest_id_first(app, make_post):
    moment = utcnow() - timedelta(hours=1)
    first = make_post(title="First", published_at=moment)
    second = make_post(title="Second", published_at=moment)
    with app.app_context():
        ids = [post.id for post in db.session.scalars(published_posts())]
    assert ids == [second, first]


def test_published_posts_is_empty_without_posts(app):
    with app.app_context():
        assert db.session.scalars(published_posts()).all() == []


def test_published_posts_sees_a_scheduled_post_once_its_time_has_come(app, make_post):
    post_id = make_post(title="Soon", published_at=utcnow() + timedelta(days=1))
    with app.app_context():
        assert db.session.scalars(published_posts()).all() == []
        post = db.session.get(Post, post_id)
        post.published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    with app.app_context():
        assert [post.id for post in db.session.scalars(published_posts())] == [post_id]


# --- constraints ------------------------------------------------------------


def test_post_slug_is_unique(app, make_post):
    make_post(title="First", slug="same-slug")
    with pytest.raises(IntegrityError):
        make_post(title="Second", slug="same-slug")
    with app.app_context():
        slugs = db.session.scalars(sa.select(Post.title).where(Post.slug == "same-slug")).all()
        assert slugs == ["First"]


def test_tag_slug_is_unique(app):
    with app.app_context():
        db.session.add(Tag(name="Python", slug="python"))
        db.session.commit()
    with app.app_context():
        db.session.add(Tag(name="python (again)", slug="python"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Tag.id))) == 1


def test_username_is_unique(app, author):
    with app.app_context():
        user = User(username="author", display_name="Impostor")
        user.set_password("another long password")
        db.session.add(user)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        users = db.session.scalars(sa.select(User)).all()
        assert [(user.username, user.display_name) for user in users] == [("author", "Ada Author")]


def test_different_slugs_and_usernames_are_fine(app, make_post):
    make_post(title="One", slug="one")
    make_post(title="Two", slug="two")
    with app.app_context():
        db.session.add_all([Tag(name="A", slug="a"), Tag(name="B", slug="b")])
        db.session.add(User(username="second", display_name="Second"))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(Tag.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_post_status_check_constraint(app, author):
    with app.app_context():
        db.session.add(Post(title="Bad", slug="bad", body="x", status="archived", author_id=author))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize(
    ("model", "column", "values"),
    [(Post, "status", PostStatus), (Post, "kind", PostKind), (Comment, "status", CommentStatus)],
)
def test_check_constraints_allow_exactly_the_enums_values(model, column, values):
    (check,) = [
        c for c in model.__table__.constraints if c.name == f"ck_{model.__tablename__}_{column}"
    ]
    allowed = ", ".join(f"'{value}'" for value in values)
    assert str(check.sqltext) == f"{column} IN ({allowed})"


def test_comment_status_check_constraint(app, make_post):
    post_id = make_post()
    with app.app_context():
        db.session.add(Comment(post_id=post_id, author_name="R", body="x", status="lost"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_reply_joins_its_parents_thread(app, make_post):
    post_id = make_post()
    with app.app_context():
        top = Comment.reply_to(None, post_id=post_id, author_name="R", body="Top")
        db.session.add(top)
        db.session.flush()
        reply = Comment.reply_to(top, post_id=post_id, author_name="S", body="Reply")
        db.session.add(reply)
        db.session.flush()
        deeper = Comment.reply_to(reply, post_id=post_id, author_name="T", body="Deeper")
        db.session.add(deeper)
        db.session.commit()
        assert (top.parent_id, top.root_id, top.thread_id) == (None, None, top.id)
        assert (reply.parent_id, reply.root_id, reply.thread_id) == (top.id, top.id, top.id)
        assert (deeper.parent_id, deeper.thread_id) == (reply.id, top.id)
        in_sql = db.session.scalars(sa.select(Comment.thread_id).order_by(Comment.id)).all()
        assert in_sql == [top.id] * 3


def test_an_authors_comment_is_named_by_their_account_and_approved(app, author, make_post):
    post_id = make_post()
    with app.app_context():
        user = db.session.get(User, author)
        comment = Comment.reply_to(None, post_id=post_id, author=user, body="Thanks")
        assert (comment.user_id, comment.author_name) == (author, "Ada Author")
        assert comment.status == CommentStatus.APPROVED
        post = db.session.get(Post, post_id)
        assert comment.is_by_author_of(post)
        assert not Comment.reply_to(None, post_id=post_id, body="Hi").is_by_author_of(post)


@pytest.mark.parametrize(
    "instance",
    [
        Post(body="Some *text* and <b>more</b>.\n\n<!--more-->\n\nRest", excerpt=""),
        Comment(body="A comment with a https://example.com link"),
    ],
    ids=["post", "comment"],
)
def test_rendered_columns_list_everything_render_sets(instance):
    """A column render() sets but the list misses would get its default in a bulk INSERT."""
    before = dict(vars(instance))
    instance.render()
    changed = {key for key, value in vars(instance).items() if before.get(key) is not value}
    changed -= {"_sa_instance_state"}
    assert changed == set(instance.RENDERED_COLUMNS)
    assert set(instance.rendered_values()) == changed
