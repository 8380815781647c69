from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("tab/<slug:tab>/", views.order_list_view, name="tab"),
    path("apply/<int:service_pk>/", views.place, name="place"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modify/", views.update, name="update"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/request-cancel/", views.request_cancel, name="request_cancel"),
    path("<int:pk>/answer-cancel/", views.answer_cancel, name="answer_cancel"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
