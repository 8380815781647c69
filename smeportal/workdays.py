"""Working days (工作日): Monday to Friday, in the portal's time zone.

Public holidays are not known here; periods counted in working days (such as the
demands' award publicity) only skip Saturdays and Sundays.
"""

from datetime import datetime, timedelta

from django.utils import timezone

SATURDAY = 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`, at the same local time of day.

    Each weekday after `start`'s date counts as one; a period opened on a Saturday
    therefore ends on the following Wednesday at that time for days=3, like one
    opened on the Friday before.
    """
    local = timezone.localtime(start)
    counted = 0
    while counted < days:
        local = local + timedelta(days=1)
        if local.weekday() < SATURDAY:
            counted += 1
    # Re-attach the zone: a plain timedelta over a DST change would keep the old offset.
    return timezone.make_aware(local.replace(tzinfo=None))
