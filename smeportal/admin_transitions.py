"""State-machine transitions as buttons and bulk actions in Django admin.

A ModelAdmin lists its transitions; each becomes a button on the change page
(opening a confirmation page, with a reason field where the transition needs
one) and, unless `bulk=False`, a bulk action on the change list. Both call the
app's action function, the one write path shared with the site's views:

    class ApplicationAdmin(TransitionAdminMixin, admin.ModelAdmin):
        transitions = [
            AdminTransition("approve", _("Approve"), lambda obj, actor, reason: application_approve(
                application=obj, actor=actor), available=lambda obj: obj.status == "submitted"),
        ]

An action refuses with smeportal.errors.ActionRefused; the refusal is shown
and nothing changes. Objects outside the admin's scope (get_queryset) answer 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ActionRefused


@dataclass(frozen=True)
class AdminTransition:
    name: str
    label: Any
    run: Callable[[Any, Any, str], Any]  # (obj, actor, reason)
    available: Callable[[Any], bool] = lambda obj: True
    permitted: Callable[[Any], bool] = lambda user: True  # who sees the button at all
    needs_reason: bool = False
    bulk: bool = True
    style: str = "default"  # "danger" marks destructive buttons


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
    )


class TransitionAdminMixin:
    transitions: list[AdminTransition] = []
    change_form_template = "admin/transition_change_form.html"

    def _transition(self, name: str) -> AdminTransition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise Http404

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            info = self.opts.app_label, self.opts.model_name
            context["transition_buttons"] = [
                {
                    "label": t.label,
                    "style": t.style,
                    "url": reverse("admin:{}_{}_transition".format(*info), args=[obj.pk, t.name]),
                }
                for t in self.transitions
                if t.available(obj) and t.permitted(request.user)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request, object_id, name):
        transition = self._transition(name)
        obj = self.get_object(request, object_id)  # scoped by get_queryset
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        form = ReasonForm(request.POST or None) if transition.needs_reason else None
        if request.method == "POST" and (form is None or form.is_valid()):
            reason = form.cleaned_data["reason"] if form else ""
            try:
                transition.run(obj, request.user, reason)
            except ActionRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("“%(object)s”: %(action)s done.") % {"object": obj, "action": transition.label}
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "objects": [obj],
            "transition": transition,
            "form": form,
            "title": transition.label,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/transition_confirm.html", context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return actions
        for transition in self.transitions:
            if transition.bulk and transition.permitted(request.user):
                function = self._bulk_action(transition)
                actions[f"transition_{transition.name}"] = (function, f"transition_{transition.name}", transition.label)
        return actions

    def _bulk_action(self, transition: AdminTransition):
        def bulk(modeladmin, request, queryset):
            form = None
            if transition.needs_reason:
                form = ReasonForm(request.POST if "apply" in request.POST else None)
                if not form.is_valid():
                    context = {
                        **modeladmin.admin_site.each_context(request),
                        "opts": modeladmin.opts,
                        "objects": list(queryset),
                        "transition": transition,
                        "form": form,
                        "title": transition.label,
                        "bulk_action": f"transition_{transition.name}",
                        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                    }
                    return TemplateResponse(request, "admin/transition_confirm.html", context)
            reason = form.cleaned_data["reason"] if form else ""
            done, refused = 0, []
            for obj in queryset:
                try:
                    transition.run(obj, request.user, reason)
                    done += 1
                except ActionRefused as refusal:
                    refused.append(_("“%(object)s”: %(message)s") % {"object": obj, "message": refusal.message})
            if done:
                modeladmin.message_user(
                    request, _("%(action)s: %(count)d done.") % {"action": transition.label, "count": done}
                )
            for line in refused:
                modeladmin.message_user(request, line, messages.WARNING)
            return None

        bulk.__name__ = f"transition_{transition.name}"
        return bulk


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under an object, never edited there (history, bids, attachments).

    Anyone who may open the parent object may read them: the parent's ModelAdmin
    already decided (window administrators have no Django permission rows, so the
    default permission check would hide these inlines from them).
    """

    extra = 0
    can_delete = False
    classes = ["readonly-inline"]  # static/css/admin.css

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LogInline(ReadOnlyInline):
    """A state machine's log rows under the object: history is not edited."""

    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
