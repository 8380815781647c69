from django.urls import path

from . import views

app_name = "reimbursements"

urlpatterns = [
    path("", views.reimbursement_list, name="list"),
    path("orders/<int:order_pk>/apply/", views.reimbursement_apply, name="apply"),
    path("<int:pk>/pack/", views.reimbursement_pack, name="pack"),
    path("<int:pk>/invoice/", views.reimbursement_invoice, name="invoice"),
]
