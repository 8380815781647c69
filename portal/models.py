from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SiteSettings(models.Model):
    """The one row of site-wide information: the footer and the help centre's contact.

    A singleton (pk 1, made by a data migration), so a city changes its
    organiser, phone numbers or ICP number in admin without a deploy.
    """

    organiser = models.CharField(_("organiser"), max_length=100, help_text=_("Shown in the footer as the organiser."))
    phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=50, blank=True)
    site_code = models.CharField(_("website identification code"), max_length=30, blank=True)
    admin_contact_name = models.CharField(_("platform administrator contact"), max_length=50)
    admin_contact_phone = models.CharField(_("platform administrator phone"), max_length=50)
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("site information")
        verbose_name_plural = _("site information")

    def __str__(self):
        return str(_("Site information"))


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class HelpTopic(models.Model):
    """A page of the 帮助中心: one chapter of the user manual in the portal's words."""

    slug = models.SlugField(_("URL name"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=100)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = models.TextField(
        _("content"),
        help_text=_(
            "Plain text; a blank line starts a new paragraph, a line starting with a digit and a dot is a step."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("help topic")
        verbose_name_plural = _("help topics")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:help_topic", args=[self.slug])


class Faq(models.Model):
    """A frequently asked question of the 帮助中心."""

    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.question
