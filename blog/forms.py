"""Form pieces shared by the blueprints."""

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict
from wtforms import StringField

from blog.i18n import N_
from blog.text import clean_text

CSRF_EXPIRED_MESSAGE = N_("Your session expired, please submit again.")
FILE_REFUSED = N_("Please type text here: this form takes no files.")


class BlogForm(FlaskForm):
    """The base of every form: text only, without control characters or NUL bytes.

    PostgreSQL refuses NUL in text, and nobody means to type a control
    character; cleaning every text field here means no form can forget it.
    No form takes a file either: a file part sent under a field's name is
    refused here, at that field, for every form at once.
    """

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                options["filters"] = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form, formdata):
            # Flask-WTF hands fields the files too; a FileStorage would reach string
            # filters and parsers that expect text. Fields see the text parts only.
            wrapped = super().wrap_formdata(form, formdata)
            return request.form if isinstance(wrapped, CombinedMultiDict) else wrapped

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        sent_files = [field for field in self if field.name in request.files]
        for field in sent_files:
            field.errors = [_(FILE_REFUSED)]
        return valid and not sent_files


class EmptyForm(BlogForm):
    """A form with nothing but its CSRF token, for bare buttons (logout, delete)."""
