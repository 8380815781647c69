from django.shortcuts import get_object_or_404, render

from .forms import SiteSearchForm
from .models import Faq, HelpTopic
from .selectors import site_search


def help_centre(request):
    """帮助中心: the manual's chapters, the FAQ and whom to call."""
    return render(
        request,
        "portal/help.html",
        {"topics": list(HelpTopic.objects.published()), "faqs": list(Faq.objects.published())},
    )


def help_topic(request, slug):
    topic = get_object_or_404(HelpTopic.objects.published(), slug=slug)
    return render(request, "portal/help_topic.html", {"topic": topic, "topics": list(HelpTopic.objects.published())})


def search(request):
    """站内搜索: services, institutions, demands and notices at once."""
    form = SiteSearchForm(request.GET or None)
    keyword = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    groups = site_search(keyword)
    return render(
        request,
        "portal/search.html",
        {"form": form, "keyword": keyword, "groups": groups, "total": sum(g.count for g in groups)},
    )
