from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.RegisterChoiceView.as_view(), name="register"),
    path("register/enterprise/", views.EnterpriseSignupView.as_view(), name="signup_enterprise"),
    path("register/institution/", views.InstitutionSignupView.as_view(), name="signup_institution"),
    path("center/", views.center, name="center"),
]
