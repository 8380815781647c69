from django.urls import path

from . import views

app_name = "certification"

urlpatterns = [
    path("", views.center, name="center"),
    path("start/", views.start, name="start"),
    path("applications/<int:pk>/", views.edit, name="edit"),
    path("files/licence/<int:pk>/", views.licence_file, name="licence_file"),
    path("files/certificate/<int:pk>/", views.certificate_file, name="certificate_file"),
]
