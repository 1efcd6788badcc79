"""Readers' comments and replies: the form, the rules, and the threads."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from blog.comments import views  # noqa: E402, F401  (views register themselves on bp)
