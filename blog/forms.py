"""Form pieces shared by the blueprints."""

from flask_wtf import FlaskForm

CSRF_EXPIRED_MESSAGE = "Your session expired, please submit again."


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for bare buttons (logout, delete)."""
