"""Who may see and act on demands and bids.

A demand in review is its enterprise's and its reviewers' only; once approved it
is public, except its contact, which only the winning institution sees. Bids
are private and sealed: the bidder sees its own; the enterprise sees those on
its demand once bidding is over (选标 starts at the deadline, so no bidder's
price can leak to another while bids may still change); the staff of the
demand's window see all; anyone else sees counts at most.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import OrganisationKind
from windows.models import MembershipStatus, WindowMembership
from windows.permissions import administered_window_ids

from .models import (
    Bid,
    BidAttachment,
    BidStatus,
    Demand,
    DemandAttachment,
    DemandObjectionAttachment,
    DemandStatus,
)

PUBLIC_STATUSES = [
    DemandStatus.BIDDING,
    DemandStatus.PUBLICITY,
    DemandStatus.AWARDED,
    DemandStatus.FAILED,
    DemandStatus.VOIDED,
]


def is_demand_staff(user, demand) -> bool:
    """Hub administrators, and window administrators of the demand's window."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    window_ids = administered_window_ids(user)
    return window_ids is None or demand.window_id in window_ids


def is_owner(user, demand) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.organisation_id == demand.enterprise_id


def can_view_demand(user, demand) -> bool:
    return demand.status in PUBLIC_STATUSES or is_owner(user, demand) or is_demand_staff(user, demand)


def can_see_contact(user, demand) -> bool:
    """The contact is for the winner (and the enterprise itself, and the staff)."""
    if is_owner(user, demand) or is_demand_staff(user, demand):
        return True
    # In 中标公示 the winner is named but not yet final: an upheld objection would annul it.
    winner = demand.winning_bid if demand.status == DemandStatus.AWARDED else None
    return bool(winner and user.is_authenticated and user.organisation_id == winner.institution_id)


def may_object(organisation, demand) -> bool:
    """异议: the other institutions whose bids on the demand are still live, during 中标公示."""
    return bool(
        organisation is not None
        and demand.status == DemandStatus.PUBLICITY
        and Bid.objects.filter(demand=demand, institution=organisation, status=BidStatus.SUBMITTED)
        .exclude(pk=demand.winning_bid_id)
        .exists()
    )


def may_bid(organisation, demand) -> bool:
    """Certified institutions that are active members of the demand's window."""
    return bool(
        organisation is not None
        and organisation.kind == OrganisationKind.INSTITUTION
        and organisation.is_certified
        and WindowMembership.objects.filter(
            organisation=organisation, window_id=demand.window_id, status=MembershipStatus.ACTIVE
        ).exists()
    )


def may_ask(organisation, demand) -> bool:
    """答疑: whoever may bid may ask (never the demand's own enterprise)."""
    return organisation is not None and organisation.pk != demand.enterprise_id and may_bid(organisation, demand)


def bids_unsealed(demand) -> bool:
    """The enterprise sees the bids once the deadline passed or the demand closed."""
    return demand.status != DemandStatus.BIDDING or demand.deadline_passed


def can_view_bid(user, bid) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.organisation_id == bid.institution_id
        or (is_owner(user, bid.demand) and bids_unsealed(bid.demand))
        or is_demand_staff(user, bid.demand)
    )


def get_demand_for_user(user, pk: int, queryset=None) -> Demand:
    """A demand the user may see (`queryset` says what to fetch with it); else 404."""
    if queryset is None:
        queryset = Demand.objects.select_related("enterprise", "window", "category__parent", "winning_bid")
    demand = get_object_or_404(queryset, pk=pk)
    if not can_view_demand(user, demand):
        raise Http404
    return demand


def get_own_demand(user, pk: int, queryset=None) -> Demand:
    """A demand of the user's own enterprise; anyone else's answers 404."""
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    if queryset is None:
        queryset = Demand.objects.select_related("window", "category")
    return get_object_or_404(queryset, pk=pk, enterprise_id=user.organisation_id)


def get_own_bid(user, pk: int) -> Bid:
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    return get_object_or_404(Bid.objects.select_related("demand"), pk=pk, institution_id=user.organisation_id)


def get_demand_attachment_for_user(user, pk: int) -> DemandAttachment:
    """Demand attachments: for signed-in users who may see the demand."""
    attachment = get_object_or_404(DemandAttachment.objects.select_related("demand"), pk=pk)
    if not user.is_authenticated or not can_view_demand(user, attachment.demand):
        raise Http404
    return attachment


def get_bid_attachment_for_user(user, pk: int) -> BidAttachment:
    attachment = get_object_or_404(BidAttachment.objects.select_related("bid__demand"), pk=pk)
    if not can_view_bid(user, attachment.bid):
        raise Http404
    return attachment


def get_objection_attachment_for_user(user, pk: int) -> DemandObjectionAttachment:
    """An objection's files: for the objector and the demand's window staff only."""
    attachment = get_object_or_404(DemandObjectionAttachment.objects.select_related("objection__demand"), pk=pk)
    objection = attachment.objection
    if not user.is_authenticated or not (
        user.organisation_id == objection.objector_id or is_demand_staff(user, objection.demand)
    ):
        raise Http404
    return attachment
