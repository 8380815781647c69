"""Small helpers the apps' actions share around django-fsm-2 transitions."""

from django_fsm import can_proceed

from .errors import ActionRefused


def lock(model, pk):
    """Re-read a row inside the action's transaction, locked until it ends.

    Two requests acting on the same object (a double click, two users) then run
    one after the other, and the second sees the state the first left.
    """
    return model.objects.select_for_update().get(pk=pk)


def run_transition(instance, name: str, refused_message, field: str = "status") -> tuple[str, str]:
    """Call the transition `name` if the current state allows it; return (from, to).

    Refuses with `refused_message` otherwise, before anything is written.
    """
    method = getattr(instance, name)
    if not can_proceed(method):
        raise ActionRefused(refused_message)
    before = getattr(instance, field)
    method()
    return before, getattr(instance, field)
