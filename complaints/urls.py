from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list_view, name="list"),
    path("order/<int:order_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
