"""Pagination that never counts more rows than a person will page through.

Counting every match of a broad search over a large catalogue costs more than
showing the page itself; people refine a search long before page 50. So the
count stops at `cap` (shown as "1000+") and pages end there.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int = 1000, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        # COUNT over a LIMITed subquery: the database stops at cap + 1 rows. Only the
        # ids, in no order: the rows' annotations (review state, ...), joins and sort
        # do not change how many there are, and any cap + 1 rows will do.
        rows = self.object_list
        if hasattr(rows, "values"):
            rows = rows.order_by().values("pk")
        return min(rows[: self.cap + 1].count(), self.cap + 1)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return min(pages, max(1, -(-self.cap // self.per_page)))


def query_without_page(request) -> str:
    """The request's non-empty GET parameters but `page`, for the pagination links."""
    return urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
