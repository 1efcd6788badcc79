"""The WSGI entry point: ``gunicorn wsgi:app``."""

from blog import create_app

app = create_app()
# Real readers are served from here: never Flask's debug behaviour (errors
# re-raised instead of our 500 page), whatever FLASK_DEBUG says.
app.debug = False
