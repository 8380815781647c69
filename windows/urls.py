from django.urls import path

from . import views

app_name = "windows"

urlpatterns = [
    path("<slug:slug>/", views.window_detail, name="detail"),
]
