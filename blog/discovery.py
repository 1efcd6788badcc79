"""What crawlers read: sitemap.xml and robots.txt."""

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for
from sqlalchemy.orm import load_only

from blog import pagecache
from blog.extensions import db
from blog.models import POSTS, Post, Tag, published_pages, published_posts
from blog.posts import queries

bp = Blueprint("discovery", __name__)


@bp.route("/sitemap.xml")
@pagecache.shows(POSTS)
def sitemap():
    """Home, every published post and page, every tag with a published post, every month."""
    posts = db.session.scalars(
        published_posts().options(
            load_only(Post.slug, Post.published_at, Post.created_at, Post.updated_at)
        )
    ).all()
    tags = db.session.scalars(
        sa.select(Tag).where(Tag.id.in_(queries.published_tag_ids())).order_by(Tag.slug)
    ).all()
    pages = db.session.scalars(
        published_pages().options(load_only(Post.slug, Post.kind, Post.parent_id, Post.updated_at))
    ).all()
    body = render_template(
        "discovery/sitemap.xml",
        posts=[*posts, *pages],
        tags=tags,
        months=queries.archive_months(),
    )
    return body, {"Content-Type": "application/xml; charset=utf-8"}


@bp.route("/robots.txt")
def robots():
    """Everything but the author's pages, and where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /login",
        "",
        f"Sitemap: {url_for('discovery.sitemap', _external=True)}",
    ]
    return "\n".join(lines) + "\n", {"Content-Type": "text/plain; charset=utf-8"}
