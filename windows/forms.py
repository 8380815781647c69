from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Window


class MembershipApplyForm(forms.Form):
    windows = forms.ModelMultipleChoiceField(
        label=_("Windows"),
        queryset=Window.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one window to join.")},
    )

    def __init__(self, *args, applicable_windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["windows"].queryset = Window.objects.filter(pk__in=[w.pk for w in applicable_windows])
