"""Turning a submitted post form into rows: slugs, tags, dates."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blog import text
from blog.admin.forms import PostForm
from blog.dates import from_local, site_zone, to_local
from blog.extensions import db
from blog.models import Post, PostStatus, Tag, utcnow
from blog.templating import local_datetime

SLUG_TAKEN = _l("Another post already uses this slug.")


def slug_taken(slug: str, post_id: int | None) -> bool:
    select = sa.select(Post.id).where(Post.slug == slug)
    if post_id is not None:
        select = select.where(Post.id != post_id)
    return db.session.scalar(select.limit(1)) is not None


def unique_slug(title: str, post_id: int | None) -> str:
    """A free slug made from ``title``: 'hello', then 'hello-2', 'hello-3'…"""
    base = text.slugify(title) or "post"
    slug, number = base, 1
    while slug_taken(slug, post_id):
        number += 1
        slug = f"{base}-{number}"
    return slug


def tags_named(names: list[str]) -> list[Tag]:
    """The tags with these names, creating the ones that do not exist yet."""
    wanted = {text.slugify(name): name for name in names}
    found = {
        tag.slug: tag for tag in db.session.scalars(sa.select(Tag).where(Tag.slug.in_(wanted)))
    }
    return [found.get(slug) or Tag(name=name, slug=slug) for slug, name in wanted.items()]


def preview_tags(names: list[str]) -> list[Tag]:
    """Unsaved tags, so that a preview never touches the session."""
    return [Tag(name=name, slug=text.slugify(name)) for name in names]


def preview_copy(post: Post) -> Post:
    """An unsaved stand-in for ``post``: its author and dates, as readers see them."""
    return Post(author=post.author, published_at=post.published_at, created_at=post.created_at)


def form_to_post(form: PostForm, post: Post, *, for_preview: bool = False) -> Post:
    """Copy the form onto ``post`` (a fresh one for a preview, so nothing is written)."""
    with db.session.no_autoflush:  # the look-ups below must not write a half-copied post
        return _copy_form(form, post, for_preview)


def _copy_form(form: PostForm, post: Post, for_preview: bool) -> Post:
    post.title = form.title.data.strip()
    post.slug = form.slug.data or unique_slug(post.title, post.id)
    post.body = form.body.data
    post.excerpt = (form.excerpt.data or "").strip()
    post.status = form.status.data
    post.allow_comments = form.allow_comments.data
    names = text.split_tags(form.tags.data or "")
    post.tags = preview_tags(names) if for_preview else tags_named(names)
    post.published_at = publish_date(form, post)
    if for_preview:
        post.created_at = post.created_at or utcnow()  # a new post has none until it is saved
        post.updated_at = utcnow()
        post.render()
    return post


def publish_date(form: PostForm, post: Post):
    if form.published_at.data is not None:
        return form_date(form)
    if form.status.data == PostStatus.PUBLISHED:
        return post.published_at or utcnow()
    return None


def post_to_form(post: Post, form: PostForm) -> None:
    """Fill an edit form from a stored post."""
    form.title.data = post.title
    form.slug.data = post.slug
    form.body.data = post.body
    form.excerpt.data = post.excerpt
    form.tags.data = ", ".join(tag.name for tag in post.tags)
    form.status.data = post.status
    form.allow_comments.data = post.allow_comments
    if post.published_at is not None:
        form.published_at.data = to_local(post.published_at).replace(tzinfo=None)


def form_date(form: PostForm):
    """The publish date typed in the form, as UTC, or None."""
    return None if form.published_at.data is None else from_local(form.published_at.data)


def publish_label(form: PostForm, post: Post) -> str:
    """What the publishing button does with this post and this date."""
    if post.is_published:
        return _("Update")
    date = form_date(form)
    return _("Schedule") if date is not None and date > utcnow() else _("Publish")


def draft_label(post: Post) -> str:
    return _("Switch to draft") if post.is_published or post.is_scheduled else _("Save draft")


def when(moment) -> str:
    """A date as the author reads it: in the site's time zone, which is named."""
    return _("%(date)s, %(zone)s", date=local_datetime(moment), zone=site_zone().key)


def publish_note(form: PostForm, post: Post) -> str:
    """What the publish date means, said in full under the field."""
    date = form_date(form)
    if date is None:
        if post.published_at is not None and post.status == PostStatus.PUBLISHED:
            return _("Published on %(date)s.", date=when(post.published_at))
        return _("Empty: published the moment you press Publish.")
    if date > utcnow():
        return _("Will be published on %(date)s.", date=when(date))
    return _("Published on %(date)s.", date=when(date))


def saved_message(post: Post, was_live: bool) -> str:
    """The notice after a save: what happened, in the words of the button."""
    if post.status == PostStatus.DRAFT:
        return _("Saved draft “%(title)s”.", title=post.title)
    if post.is_scheduled:
        return _(
            "Scheduled “%(title)s” for %(date)s.", title=post.title, date=when(post.published_at)
        )
    if was_live:
        return _("Updated “%(title)s”.", title=post.title)
    return _("Published “%(title)s”.", title=post.title)


def typed_fields(form: PostForm) -> dict:
    """What the author has typed, as an autosave keeps it (nothing is checked or looked up)."""
    return {
        "title": (form.title.data or "")[:200],
        "slug": (form.slug.data or "")[:200],
        "body": form.body.data or "",
        "excerpt": form.excerpt.data or "",
        "tags": form.tags.data or "",
        "status": form.status.data or PostStatus.DRAFT.value,
        "published_at": form_date(form),
    }


def revision_to_form(revision, form: PostForm) -> None:
    """Fill the editor from an autosave or revision, as the author had it."""
    form.title.data = revision.title
    form.slug.data = revision.slug
    form.body.data = revision.body
    form.excerpt.data = revision.excerpt
    form.tags.data = revision.tags
    form.status.data = revision.status
    if revision.published_at is not None:
        form.published_at.data = to_local(revision.published_at).replace(tzinfo=None)
