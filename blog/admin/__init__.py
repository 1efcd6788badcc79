"""The author's side: dashboard and post editor. Every route needs a login.

The blueprint is defined in blueprint.py; importing the view modules here
registers their routes on it.
"""

from blog.admin import comments, media_views, posts, revision_views  # noqa: F401
from blog.admin.blueprint import bp

__all__ = ["bp"]
