from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("mine/", views.my_vouchers, name="mine"),
]
