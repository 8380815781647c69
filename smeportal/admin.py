from django.contrib import admin

from .models import SubmissionToken


@admin.register(SubmissionToken)
class SubmissionTokenAdmin(admin.ModelAdmin):
    """Read-only: the rows are the guard against duplicate submissions, written only by
    smeportal.idempotency."""

    list_display = ["created_at", "user", "result_url"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "result_url"]
    readonly_fields = ["user", "token", "result_url", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
