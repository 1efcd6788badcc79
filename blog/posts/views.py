import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from blog.dates import to_local
from blog.extensions import db
from blog.models import Post, Tag
from blog.pagination import page_arg
from blog.posts import bp, queries


def per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


@bp.route("/")
def index():
    """The newest published posts."""
    pagination = queries.home_page(page_arg(), per_page())
    return render_template("posts/index.html", pagination=pagination)


@bp.route("/tag/<slug>/")
def tag(slug: str):
    """Published posts with one tag."""
    tag = db.first_or_404(sa.select(Tag).where(Tag.slug == slug))
    pagination = queries.tag_page(tag, page_arg(), per_page())
    return render_template("posts/tag.html", tag=tag, pagination=pagination)


@bp.route("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<slug>/")
def post(year: int, month: int, slug: str):
    """One post; drafts and scheduled posts only for the logged-in author."""
    post = queries.post_by_slug(slug)
    if post is None or not (post.is_published or current_user.is_authenticated):
        abort(404)
    date = to_local(post.display_date)
    if (year, month) != (date.year, date.month):
        return redirect(post_url(post), 301)
    older, newer = queries.neighbours(post)
    return render_template("posts/post.html", post=post, older=older, newer=newer)


def post_url(post: Post, **kwargs) -> str:
    """The permalink: /YYYY/MM/slug/, dated in the site's time zone."""
    date = to_local(post.display_date)
    return url_for("posts.post", year=date.year, month=date.month, slug=post.slug, **kwargs)
