"""The WSGI entry point: ``gunicorn wsgi:app``."""

import os

from blog import create_app

# This process serves readers: no migration tools (see SERVING in blog/config.py).
os.environ.setdefault("BLOG_SERVING", "true")
app = create_app()
# Real readers are served from here: never Flask's debug behaviour (errors
# re-raised instead of our 500 page), whatever FLASK_DEBUG says.
app.debug = False
