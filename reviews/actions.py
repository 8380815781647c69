"""Every write to a review: post, follow up, hide and show again.

Posting locks the order (so one side cannot review twice, even with two
clicks at once) and then the reviewed organisation's row, under which its
figures are recounted from the reviews themselves: concurrent reviews of the
same institution are counted one after the other and the numbers stay exact.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import organisation_lock, organisation_set_rating
from notifications.actions import notify
from orders.models import Order, OrderStatus, Party
from orders.permissions import is_order_staff, party_of
from smeportal.errors import ActionRefused
from smeportal.fsm import lock

from .models import Review, ReviewEvent, ReviewLog

DIMENSIONS = ("quality", "attitude", "speed")
CENT = Decimal("0.01")


def _log(review, actor, event, reason=""):
    ReviewLog.objects.create(review=review, actor=actor, event=event, reason=reason)


def _notify(organisation, review, title, body=""):
    for user in organisation.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=review.get_absolute_url())


def _check_score(value, field, required=True):
    if value is None and not required:
        return None
    if not isinstance(value, int) or not 1 <= value <= 5:
        message = _("Choose a score from 1 to 5.")
        raise ActionRefused(message, field_errors={field: message})
    return value


def _mean(total, count):
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def refresh_rating(organisation_id: int) -> None:
    """Recount the organisation's review figures from its visible reviews, under its row lock."""
    organisation = organisation_lock(organisation_id=organisation_id)
    figures = Review.objects.filter(subject_id=organisation_id, hidden=False).aggregate(
        count=Count("pk"),
        total=Sum("score"),
        **{f"{d}_total": Sum(d) for d in DIMENSIONS},
        **{f"{d}_count": Count(d) for d in DIMENSIONS},
    )
    organisation_set_rating(
        organisation=organisation,
        average=_mean(figures["total"], figures["count"]),
        count=figures["count"],
        quality=_mean(figures["quality_total"], figures["quality_count"]),
        attitude=_mean(figures["attitude_total"], figures["attitude_count"]),
        speed=_mean(figures["speed_total"], figures["speed_count"]),
    )


@transaction.atomic
def review_post(
    *,
    order: Order,
    actor,
    score: int,
    content: str,
    quality: int | None = None,
    attitude: int | None = None,
    speed: int | None = None,
) -> Review:
    """【发表评论】: a party of an 已验收 order reviews the other side, once.

    Reviews of institutions also score 服务质量, 服务态度 and 响应速度.
    """
    order = lock(Order, order.pk)
    side = party_of(actor, order)
    if side is None:
        raise ActionRefused(_("Only the two parties of the order can review it."))
    if order.status != OrderStatus.CHECKED:
        raise ActionRefused(_("An order can be reviewed once it is accepted as done."))
    if Review.objects.filter(order=order, author_side=side).exists():
        raise ActionRefused(_("You have already reviewed this order; you can add one follow-up."))
    score = _check_score(score, "score")
    of_institution = side == Party.ENTERPRISE
    dimensions = {"quality": quality, "attitude": attitude, "speed": speed}
    if of_institution:
        dimensions = {name: _check_score(value, name) for name, value in dimensions.items()}
    else:
        dimensions = dict.fromkeys(DIMENSIONS)
    if not (content or "").strip():
        message = _("Please write the review.")
        raise ActionRefused(message, field_errors={"content": message})
    subject = order.institution if of_institution else order.enterprise
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order=order,
                author_side=side,
                author=actor,
                author_organisation_id=actor.organisation_id,
                subject=subject,
                score=score,
                content=content.strip(),
                # The complaints app pauses the order's timers exactly while a complaint is open.
                during_complaint=order.timers_paused,
                **dimensions,
            )
    except IntegrityError as exc:
        raise ActionRefused(_("You have already reviewed this order; you can add one follow-up.")) from exc
    refresh_rating(subject.pk)
    _log(review, actor, ReviewEvent.POSTED)
    _notify(
        subject,
        review,
        _("You received a review for order %(number)s") % {"number": order.number},
        _("Score: %(score)d of 5") % {"score": score},
    )
    return review


@transaction.atomic
def review_follow_up(*, review: Review, actor, content: str) -> Review:
    """【追加评论】: one follow-up per review, by its author, after the review."""
    review = Review.objects.select_for_update().select_related("order", "subject").get(pk=review.pk)
    if actor.organisation_id is None or actor.organisation_id != review.author_organisation_id:
        raise ActionRefused(_("Only the author of a review can add a follow-up."))
    if review.followup_at is not None:
        raise ActionRefused(_("A review has only one follow-up."))
    if not (content or "").strip():
        message = _("Please write the follow-up.")
        raise ActionRefused(message, field_errors={"content": message})
    now = timezone.now()
    if now <= review.created_at:
        raise ActionRefused(_("A follow-up comes after the review."))
    review.followup = content.strip()
    review.followup_at = now
    review.save(update_fields=["followup", "followup_at"])
    _log(review, actor, ReviewEvent.FOLLOWED_UP)
    _notify(
        review.subject,
        review,
        _("A follow-up was added to a review of order %(number)s") % {"number": review.order.number},
    )
    return review


def _require_staff(actor, review):
    if not is_order_staff(actor, review.order):
        raise ActionRefused(_("Only administrators of the order's window can do this."))


@transaction.atomic
def review_hide(*, review: Review, actor, reason: str) -> Review:
    """An administrator hides an abusive review (reason logged; the author is told). It stops counting."""
    if not (reason or "").strip():
        raise ActionRefused(_("Please give a reason."), field_errors={"reason": _("Please give a reason.")})
    review = Review.objects.select_for_update().select_related("order", "author_organisation").get(pk=review.pk)
    _require_staff(actor, review)
    if review.hidden:
        raise ActionRefused(_("This review is already hidden."))
    review.hidden = True
    review.hidden_reason = reason.strip()
    review.hidden_at = timezone.now()
    review.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    refresh_rating(review.subject_id)
    _log(review, actor, ReviewEvent.HIDDEN, review.hidden_reason)
    _notify(
        review.author_organisation,
        review,
        _("Your review of order %(number)s was hidden by an administrator") % {"number": review.order.number},
        _("Reason: %(reason)s") % {"reason": review.hidden_reason},
    )
    return review


@transaction.atomic
def review_show(*, review: Review, actor, reason: str = "") -> Review:
    """An administrator shows a hidden review again."""
    review = Review.objects.select_for_update().select_related("order", "author_organisation").get(pk=review.pk)
    _require_staff(actor, review)
    if not review.hidden:
        raise ActionRefused(_("This review is not hidden."))
    review.hidden = False
    review.hidden_reason = ""
    review.hidden_at = None
    review.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    refresh_rating(review.subject_id)
    _log(review, actor, ReviewEvent.SHOWN, reason)
    _notify(
        review.author_organisation,
        review,
        _("Your review of order %(number)s is shown again") % {"number": review.order.number},
    )
    return review
