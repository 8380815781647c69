from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("help/", views.help_centre, name="help"),
    path("help/<slug:slug>/", views.help_topic, name="help_topic"),
    path("search/", views.search, name="search"),
]
