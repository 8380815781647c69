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


class NoticeSearchForm(forms.Form):
    """通知公告: a keyword, and on the hub's list the window."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    window = forms.ChoiceField(label=_("Window"), required=False)

    def __init__(self, *args, with_window=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_window:
            self.fields["window"].choices = [("", _("All windows"))] + [
                (w.slug, w.name) for w in Window.objects.active()
            ]
        else:
            del self.fields["window"]
