from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .forms import EnterpriseSignupForm, InstitutionSignupForm


class RegisterChoiceView(TemplateView):
    """【免费注册】: choose 【企业用户注册】 or 【服务机构注册】."""

    template_name = "accounts/register_choice.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:center")
        return super().dispatch(request, *args, **kwargs)


class RoleSignupView(SignupView):
    template_name = "accounts/signup.html"
    role_form_class = None
    heading = ""

    def get_form_class(self):
        # Not ACCOUNT_FORMS["signup"]: each role has its own form and URL.
        return self.role_form_class

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        return context

    def form_valid(self, form):
        # Says 注册成功 and what comes next instead of allauth's "signed in as"
        # (the adapter drops that one while this flag is set).
        self.request.signing_up = True
        response = super().form_valid(form)
        if self.request.user.is_authenticated:
            messages.success(
                self.request,
                _(
                    "Registration successful. Next step: complete your certification in the Certification centre; "
                    "an enterprise can apply for services once it is certified."
                )
                if self.heading == "enterprise"
                else _(
                    "Registration successful. Next step: complete your certification in the Certification centre; "
                    "an institution can publish services and bid once it is certified."
                ),
            )
        return response


class EnterpriseSignupView(RoleSignupView):
    role_form_class = EnterpriseSignupForm
    heading = "enterprise"


class InstitutionSignupView(RoleSignupView):
    role_form_class = InstitutionSignupForm
    heading = "institution"


def signup_redirect(request):
    """allauth's generic sign-up URL leads to the choice of account type."""
    return redirect("accounts:register")


@login_required
def center(request):
    """The 用户中心 home: the organisation, the left menu, the newest messages."""
    recent_messages = request.user.notifications.order_by("-created_at")[:5]
    return render(
        request,
        "accounts/center.html",
        {"recent_messages": recent_messages},
    )


def terms(request):
    return render(request, "accounts/terms.html")
