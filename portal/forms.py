from django import forms
from django.utils.translation import gettext_lazy as _


class SiteSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the site"), required=False, max_length=50)
