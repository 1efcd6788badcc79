"""Loading a post's discussion: threads, pages and the nesting shown to a reader."""

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, current_app

from blog.extensions import db
from blog.models import Comment, CommentStatus

THREAD = Comment.thread_id
# The deepest nesting shown whatever COMMENT_MAX_DEPTH says (WordPress's own
# maximum): the template nests by recursion, which Jinja cannot take ~200 deep.
DEEPEST_NESTING = 10


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    removed: bool = False  # shown as "This comment was removed." for its replies' sake
    awaiting: bool = False  # the reader's own comment, held for moderation


@dataclass
class Discussion:
    count: int  # approved comments: what the heading says
    threads: list[Node]
    page: int
    pages: int


def visible(own_ids: Collection[int]):
    """Approved comments, plus this reader's own held ones."""
    condition = Comment.status == CommentStatus.APPROVED
    return sa.or_(condition, Comment.id.in_(own_ids)) if own_ids else condition


def thread_ids(post_id: int, own_ids: Collection[int]) -> list[int]:
    """The top-level threads a reader sees, oldest first."""
    select = (
        sa.select(THREAD)
        .where(Comment.post_id == post_id, visible(own_ids))
        .distinct()
        .order_by(THREAD)
    )
    return list(db.session.scalars(select))


def approved_count(post_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(
            Comment.post_id == post_id, Comment.status == CommentStatus.APPROVED
        )
    )


def load_discussion(post_id: int, page: int | None, own_ids: Collection[int]) -> Discussion:
    config = current_app.config
    per_page = config["COMMENT_THREADS_PER_PAGE"]
    threads = thread_ids(post_id, own_ids)
    pages = max(1, math.ceil(len(threads) / per_page))
    if page is None:
        page = pages if config["COMMENT_DEFAULT_PAGE"] == "newest" else 1
    if page > pages:
        abort(404)
    on_page = threads[(page - 1) * per_page : page * per_page]
    comments = db.session.scalars(
        sa.select(Comment)
        .where(
            Comment.post_id == post_id,
            sa.or_(Comment.id.in_(on_page), Comment.root_id.in_(on_page)),
        )
        .order_by(Comment.created_at, Comment.id)
    ).all() if on_page else []  # fmt: skip
    max_depth = min(config["COMMENT_MAX_DEPTH"], DEEPEST_NESTING)
    nested = nest(comments, set(own_ids), max_depth)
    return Discussion(approved_count(post_id), nested, page, pages)


def page_of(comment: Comment, own_ids: Collection[int]) -> tuple[int, int]:
    """The page of the discussion that shows ``comment``, and the number of pages."""
    threads = thread_ids(comment.post_id, own_ids)
    per_page = current_app.config["COMMENT_THREADS_PER_PAGE"]
    pages = max(1, math.ceil(len(threads) / per_page))
    if comment.thread_id not in threads:
        return 1, pages
    return threads.index(comment.thread_id) // per_page + 1, pages


def nest(comments: list[Comment], own_ids: set[int], max_depth: int) -> list[Node]:
    """Comments as a tree of what a reader sees.

    Replies below ``max_depth`` are shown at that depth, after their parent.
    A comment that is not shown but has replies that are becomes a
    "removed" placeholder, so its replies keep their place. Built without
    recursion: a reply chain can be far deeper than Python's stack.
    """
    by_id = {comment.id: comment for comment in comments}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        children[parent_of(comment, by_id)].append(comment)

    def shown(comment: Comment) -> bool:
        return comment.status == CommentStatus.APPROVED or comment.id in own_ids

    in_order = parents_first(children)
    kept = set()  # shown, or a placeholder above a reply that is
    for comment, _ in reversed(in_order):  # every reply before its parent
        if shown(comment) or any(reply.id in kept for reply in children[comment.id]):
            kept.add(comment.id)
    threads: list[Node] = []
    # Where a comment's replies go: its own children, or beside it below max_depth.
    replies_of: dict[int | None, list[Node]] = {None: threads}
    for comment, depth in in_order:
        if comment.id not in kept:
            continue
        node = Node(
            comment,
            removed=not shown(comment),
            awaiting=shown(comment) and comment.status != CommentStatus.APPROVED,
        )
        siblings = replies_of[parent_of(comment, by_id)]
        siblings.append(node)
        replies_of[comment.id] = node.children if depth < max_depth else siblings
    return threads


def parent_of(comment: Comment, by_id: dict[int, Comment]) -> int | None:
    """The parent shown above ``comment``: None at the top level or when it is not loaded."""
    return comment.parent_id if comment.parent_id in by_id else None


def parents_first(children: dict[int | None, list[Comment]]) -> list[tuple[Comment, int]]:
    """(comment, depth) in reading order, depth-first from the top level (depth 1)."""
    in_order = []
    stack = [(comment, 1) for comment in reversed(children[None])]
    while stack:
        comment, depth = stack.pop()
        in_order.append((comment, depth))
        stack.extend((reply, depth + 1) for reply in reversed(children[comment.id]))
    return in_order
