from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import District  # noqa: F401  (re-exported: windows.models.District)


class WindowKind(models.TextChoices):
    HUB = "hub", _("Hub platform")
    REGIONAL = "regional", _("Regional window")
    INDUSTRY = "industry", _("Industry-cluster window")


class WindowQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def windows(self):
        """Everything but the hub."""
        return self.exclude(kind=WindowKind.HUB)


class Window(models.Model):
    """The hub platform or one of its regional / industry-cluster windows."""

    kind = models.CharField(_("window kind"), max_length=20, choices=WindowKind.choices)
    name = models.CharField(_("window name"), max_length=100, unique=True)
    slug = models.SlugField(_("URL name"), max_length=50, unique=True)
    district = models.CharField(
        _("district"),
        max_length=20,
        choices=District.choices,
        blank=True,
        help_text=_("Regional windows only: the district or county the window serves."),
    )
    description = models.TextField(_("introduction"), blank=True)
    contact = models.CharField(_("service hotline"), max_length=100, blank=True)
    address = models.CharField(_("office address"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("open"), default=True)
    award_publicity = models.BooleanField(
        _("award publicity"),
        default=True,
        help_text=_(
            "On: a chosen winning bid is published for a period in which other bidders may object, "
            "and its service order is made when the period ends. Off: the order is made at once."
        ),
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="WindowAdministrator",
        related_name="administered_windows",
        verbose_name=_("window administrators"),
        blank=True,
    )

    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("window platform")
        verbose_name_plural = _("window platforms")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(kind="regional"),
                name="one_regional_window_per_district",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.kind == WindowKind.HUB:
            return reverse("home")
        return reverse("windows:detail", args=[self.slug])


class WindowAdministrator(models.Model):
    """A staff user's assignment to a window; it scopes what the user sees in admin."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("administrator"),
        on_delete=models.CASCADE,
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("window administrator")
        verbose_name_plural = _("window administrators")
        constraints = [models.UniqueConstraint(fields=["window", "user"], name="unique_window_administrator")]

    def __str__(self):
        return f"{self.window} · {self.user}"


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def public(self):
        """Published notices of open windows: what the public may read."""
        return self.filter(is_published=True, window__is_active=True)


class Announcement(models.Model):
    """通知公告 on a window's home page, written by that window's administrators."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"))
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True, db_index=True)
    # Bigram tsvector of title and body (smeportal.search), kept by announcement_reindex.
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("windows:notice_detail", args=[self.pk])


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Joined")
    DECLINED = "declined", _("Declined")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WindowMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)


class WindowMembership(FSMModelMixin, models.Model):
    """An institution's membership of a window (manual 备注: select the Yinchuan window).

    Only active members publish services in, and bid on demands of, the window.
    """

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="window_memberships",
    )
    status = FSMField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.APPLIED, protected=True
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was declined or suspended."))
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = WindowMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("window membership")
        verbose_name_plural = _("window memberships")
        ordering = ["window__sort_order", "-applied_at"]
        constraints = [models.UniqueConstraint(fields=["window", "organisation"], name="unique_window_membership")]

    def __str__(self):
        return f"{self.organisation} · {self.window}"

    # Transition bodies only move the state; actions do the rest.
    @transition(field=status, source=MembershipStatus.APPLIED, target=MembershipStatus.ACTIVE)
    def approve(self):
        pass

    @transition(field=status, source=MembershipStatus.APPLIED, target=MembershipStatus.DECLINED)
    def decline(self):
        pass

    @transition(
        field=status,
        source=[MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED],
        target=MembershipStatus.WITHDRAWN,
    )
    def withdraw(self):
        pass

    @transition(field=status, source=MembershipStatus.ACTIVE, target=MembershipStatus.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=status, source=MembershipStatus.SUSPENDED, target=MembershipStatus.ACTIVE)
    def restore(self):
        pass

    @transition(
        field=status, source=[MembershipStatus.DECLINED, MembershipStatus.WITHDRAWN], target=MembershipStatus.APPLIED
    )
    def reapply(self):
        pass


class WindowMembershipLog(models.Model):
    """One row per membership transition: who, when, from, to, why."""

    membership = models.ForeignKey(
        WindowMembership, verbose_name=_("window membership"), on_delete=models.CASCADE, related_name="logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=MembershipStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership log")
        verbose_name_plural = _("membership logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.membership}: {self.from_status} → {self.to_status}"
