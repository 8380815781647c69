"""One form renderer for every form of the site, ours and the packages' alike.

Fields render through templates/includes/_field.html (label with the red dot
of a required field, help text, errors next to the field) and their widgets get
Bootstrap's classes, so no form needs per-field markup.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms import BoundField
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "radio": "form-check-input",
    "select": "form-select",
    "file": "form-control",
}


class SiteBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        input_type = getattr(widget, "input_type", None) or ("select" if "select" in widget.template_name else "")
        if input_type != "hidden":
            css = WIDGET_CLASSES.get(input_type, "form-control")
            existing = attrs.get("class", widget.attrs.get("class", ""))
            if css not in existing.split():
                attrs["class"] = f"{existing} {css}".strip()
            if self.errors:
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
        return attrs


class SiteFormRenderer(TemplatesSetting):
    field_template_name = "includes/_field.html"
    bound_field_class = SiteBoundField


def valid_filters(form) -> dict:
    """The filter values that are valid, so one bad value drops only itself.

    After is_valid() a form's cleaned_data holds only the fields that passed
    (a field with an error is left out); its error still renders next to it.
    """
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def limit_lengths(**limits):
    """Class decorator: a max_length on form fields that come from model TextFields.

    A model TextField has no length, so its form field takes any amount of
    text. Setting the limit on the form (validator, ``maxlength`` on the
    textarea, and the stated limit under it) needs no migration.
    """

    def limit(fields):
        for name, limit in limits.items():
            field = fields[name]
            if field.max_length != limit:  # once, even when a subclass inherits the limits
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
                field.widget.attrs["maxlength"] = str(limit)

    def decorate(form_class):
        limit(form_class.base_fields)
        # A ModelForm subclass makes its model fields anew, without the limits:
        # apply them to every instance as well.
        original_init = form_class.__init__

        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            limit(self.fields)

        form_class.__init__ = __init__
        return form_class

    return decorate


def choice_checkboxes(label, choices, help_text="") -> forms.MultipleChoiceField:
    """A list of codes ticked as checkboxes: how admin edits the eligibility and targeting
    lists (JSON lists of district, industry or scale codes) of vouchers and policies."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )
