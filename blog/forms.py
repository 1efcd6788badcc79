"""Form pieces shared by the blueprints."""

from flask_wtf import FlaskForm
from wtforms import StringField

from blog.text import clean_text

CSRF_EXPIRED_MESSAGE = "Your session expired, please submit again."


class BlogForm(FlaskForm):
    """The base of every form: typed text loses control characters and NUL bytes.

    PostgreSQL refuses NUL in text, and nobody means to type a control
    character; cleaning every text field here means no form can forget it.
    """

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                options["filters"] = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return super().bind_field(form, unbound_field, options)


class EmptyForm(BlogForm):
    """A form with nothing but its CSRF token, for bare buttons (logout, delete)."""
