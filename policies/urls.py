from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("mine/", views.my_policies, name="mine"),
    path("feed/rss/", views.PolicyRssFeed(), name="feed_rss"),
    path("feed/atom/", views.PolicyAtomFeed(), name="feed_atom"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/favourite/", views.policy_favourite, name="favourite"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.policy_attachment, name="attachment"),
]
