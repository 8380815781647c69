from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    """The districts and counties of Yinchuan; regional windows and organisations use them."""

    XINGQING = "xingqing", _("Xingqing District")
    JINFENG = "jinfeng", _("Jinfeng District")
    XIXIA = "xixia", _("Xixia District")
    YONGNING = "yongning", _("Yongning County")
    HELAN = "helan", _("Helan County")
    LINGWU = "lingwu", _("Lingwu City")


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


class Announcement(models.Model):
    """通知公告 on a window's home page, written by that window's administrators."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"))
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True, db_index=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title
