from django.urls import path

from . import views, views_membership

app_name = "windows"

urlpatterns = [
    path("membership/", views_membership.membership_list, name="membership"),
    path("membership/<int:pk>/withdraw/", views_membership.membership_withdraw_view, name="membership_withdraw"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<slug:slug>/notices/", views.window_notice_list, name="window_notices"),
    path("<slug:slug>/", views.window_detail, name="detail"),
]
