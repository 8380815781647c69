from django.urls import path

from . import views, views_membership

app_name = "windows"

urlpatterns = [
    path("membership/", views_membership.membership_list, name="membership"),
    path("membership/<int:pk>/withdraw/", views_membership.membership_withdraw_view, name="membership_withdraw"),
    path("<slug:slug>/", views.window_detail, name="detail"),
]
