from django.urls import path

from . import views

app_name = "demands"

urlpatterns = [
    path("", views.hall, name="hall"),
    path("publish/", views.publish, name="publish"),
    path("mine/", views.mine, name="mine"),
    path("bids/", views.my_bids, name="my_bids"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.update, name="update"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/fail/", views.fail, name="fail"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/bids/", views.bids, name="bids"),
    path("<int:pk>/bids/<int:bid_pk>/award/", views.award, name="award"),
    path("<int:pk>/ask/", views.question_ask, name="question_ask"),
    path("<int:pk>/object/", views.objection_raise, name="objection_raise"),
    path("objection-attachments/<int:pk>/", views.objection_attachment, name="objection_attachment"),
    path("<int:pk>/clarify/", views.clarification_publish, name="clarification_publish"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("<int:pk>/bid/", views.bid_create, name="bid"),
    path("bids/<int:pk>/edit/", views.bid_update, name="bid_update"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("bid-attachments/<int:pk>/", views.bid_attachment, name="bid_attachment"),
]
