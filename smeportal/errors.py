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
