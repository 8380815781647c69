from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from certification.choices import Industry
from smeportal.tabular import XLSX, ImportFileField
from windows.models import Window

from .choices import Difficulty, Level, WarningStatus
from .imports import MAX_ROWS
from .models import MonthlyReport
from .reporting import impossible_values, parse_period, period_label


class ReportForm(forms.ModelForm):
    """企业运行数据填报: the month's figures and the 经营状况 questionnaire."""

    period = forms.TypedChoiceField(label=_("reporting month"), coerce=parse_period)
    difficulties = forms.MultipleChoiceField(
        label=_("main difficulties"),
        choices=Difficulty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_changes = forms.BooleanField(label=_("I confirm these figures are correct"), required=False)
    change_note = forms.CharField(
        label=_("Explanation of the changes"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "revenue",
            "profit",
            "tax",
            "exports",
            "employees",
            "orders_trend",
            "funding",
            "labour",
            "difficulties",
            "other_notes",
        ]
        widgets = {
            "orders_trend": forms.RadioSelect,
            "funding": forms.RadioSelect,
            "labour": forms.RadioSelect,
            "other_notes": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(f"{p:%Y-%m}", period_label(p)) for p in periods]
        for name in ("orders_trend", "funding", "labour"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        # The period comes first on the page.
        self.order_fields(["period"])

    def clean(self):
        cleaned = super().clean()
        for name, message in impossible_values(cleaned).items():
            if name in cleaned:
                self.add_error(name, message)
        return cleaned


class ImportForm(forms.Form):
    # Type and size are checked here; the content when the import reads it.
    file = ImportFileField(label=_("Excel file (.xlsx)"), max_rows=MAX_ROWS, formats=(XLSX,))


class DashboardFilterForm(forms.Form):
    """The filters of every 监管看板 view."""

    period = forms.TypedChoiceField(label=_("reporting month"), coerce=parse_period, required=False)
    district = forms.ChoiceField(label=_("district"), required=False)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    window = forms.TypedChoiceField(label=_("window"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, periods=(), windows=(), districts=None, **kwargs):
        """`districts`: the district codes the user may choose, None for all."""
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["period"].choices = [(f"{p:%Y-%m}", period_label(p)) for p in periods]
        self.fields["district"].choices = everything + [
            (code, label) for code, label in District.choices if districts is None or code in districts
        ]
        self.fields["industry"].choices = everything + list(Industry.choices)
        self.fields["window"].choices = everything + [(w.pk, w.name) for w in windows]


class WarningFilterForm(DashboardFilterForm):
    level = forms.ChoiceField(label=_("level"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All"))] + list(Level.choices)
        self.fields["status"].choices = [("", _("All"))] + list(WarningStatus.choices)
        self.fields["period"].required = False


__all__ = ["ReportForm", "ImportForm", "DashboardFilterForm", "WarningFilterForm", "Window"]
