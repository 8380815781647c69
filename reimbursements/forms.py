from django import forms
from django.utils.translation import gettext_lazy as _

from smeportal.idempotency import SubmitOnceMixin
from smeportal.uploads import MultipleDocumentField


class ReimbursementForm(SubmitOnceMixin, forms.Form):
    """兑付申请: the invoice that backs the claim (the acceptance is in the order's timeline)."""

    invoice_number = forms.CharField(label=_("invoice number"), max_length=40)
    invoice = MultipleDocumentField(label=_("invoice"), required=True, max_files=1)
