class ActionRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """An action was refused: wrong state, wrong actor, incomplete data.

    `message` is shown to the user as is (already translated); `field_errors`
    maps form field names to messages where the refusal concerns fields.
    Raised before anything is written, or inside the action's transaction so
    that nothing it wrote survives.
    """

    def __init__(self, message, field_errors: dict[str, str] | None = None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


def show_refusal(request, form, refusal: ActionRefused) -> None:
    """Show a refused action on the page: its message at the top, and each field
    error next to its field (the form keeps what the user typed)."""
    from django.contrib import messages

    messages.error(request, refusal.message)
    for field, message in refusal.field_errors.items():
        if form is not None and field in form.fields:
            form.add_error(field, message)
