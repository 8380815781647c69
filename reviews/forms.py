from django import forms
from django.utils.translation import gettext_lazy as _

from smeportal.idempotency import SubmitOnceMixin

STAR_CHOICES = [(5, "★★★★★ 5"), (4, "★★★★☆ 4"), (3, "★★★☆☆ 3"), (2, "★★☆☆☆ 2"), (1, "★☆☆☆☆ 1")]


def _score_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )


class ReviewForm(SubmitOnceMixin, forms.Form):
    """【评论】: 评分 (and, for institutions, 服务质量 / 服务态度 / 响应速度) and 评价内容 → 【发表评论】."""

    score = _score_field(_("Score"))
    quality = _score_field(_("Service quality"))
    attitude = _score_field(_("Service attitude"))
    speed = _score_field(_("Response speed"))
    content = forms.CharField(label=_("Review content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)

    def __init__(self, *args, of_institution: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not of_institution:
            for name in ("quality", "attitude", "speed"):
                del self.fields[name]


class FollowUpForm(SubmitOnceMixin, forms.Form):
    content = forms.CharField(label=_("Follow-up review"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ReviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=50)
    score = forms.TypedChoiceField(
        label=_("Score"),
        required=False,
        choices=[("", _("All")), *[(n, str(n)) for n in range(5, 0, -1)]],
        coerce=int,
        empty_value=None,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
