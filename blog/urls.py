"""Where things are: the permalinks of posts, pages and comments, and of a post's feed.

Views, templates, feeds, mail, redirects and the WXR exporter all build links
here, so a change of URL scheme is a change to this module alone.
"""

from urllib.parse import urlsplit

from flask import current_app, request, url_for

from blog.comments import threads
from blog.comments.browser import own_comment_ids
from blog.models import Comment, Post
from blog.site.pages import path_of


def post_url(post: Post, **kwargs) -> str:
    """The permalink: /YYYY/MM/slug/ (a page's: /parent/slug/).

    Dated in UTC, like the monthly archives, so a post's link and its archive
    page always agree whatever TIME_ZONE says (pages show local times).
    """
    if post.is_page:
        return page_url(post, **kwargs)
    date = post.display_date
    return url_for("posts.post", year=date.year, month=date.month, slug=post.slug, **kwargs)


def page_url(page: Post, **kwargs) -> str:
    return url_for("pages.page", path=path_of(page.id, page.slug, page.parent_id), **kwargs)


def comment_url(comment: Comment, post: Post, **kwargs) -> str:
    """The comment's permalink: its post, the page of the discussion, and its anchor."""
    page, pages = threads.page_of(comment, own_comment_ids())
    return post_url(post, cpage=page if pages > 1 else None, **kwargs) + f"#comment-{comment.id}"


def post_feed_url(post: Post, **kwargs) -> str:
    """The feed of a post's comments: its permalink's own arguments, plus feed/."""
    path = urlsplit(post_url(post)).path.removeprefix(request.script_root)
    _, values = current_app.url_map.bind("localhost").match(path, method="GET")
    return url_for("feeds.post_comments", **values, **kwargs)
