"""Accessible changelists in Django admin."""


class LabelledListEditableMixin:
    """Django renders list_editable inputs without a label (axe `label`, WCAG 1.3.1 and
    4.1.2): a screen reader hears "edit text" in every row. Each input is named after its
    column and its row instead, e.g. "排序：法律服务"."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)

        class LabelledForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if self.instance.pk:
                    for field in self.fields.values():
                        field.widget.attrs["aria-label"] = f"{field.label}：{self.instance}"

        return LabelledForm
