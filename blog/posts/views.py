"""The reader's pages: home, a post and its discussion, tags, archives, search.

The post page asks comments.page for its discussion half; the sidebar and
the neighbouring posts are fragments of the page cache, spliced in when served.
"""

import functools

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_login import current_user

from blog import pagecache, roles, text
from blog.comments import page
from blog.comments.forms import CommentForm
from blog.models import (
    COMMENTS,
    POSTS,
    SITE,
    Post,
    archive_topic,
    post_topic,
)
from blog.pagination import page_arg
from blog.posts import queries
from blog.templating import site_settings
from blog.urls import post_url

bp = Blueprint("posts", __name__)


@bp.app_context_processor
def sidebar() -> dict:
    """The sidebar of the reader's pages: made once a version, spliced into stored pages."""
    if request.blueprint != "posts":
        return {}
    return {
        "sidebar": pagecache.fragment(
            "sidebar", render_sidebar, (SITE, POSTS, COMMENTS), spliced=True
        )
    }


def render_sidebar() -> str:
    """Recent posts and comments, tags and archives: four queries, whatever the blog's size.

    Rendered straight from the template: render_template would call this
    context processor again.
    """
    data = {
        "recent_posts": queries.recent_posts(),
        "recent_comments": queries.recent_comments(),
        "tags": queries.tags_with_counts(),
        "months": queries.archive_months(),
    }
    template = current_app.jinja_env.get_template("_sidebar.html")
    return template.render(sidebar=data, **site_settings())


def per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


@bp.route("/")
@pagecache.shows(POSTS)
def index():
    """The newest published posts."""
    pagination = queries.home_page(page_arg(), per_page())
    return render_template("posts/index.html", pagination=pagination)


@bp.route("/tag/<slug>/")
def tag(slug: str):
    """Published posts with one tag."""
    tag = queries.tag_or_404(slug)
    pagination = queries.tag_page(tag, page_arg(), per_page())
    return render_template("posts/tag.html", tag=tag, pagination=pagination)


@bp.route("/<int(fixed_digits=4):year>/", defaults={"month": None})
@bp.route("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/")
def archive(year: int, month: int | None):
    """Published posts of one year or one month."""
    # Not 9999: its end is past datetime's range, and nothing is published in it yet.
    if not (1 <= year < 9999 and (month is None or 1 <= month <= 12)):
        abort(404)
    pagecache.depends_on(archive_topic(year, month))
    pagination = queries.archive_page(year, month, page_arg(), per_page())
    if not pagination.items:
        abort(404)
    return render_template("posts/archive.html", year=year, month=month, pagination=pagination)


@bp.route("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<slug>/")
def post(year: int, month: int, slug: str):
    """One post and its discussion; drafts and scheduled posts only for the author."""
    pagecache.depends_on(post_topic(slug))  # before the post is found: see depends_on
    post = queries.post_by_slug(slug) if text.is_valid_slug(slug) else None
    if post is None or not (post.is_published or roles.may_edit(current_user, post)):
        abort(404)
    if post.is_page:  # a page once published as a post (as import-wxr used to): its new home
        return redirect(post_url(post), 301)
    date = post.display_date
    if (year, month) != (date.year, date.month):
        return redirect(post_url(post), 301)
    return render_post_page(post, page.blank_comment_form())


def render_post_page(post: Post, form: CommentForm, status: int = 200):
    """The post page, also re-rendered by the comment view when a comment has errors."""
    return render_template(
        "pages/page.html" if post.is_page else "posts/post.html",
        post=post,
        more_posts=more_posts(post) if post.is_published and not post.is_page else "",
        **page.discussion(post, form),
    ), status


def more_posts(post: Post) -> str:
    """Its neighbours and related posts: they change with other posts, not with this one.

    A fragment of its own, spliced into the stored page when it is served, so a
    new post re-renders this small part of every post page, not every page.
    """
    render = functools.partial(render_more_posts, post.id)  # stored with the page: no closure
    return pagecache.fragment(f"more:{post.id}", render, (SITE, POSTS), spliced=True)


def render_more_posts(post_id: int) -> str:
    post = queries.post_with_tags(post_id)
    if post is None:  # deleted since the page was stored
        return ""
    older, newer = queries.neighbours(post)
    template = current_app.jinja_env.get_template("posts/_more.html")
    return template.render(older=older, newer=newer, related=queries.related_posts(post))


@bp.route("/search")
@pagecache.shows(POSTS)
def search():
    """Full-text search of the published posts: /search?q=words&page=N."""
    from blog import search as full_text  # aliased: this view is called search too

    page = page_arg()
    results = full_text.find(request.args.get("q", ""), page, per_page())
    if page > max(results.pages, 1):
        abort(404)
    return render_template(
        "posts/search.html",
        query=results.query,
        results=results,
        max_query_length=full_text.MAX_QUERY_LENGTH,
    )
