from django import template

register = template.Library()


@register.simple_tag
def page_range(page, on_each_side: int = 2):
    """The page numbers around the current one, with `None` where numbers are left out.

    Paginator.get_elided_page_range gives `…` as a string; None lets the template
    render the gap as text rather than as a link.
    """
    paginator = page.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=0)
    ]
