from django import forms

from smeportal.idempotency import SubmitOnceMixin

from .models import VoucherProgramme


class VoucherApplyForm(SubmitOnceMixin, forms.Form):
    """申领 on 我的服务券: one button per open programme."""

    programme = forms.ModelChoiceField(queryset=VoucherProgramme.objects.all(), widget=forms.HiddenInput)
