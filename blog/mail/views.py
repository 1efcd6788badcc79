"""Readers' pages (confirm, unsubscribe) and the author's review page and outbox."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blog import roles
from blog.admin.comments import LABELS
from blog.admin.forms import status_names
from blog.extensions import csrf, db
from blog.forms import EmptyForm
from blog.i18n import N_
from blog.mail import author, settings, subscriptions
from blog.mail.models import OutboxMessage, OutboxStatus, Subscription
from blog.models import Comment, CommentStatus, Post

bp = Blueprint("mail", __name__, url_prefix="/mail")
admin_bp = Blueprint("mail_admin", __name__, url_prefix="/admin/mail")

# The outbox's statuses as the author reads them (sent mail is not listed).
OUTBOX_STATUS_NAMES = {
    OutboxStatus.QUEUED: _l("queued"),
    OutboxStatus.SENDING: _l("sending"),
    OutboxStatus.FAILED: _l("failed"),
}
LINK_GONE = N_("This link is not valid (any more). Links in our mails work for a week.")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """A GET (a mail client's link scanner, say) only shows the button; the POST confirms."""
    address = subscriptions.address_for_confirm_token(token)
    if address is None:
        abort(404, LINK_GONE)
    form = EmptyForm()
    if form.validate_on_submit():
        subscriptions.confirm(address)
        db.session.commit()
        return render_template("mail/confirmed.html")
    return render_template("mail/confirm.html", form=form, email=address.email)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs with no form of ours; the signed link is the key
def unsubscribe(token: str):
    """A GET shows the buttons; any POST unsubscribes, without login (one-click, RFC 8058)."""
    target = subscriptions.unsubscribe_target(token)
    if target is None:
        abort(404, LINK_GONE)
    if request.method == "POST":
        everything = request.form.get("scope") == "all"
        subscriptions.unsubscribe(*target, everything=everything)
        db.session.commit()
        return render_template("mail/unsubscribed.html", everything=everything)
    subscription = db.session.get(Subscription, target[1])
    post = db.session.get(Post, subscription.post_id) if subscription else None
    return render_template("mail/unsubscribe.html", post=post, subscription=subscription)


@admin_bp.before_request
@login_required
def require_login() -> None:
    """Every page here is the author's."""


@admin_bp.get("/comments/<id:comment_id>")
def review(comment_id: int):
    """The page the author's mail links to: the comment and its buttons. A GET changes nothing."""
    comment = db.get_or_404(Comment, comment_id)
    roles.require(roles.may_moderate(current_user, comment))
    if comment.status == CommentStatus.REMOVED:
        abort(404)
    action = request.args.get("action")
    return render_template(
        "mail/review.html",
        comment=comment,
        post=db.session.get(Post, comment.post_id),
        chosen=action if action in author.REVIEW_ACTIONS else None,
        actions=author.REVIEW_ACTIONS,
        labels=LABELS,
        status_names=status_names(),
        form=EmptyForm(),
    )


@admin_bp.get("/outbox")
@roles.administrators_only
def outbox_page():
    """Mail that could not be sent, with the server's last answer, and what is waiting."""
    failed = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status != OutboxStatus.SENT)
        .order_by(OutboxMessage.created_at.desc())
        .limit(100)
    ).all()
    return render_template(
        "mail/outbox.html",
        messages=failed,
        configured=settings.enabled(current_app.config),
        status_names=OUTBOX_STATUS_NAMES,
    )


@admin_bp.app_context_processor
def mail_status() -> dict:
    """For the dashboard's quiet line: mail off, or mail that failed."""
    return {"mail_status": _status}


def _status() -> dict:
    if not settings.enabled(current_app.config):
        return {"configured": False, "failed": 0}
    failed = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.status == OutboxStatus.FAILED
        )
    )
    return {"configured": True, "failed": failed}
