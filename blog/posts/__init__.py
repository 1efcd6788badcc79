"""The reader's side: the home page, post pages and tag pages."""

from flask import Blueprint

bp = Blueprint("posts", __name__)

from blog.posts import views  # noqa: E402, F401  (views register themselves on bp)
