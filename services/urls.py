from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("images/<int:pk>/", views.service_image, name="image"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/submit/", views.submit, name="submit"),
    path("manage/<int:pk>/delist/", views.delist, name="delist"),
]
