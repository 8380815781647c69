from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from certification.models import ServiceDomain
from smeportal.forms import limit_lengths
from smeportal.uploads import MultipleImageField
from windows.models import MembershipStatus, Window

from .models import MAX_IMAGES, PriceMode, Service, ServiceCategory, ServiceImage

SERVICE_SORT_LABELS = {
    "newest": _("Newest"),
    "price": _("Price"),
    "rating": _("Rating"),
    "orders": _("Orders"),
}
INSTITUTION_SORT_LABELS = {
    "rating": _("Rating"),
    "score": _("Composite score"),
    "services": _("Number of services"),
    "newest": _("Newest"),
}


def category_filter_choices():
    """Top-level categories and their sub-categories, as one list of codes."""
    choices = [("", _("All categories"))]
    for top in ServiceCategory.objects.visible().top_level().prefetch_related("children"):
        choices.append((top.code, top.name))
        choices.extend((child.code, f"— {child.name}") for child in top.children.all() if child.is_visible)
    return choices


def window_filter_choices(empty_label):
    return [("", empty_label)] + [(w.slug, w.name) for w in Window.objects.active()]


class ServiceSearchForm(forms.Form):
    """找服务 filters. Everything travels in the URL, so a search can be bookmarked."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    category = forms.ChoiceField(label=_("Service category"), required=False)
    window = forms.ChoiceField(label=_("Window"), required=False)
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", _("All districts")), *District.choices]
    )
    price_min = forms.DecimalField(label=_("Lowest price"), required=False, min_value=0, decimal_places=2)
    price_max = forms.DecimalField(label=_("Highest price"), required=False, min_value=0, decimal_places=2)
    negotiable = forms.BooleanField(label=_("Negotiable only"), required=False)
    institution = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SERVICE_SORT_LABELS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_filter_choices()
        self.fields["window"].choices = window_filter_choices(_("All windows"))

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price is below the lowest."))
        return data


class InstitutionSearchForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    domain = forms.ChoiceField(label=_("Service domain"), required=False)
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", _("All districts")), *District.choices]
    )
    window = forms.ChoiceField(label=_("Window"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(INSTITUTION_SORT_LABELS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All domains"))] + [
            (d.code, d.name) for d in ServiceDomain.objects.all()
        ]
        self.fields["window"].choices = window_filter_choices(_("All windows"))


class GroupedCategoryField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category.name


def sub_category_field() -> GroupedCategoryField:
    """服务类别 for a service or a demand: a visible sub-category, offered grouped under its field."""
    field = GroupedCategoryField(
        label=_("Service category"), queryset=ServiceCategory.objects.visible().filter(parent__isnull=False)
    )
    groups = [("", "---------")]
    for top in ServiceCategory.objects.visible().top_level().prefetch_related("children"):
        groups.append((top.name, [(c.pk, c.name) for c in top.children.all() if c.is_visible]))
    field.choices = groups
    return field


@limit_lengths(content=5000, process=2000)
class ServiceForm(forms.ModelForm):
    """发布服务 / 修改 a service."""

    new_images = MultipleImageField(label=_("Images"), required=False, max_files=MAX_IMAGES)
    remove_images = forms.ModelMultipleChoiceField(
        label=_("Remove images"),
        queryset=ServiceImage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Service
        fields = [
            "title",
            "category",
            "windows",
            "price_mode",
            "price",
            "price_unit",
            "summary",
            "content",
            "process",
            "duration",
            "service_area",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "windows": forms.CheckboxSelectMultiple,
            "price_mode": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "content": forms.Textarea(attrs={"rows": 5}),
            "process": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("One or two sentences shown in search results."),
            "windows": _("The windows you are an active member of."),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = sub_category_field()
        self.fields["windows"].queryset = Window.objects.filter(
            memberships__organisation=institution, memberships__status=MembershipStatus.ACTIVE
        )
        self.fields["price_mode"].choices = PriceMode.choices
        if self.instance.pk and self.instance.images.exists():
            self.fields["remove_images"].queryset = self.instance.images.all()
        else:
            del self.fields["remove_images"]

    def clean(self):
        data = super().clean()
        if data.get("price_mode") == PriceMode.FIXED:
            if data.get("price") is None:
                self.add_error("price", _("Enter the price."))
            if not data.get("price_unit"):
                self.add_error("price_unit", _("Choose the unit of the price."))
        return data
