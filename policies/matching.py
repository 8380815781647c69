"""政策匹配: how well a policy's targeting fits an enterprise's certified profile.

Each dimension the policy names (district, industry, scale) fits or not; a dimension
it leaves empty is open to all (不限). A policy fits when no named dimension fails and,
if it asks for certification, the enterprise is certified. Policies that name more of
the enterprise's dimensions rank higher (they were written for it), then the nearer
application deadline.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from certification.selectors import approved_application

DIMENSIONS = [
    ("district", "target_districts", _("District")),
    ("industry", "target_industries", _("Industry")),
    ("scale", "target_scales", _("Scale")),
]


@dataclass(frozen=True)
class Profile:
    """What targeting compares: the organisation's district, and industry and scale
    from its approved certification (none without one)."""

    district: str = ""
    industry: str = ""
    scale: str = ""
    certified: bool = False

    @classmethod
    def of(cls, organisation) -> "Profile":
        application = approved_application(organisation) if organisation.is_certified else None
        if application is None:
            return cls(district=organisation.district)
        return cls(
            district=organisation.district,
            industry=application.industry,
            scale=application.scale,
            certified=True,
        )


@dataclass
class Match:
    policy: object
    # (label, True: named and fits / False: named and does not / None: open to all)
    reasons: list = field(default_factory=list)
    certification_ok: bool = True

    @property
    def fits(self) -> bool:
        return self.certification_ok and all(ok is not False for _label, ok in self.reasons)

    @property
    def named(self) -> int:
        return sum(1 for _label, ok in self.reasons if ok)

    def sort_key(self):
        deadline = self.policy.application_deadline or date.max
        return (-self.named, deadline, -self.policy.pk)


def match(policy, profile: Profile) -> Match:
    reasons = []
    for attribute, target_field, label in DIMENSIONS:
        targets = getattr(policy, target_field)
        reasons.append((label, None if not targets else getattr(profile, attribute) in targets))
    return Match(
        policy=policy, reasons=reasons, certification_ok=profile.certified or not policy.certification_required
    )


def fitting(policies, profile: Profile) -> list[Match]:
    """The policies that fit, best first."""
    return sorted((m for m in (match(p, profile) for p in policies) if m.fits), key=Match.sort_key)
