from django import forms
from django.utils.translation import gettext_lazy as _

from windows.models import Window

from .models import PolicyCategory


class PolicyFilterForm(forms.Form):
    """The public list's filters (GET); every field optional."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    category = forms.ChoiceField(label=_("policy category"), required=False)
    window = forms.ChoiceField(label=_("window platform"), required=False)
    issuing_body = forms.CharField(label=_("issuing body"), required=False, max_length=50)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    open = forms.BooleanField(label=_("Still open for application"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All"))] + list(PolicyCategory.choices)
        self.fields["window"].choices = [("", _("All"))] + list(
            Window.objects.active().order_by("pk").values_list("slug", "name")
        )


class PolicyAlertsForm(forms.Form):
    new_policy_messages = forms.BooleanField(label=_("message me when a new policy fits"), required=False)
    weekly_digest = forms.BooleanField(label=_("weekly digest of the policies that fit"), required=False)


class FavouriteForm(forms.Form):
    favourite = forms.BooleanField(required=False, widget=forms.HiddenInput)
