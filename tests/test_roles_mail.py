"""Mail about a new comment goes to those who may moderate it, no one else."""

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.extensions import db
from blog.mail.models import OutboxMessage
from blog.models import User
from tests.conftest import app_config, empty_database, permalink
from tests.test_mail import comment


@pytest.fixture
def app(database_url):
    """Mail on, without MAIL_TO: the users' own addresses are the recipients."""
    app = create_app(app_config(database_url, MAIL_SERVER="smtp://127.0.0.1:2525",
                                MAIL_FROM="blog@example.com"))  # fmt: skip
    yield app
    empty_database(app)


def test_a_comment_is_mailed_to_the_administrators_and_the_posts_author(app, client, world):
    with app.app_context():
        for user in db.session.scalars(sa.select(User)):
            user.email = f"{user.username}@example.com"
        db.session.commit()
    post = (world["mine"]["post"], permalink(client, "mine post"))
    assert comment(client, post).status_code in (302, 303)
    with app.app_context():
        recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert recipients == {"author@example.com", "writer@example.com"}
