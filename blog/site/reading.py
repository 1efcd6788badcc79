"""Pages as readers see them: /about/, /about/team/."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, request
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import MethodNotAllowed

from blog import pagecache, roles, text
from blog.comments.page import blank_comment_form
from blog.extensions import db
from blog.models import Post, PostKind, post_topic
from blog.posts.views import render_post_page
from blog.site.pages import MAX_DEPTH, path_of
from blog.urls import page_url

bp = Blueprint("pages", __name__)


# Any path the blog's own routes leave: a miss is a 404, which the old-link
# handler (blog/redirects.py) then looks up. Without strict slashes, so
# /about and /archives/12 reach here rather than a redirect to a slash first.
@bp.route("/<path:path>/", strict_slashes=False)
def page(path: str):
    """A page at its parents' path and its own slug; drafts only for the author."""
    refuse_other_methods()
    slugs = path.split("/")
    if len(slugs) > MAX_DEPTH or not all(map(text.is_valid_slug, slugs)):
        abort(404)
    pagecache.depends_on(post_topic(slugs[-1]))  # before the page is found: see depends_on
    page = db.session.scalar(
        sa.select(Post)
        .where(Post.slug == slugs[-1], Post.kind == PostKind.PAGE)
        .options(selectinload(Post.author), selectinload(Post.tags))
    )
    if page is None or not (page.is_published or roles.may_edit(current_user, page)):
        abort(404)
    if path != path_of(page.id, page.slug, page.parent_id) or not request.path.endswith("/"):
        return redirect(page_url(page), 301)  # moved under another parent, or no slash
    return render_post_page(page, blank_comment_form())


def refuse_other_methods() -> None:
    """A GET of one of the blog's POST-only addresses (/logout) is a 405, as without pages."""
    allowed = set(request.url_rule.map.bind_to_environ(request.environ).allowed_methods())
    others = allowed - {"GET", "HEAD", "OPTIONS"}
    if others:
        raise MethodNotAllowed(valid_methods=sorted(others))
