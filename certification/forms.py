from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind
from accounts.validators import validate_mobile
from smeportal.forms import limit_lengths
from smeportal.uploads import ImageUploadField, MultipleImageField

from .models import CertificationApplication, QualificationCertificate, ServiceDomain
from .rules import either_of_fields, required_fields
from .validators import normalize_code, validate_landline, validate_not_in_future, validate_org_code, validate_uscc

MAX_CERTIFICATES = 10

# The sections of a Chinese registration form.
ENTERPRISE_FIELDSETS = [
    (
        _("Basic information"),
        [
            "name",
            "credit_code",
            "org_code",
            "legal_representative",
            "registered_capital",
            "established_on",
            "enterprise_type",
            "district",
            "industry",
            "scale",
            "employees",
        ],
    ),
    (_("Business registration"), ["registered_address", "business_scope"]),
    (_("Contact details"), ["contact_name", "landline", "mobile", "email"]),
    (_("Qualification documents"), ["licence", "introduction"]),
]
INSTITUTION_FIELDSETS = [
    (
        _("Basic information"),
        [
            "name",
            "credit_code",
            "org_code",
            "legal_representative",
            "registered_capital",
            "established_on",
            "institution_type",
            "district",
            "service_domains",
            "service_area",
        ],
    ),
    (_("Business registration"), ["registered_address", "business_scope"]),
    (_("Contact details"), ["contact_name", "landline", "mobile", "email"]),
    (_("Qualification documents"), ["licence", "new_certificates", "remove_certificates", "introduction"]),
]
LABELS = {
    OrganisationKind.ENTERPRISE: {"name": _("Enterprise name"), "introduction": _("Enterprise introduction")},
    OrganisationKind.INSTITUTION: {"name": _("Institution name"), "introduction": _("Institution introduction")},
}


@limit_lengths(introduction=2000, business_scope=2000)
class CertificationForm(forms.ModelForm):
    """机构信息 (manual 2.3). Every field may stay empty in a draft; 【提请审核】
    checks completeness (certification.rules) and shows what is missing."""

    licence = ImageUploadField(label=_("Business licence"), required=False)
    new_certificates = MultipleImageField(
        label=_("Qualification certificates"), required=False, max_files=MAX_CERTIFICATES
    )
    remove_certificates = forms.ModelMultipleChoiceField(
        label=_("Remove certificates"),
        queryset=QualificationCertificate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CertificationApplication
        fields = [
            "name",
            "credit_code",
            "org_code",
            "legal_representative",
            "registered_capital",
            "established_on",
            "enterprise_type",
            "institution_type",
            "district",
            "industry",
            "scale",
            "employees",
            "service_domains",
            "service_area",
            "registered_address",
            "business_scope",
            "contact_name",
            "landline",
            "mobile",
            "email",
            "licence",
            "introduction",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "service_domains": forms.CheckboxSelectMultiple,
            "mobile": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        self.fieldsets = INSTITUTION_FIELDSETS if kind == OrganisationKind.INSTITUTION else ENTERPRISE_FIELDSETS
        shown = {name for _title, names in self.fieldsets for name in names}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        for name, label in LABELS[OrganisationKind(kind)].items():
            self.fields[name].label = label
        # Red dot: needed for review (not for saving a draft); black dot: either of two.
        for name in required_fields(kind):
            if name in self.fields:
                self.fields[name].marked_required = True
        for name in either_of_fields():
            self.fields[name].either_of = True
        if "service_domains" in self.fields:
            self.fields["service_domains"].queryset = ServiceDomain.objects.all()
        if "remove_certificates" in self.fields:
            if self.instance.pk:
                self.fields["remove_certificates"].queryset = self.instance.certificates.all()
            if not self.fields["remove_certificates"].queryset.exists():
                del self.fields["remove_certificates"]
                self.fieldsets = [
                    (title, [n for n in names if n != "remove_certificates"]) for title, names in self.fieldsets
                ]
        self.fields["credit_code"].help_text = _("18 characters, as printed on the business licence.")
        self.fields["org_code"].help_text = _("9 characters, e.g. 12345678-9; for organisations without a credit code.")
        self.fields["landline"].help_text = _("With area code, e.g. 0951-5012345.")

    def grouped_fields(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.fieldsets]

    def clean_credit_code(self):
        value = normalize_code(self.cleaned_data["credit_code"])
        if value:
            validate_uscc(value)
        return value

    def clean_org_code(self):
        value = normalize_code(self.cleaned_data["org_code"])
        if value:
            validate_org_code(value)
        return value

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if value:
            validate_mobile(value)
        return value

    def clean_landline(self):
        value = self.cleaned_data["landline"].strip()
        if value:
            validate_landline(value)
        return value

    def clean_established_on(self):
        value = self.cleaned_data["established_on"]
        if value:
            validate_not_in_future(value)
        return value

    def clean_registered_capital(self):
        value = self.cleaned_data["registered_capital"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The registered capital cannot be negative."), code="negative")
        return value
