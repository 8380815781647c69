"""One form renderer for every form of the site, ours and the packages' alike.

Fields render through templates/includes/_field.html (label with the red dot
of a required field, help text, errors next to the field) and their widgets get
Bootstrap's classes, so no form needs per-field markup.
"""

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
