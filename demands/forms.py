from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.forms import category_filter_choices, sub_category_field, window_filter_choices
from smeportal.forms import limit_lengths
from smeportal.idempotency import SubmitOnceMixin
from smeportal.uploads import MultipleDocumentField
from windows.models import Window

from .models import BidStatus, BudgetMode, Demand, DemandStatus

MAX_FILES = 5


@limit_lengths(description=5000)
class DemandForm(forms.ModelForm):
    """【发布需求】 and 【修改】: the demand's content → 【提请审核】."""

    attachments = MultipleDocumentField(label=_("Attachments"), required=False, max_files=MAX_FILES)
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove attachments"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Demand
        fields = [
            "title",
            "category",
            "window",
            "budget_mode",
            "budget_min",
            "budget_max",
            "description",
            "bid_deadline",
            "expected_finish",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "budget_mode": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
            "bid_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "expected_finish": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "contact_name": _("Shown only to the institution whose bid wins."),
            "contact_phone": _("Shown only to the institution whose bid wins."),
            "budget_min": _("In yuan. Leave empty for no lower limit."),
            "budget_max": _("In yuan. Leave empty for no upper limit."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = sub_category_field()
        self.fields["window"].queryset = Window.objects.active()
        self.fields["window"].label = _("Window of the demand")
        self.fields["window"].help_text = _("The window whose institutions may bid.")
        self.fields["budget_mode"].choices = BudgetMode.choices
        self.fields["bid_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        attachments = list(self.instance.attachments.all()) if self.instance.pk else []
        if attachments:
            self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in attachments]
        else:
            del self.fields["remove_attachments"]

    def clean(self):
        # Before the model's check constraint runs (ModelForm validates it after clean): an
        # upside-down range gets the field's message instead of "constraint ... is violated", and
        # 面议 drops the amounts (demands.actions clears them too) so they cannot trip it.
        data = super().clean()
        if data.get("budget_mode") == BudgetMode.NEGOTIABLE:
            data["budget_min"] = data["budget_max"] = None
        else:
            low, high = data.get("budget_min"), data.get("budget_max")
            if low is not None and high is not None and low > high:
                self.add_error("budget_max", _("The upper end of the budget must not be below the lower end."))
        return data

    def demand_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class HallSearchForm(forms.Form):
    """需求大厅 filters; everything travels in the URL."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    category = forms.ChoiceField(label=_("Service category"), required=False)
    window = forms.ChoiceField(label=_("Window"), required=False)
    budget_min = forms.DecimalField(label=_("Budget from"), required=False, min_value=0, decimal_places=2)
    budget_max = forms.DecimalField(label=_("Budget up to"), required=False, min_value=0, decimal_places=2)
    deadline_before = forms.DateField(
        label=_("Deadline by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("newest", _("Newest")), ("deadline", _("Deadline soonest")), ("budget", _("Budget"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_filter_choices()
        self.fields["window"].choices = window_filter_choices(_("All windows"))

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper end of the budget must not be below the lower end."))
        return data


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(choices)


def demand_status_form(data):
    return StatusFilterForm(data, choices=DemandStatus.choices)


def bid_status_form(data):
    return StatusFilterForm(data, choices=BidStatus.choices)


class BidForm(forms.Form):
    """【投标】: 报价, 服务方案, 预计工期, 附件."""

    price = forms.DecimalField(label=_("Quoted price (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    proposal = forms.CharField(label=_("Service proposal"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    duration_days = forms.IntegerField(label=_("Estimated duration (days)"), min_value=1, max_value=3650)
    attachments = MultipleDocumentField(label=_("Attachments"), required=False, max_files=MAX_FILES)
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove attachments"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, bid=None, **kwargs):
        super().__init__(*args, **kwargs)
        attachments = list(bid.attachments.all()) if bid is not None else []
        if attachments:
            self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in attachments]
        else:
            del self.fields["remove_attachments"]


class DemandPublishForm(SubmitOnceMixin, DemandForm):
    """【发布需求】: one submission publishes one demand (【修改】 edits in place)."""


class BidSubmitForm(SubmitOnceMixin, BidForm):
    """【投标】: one submission makes one bid (its 【修改】 edits in place)."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


class QuestionForm(SubmitOnceMixin, forms.Form):
    """答疑 【提问】: shown on the demand's page without the asker's name."""

    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Questions and answers are public; your organisation's name is not shown."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("demand Q&A", "Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ClarificationForm(SubmitOnceMixin, forms.Form):
    text = forms.CharField(
        label=_("Clarification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Public on the demand's page; the bidders are told and may modify or withdraw their bids."),
    )


class ObjectionForm(SubmitOnceMixin, forms.Form):
    """【提出异议】 during 中标公示: one submission raises one objection."""

    reason = forms.CharField(
        label=_("Reason for the objection"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        help_text=_("Say what is wrong with the award; the window's administrators decide."),
    )
    attachments = MultipleDocumentField(label=_("Attachments"), required=False, max_files=MAX_FILES)
