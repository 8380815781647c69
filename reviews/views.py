from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orders.models import OrderStatus, Party
from orders.permissions import get_order_for_user, party_of
from services.selectors import institution_for_public
from smeportal import idempotency
from smeportal.forms import valid_filters
from smeportal.pagination import CappedPaginator

from . import actions
from .forms import FollowUpForm, ReviewFilterForm, ReviewForm
from .models import Review
from .permissions import get_review_for_user, is_review_staff, review_role
from .selectors import ReviewFilters, public_review_list, review_detail, reviews_received, reviews_written

PAGE_SIZE = 20


@login_required
@idempotency.submits_once
def create(request, order_pk):
    """【待评价的订单】 → 【评论】: 评分 and 评价内容 → 【发表评论】."""
    order = get_order_for_user(request.user, order_pk)
    side = party_of(request.user, order)
    if side is None:
        raise Http404
    existing = Review.objects.filter(order=order, author_side=side).first()
    if existing is not None:
        messages.info(request, _("You have already reviewed this order; you can add one follow-up."))
        return redirect(existing)
    if order.status != OrderStatus.CHECKED:
        messages.error(request, _("An order can be reviewed once it is accepted as done."))
        return redirect(order)
    of_institution = side == Party.ENTERPRISE
    form = ReviewForm(request.POST or None, of_institution=of_institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posted = idempotency.submit_once(
            request,
            form,
            lambda: actions.review_post(
                order=order,
                actor=request.user,
                score=data["score"],
                quality=data.get("quality"),
                attitude=data.get("attitude"),
                speed=data.get("speed"),
                content=data["content"],
            ),
            success=_("Your review is posted."),
        )
        if posted:
            return posted
    subject = order.institution if of_institution else order.enterprise
    return render(request, "reviews/create.html", {"form": form, "order": order, "subject": subject})


@login_required
@idempotency.submits_once
def follow_up(request, pk):
    """【追加评论】."""
    review = get_review_for_user(request.user, pk)
    if review_role(request.user, review) != "author":
        raise Http404
    if review.followup_at is not None:
        messages.error(request, _("A review has only one follow-up."))
        return redirect(review)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posted = idempotency.submit_once(
            request,
            form,
            lambda: actions.review_follow_up(review=review, actor=request.user, content=form.cleaned_data["content"]),
            success=_("Your follow-up is posted."),
        )
        if posted:
            return posted
    return render(request, "reviews/follow_up.html", {"form": form, "review": review})


def _list(request, *, select, title, mine):
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    form = ReviewFilterForm(request.GET or None)
    data = valid_filters(form)
    filters = ReviewFilters(
        score=data.get("score"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        keyword=(data.get("q") or "").strip(),
    )
    page = CappedPaginator(select(organisation=organisation, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request, "reviews/list.html", {"form": form, "page": page, "query": query, "title": title, "mine": mine}
    )


@login_required
def written(request):
    """【评价管理】 → 【我的评价】."""
    return _list(request, select=reviews_written, title=_("My reviews"), mine=True)


@login_required
def received(request):
    """【评价管理】 → 【对方的评价】."""
    return _list(request, select=reviews_received, title=_("Reviews of me"), mine=False)


@login_required
def detail(request, pk):
    """【评价详情】: the order, the scores, the text, the follow-up."""
    review = review_detail(get_review_for_user(request.user, pk))
    role = review_role(request.user, review)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "order": review.order,
            "role": role,
            # A hidden review's text stays with its author and the staff.
            "show_text": not review.hidden or role == "author" or is_review_staff(request.user, review),
        },
    )


def institution_reviews(request, pk):
    """Every visible review of an institution (public, from its page)."""
    institution = institution_for_public(pk)
    if institution is None:
        raise Http404
    page = CappedPaginator(public_review_list(institution), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/institution.html", {"institution": institution, "page": page, "query": ""})
