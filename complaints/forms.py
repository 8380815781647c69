from django import forms
from django.utils.translation import gettext_lazy as _

from smeportal.idempotency import SubmitOnceMixin
from smeportal.uploads import MultipleDocumentField, MultipleImageField

from .models import ComplaintResult, ComplaintStatus, ComplaintType

MAX_PHOTOS = 5


class ComplaintForm(SubmitOnceMixin, forms.Form):
    """【投诉】: 投诉理由 (a type and the text) and up to 5 相关照片."""

    complaint_type = forms.ChoiceField(
        label=_("Type of complaint"), choices=[("", "---------"), *ComplaintType.choices]
    )
    reason = forms.CharField(
        label=_("Reason for the complaint"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000
    )
    photos = MultipleImageField(label=_("Photos"), required=False, max_files=MAX_PHOTOS)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give the reason for the complaint."))
        return reason


class ReplyForm(forms.Form):
    """回复 of the institution, with optional attachments."""

    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)
    attachments = MultipleDocumentField(label=_("Attachments"), required=False, max_files=5)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ComplaintStatus.choices])
    result = forms.ChoiceField(label=_("Result"), required=False, choices=[("", _("All")), *ComplaintResult.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
