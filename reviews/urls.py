from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("mine/", views.written, name="written"),
    path("about-me/", views.received, name="received"),
    path("order/<int:order_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("institution/<int:pk>/", views.institution_reviews, name="institution"),
]
