from django import forms
from django.utils.translation import gettext_lazy as _

from smeportal.idempotency import SubmitOnceMixin
from smeportal.uploads import MultipleDocumentField

from .models import OrderStatus

MAX_FILES = 5


class OrderPlaceForm(SubmitOnceMixin, forms.Form):
    """【我要申请】: 订购数量, 要求, 附件."""

    window = forms.ChoiceField(label=_("Window"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    requirements = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=2000
    )
    attachments = MultipleDocumentField(label=_("Attachments"), required=False, max_files=MAX_FILES)

    voucher = forms.ChoiceField(label=_("Service voucher"), required=False)

    def __init__(self, *args, windows=(), vouchers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(w.pk, w.name) for w in windows]
        self.fields["window"].help_text = _("The window through which you order.")
        if vouchers:
            self.fields["voucher"].choices = [("", _("Do not use a voucher"))] + [
                (v.pk, f"{v.number}（{v.programme.terms}，{v.programme.name}）") for v in vouchers
            ]
            self.fields["voucher"].help_text = _(
                "The voucher pays its amount or its share of the price, never more than the order's total; "
                "it is held while the order runs and given back if the order ends without acceptance."
            )
        else:
            del self.fields["voucher"]


class OrderUpdateForm(forms.Form):
    """【修改】 → 【保存】."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    requirements = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=2000
    )
    attachments = MultipleDocumentField(label=_("Add attachments"), required=False, max_files=MAX_FILES)
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove attachments"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        attachments = list(order.attachments.all())
        if attachments:
            self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in attachments]
        else:
            del self.fields["remove_attachments"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


class FinishForm(forms.Form):
    """【服务完成】: 完成与否 → 【保存】."""

    completed = forms.TypedChoiceField(
        label=_("Completed or not"),
        choices=[("yes", _("Completed")), ("no", _("Not completed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
        help_text=_("Needed when the service is not completed."),
    )

    def clean(self):
        data = super().clean()
        if data.get("completed") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Tell the institution what is not completed."))
        return data


class CheckForm(forms.Form):
    """验收合格 / 验收不合格 (reason)."""

    passed = forms.TypedChoiceField(
        label=_("Acceptance"),
        choices=[("yes", _("Accepted: the service is satisfactory")), ("no", _("Not accepted"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )

    def clean(self):
        data = super().clean()
        if data.get("passed") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Tell the institution why the service is not accepted."))
        return data


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *OrderStatus.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
