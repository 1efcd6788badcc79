"""The discussion half of a post page: the comment threads, the form and the reply target.

The post view (blog/posts/views.py) owns the page and asks this module for
its discussion; the comment view re-renders the same page with its form when
a comment has errors.
"""

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user

from blog import pagecache
from blog.comments import threads
from blog.comments.browser import own_comment_ids, saved_details
from blog.comments.forms import CommentForm, ReaderCommentForm, new_stamp
from blog.comments.rules import comments_open
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, discussion_of
from blog.pagination import page_arg, row_id


def blank_comment_form() -> CommentForm:
    if current_user.is_authenticated:
        form = CommentForm()
    else:
        details = saved_details()
        form = ReaderCommentForm(data={**details, "save_details": bool(details)})
    form.stamp()
    pagecache.personal("issued", form.issued.data, new_stamp)
    form.parent_id.data = request.args.get("replytocom", type=int)
    return form


def discussion(post: Post, form: CommentForm) -> dict:
    """What the post page's template needs for its comments: threads, form, reply target."""
    threads_shown = None
    reply_to = None
    if post.is_published:
        pagecache.depends_on(discussion_of(post.id))
        threads_shown = threads.load_discussion(post.id, page_arg("cpage", None), own_comment_ids())
        reply_to = reply_target(post, form.parent_id.data)
        if reply_to is None:
            form.parent_id.data = None
    return {
        "discussion": threads_shown,
        "form": form,
        "reply_to": reply_to,
        "comments_open": comments_open(post, current_app.config),
    }


def reply_target(post: Post, comment_id) -> Comment | None:
    """The approved comment of this post being replied to, if any."""
    comment_id = row_id(comment_id)
    if comment_id is None:
        return None
    return db.session.scalar(
        sa.select(Comment).where(
            Comment.id == comment_id,
            Comment.post_id == post.id,
            Comment.status == CommentStatus.APPROVED,
        )
    )
