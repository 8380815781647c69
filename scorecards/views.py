from django.http import Http404
from django.shortcuts import render

from smeportal.pagination import CappedPaginator

from .selectors import entries_by_category, formula_context, published_ranking, published_rankings

PAGE_SIZE = 20


def ranking_list(request):
    """服务机构月度排行: the published monthly rankings of every window, newest first."""
    page = CappedPaginator(published_rankings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scorecards/rankings.html", {"page": page, "query": "", **formula_context()})


def ranking_detail(request, pk):
    """One published ranking; an unpublished one is not found."""
    ranking = published_ranking(pk)
    if ranking is None:
        raise Http404
    return render(
        request,
        "scorecards/ranking_detail.html",
        {"ranking": ranking, "categories": entries_by_category(ranking), **formula_context()},
    )
