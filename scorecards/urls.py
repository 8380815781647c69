from django.urls import path

from . import views

app_name = "scorecards"

urlpatterns = [
    path("rankings/", views.ranking_list, name="rankings"),
    path("rankings/<int:pk>/", views.ranking_detail, name="ranking"),
]
