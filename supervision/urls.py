from django.urls import path

from . import dashboard_views, views

app_name = "supervision"

urlpatterns = [
    path("report/", views.report_file, name="file"),
    path("reports/", views.history, name="history"),
    path("dashboard/", dashboard_views.overview, name="dashboard"),
    path("dashboard/economy/", dashboard_views.economy, name="economy"),
    path("dashboard/survey/", dashboard_views.survey, name="survey"),
    path("dashboard/activity/", dashboard_views.activity, name="activity"),
    path("dashboard/warnings/", dashboard_views.warning_list, name="warnings"),
    path("dashboard/warnings/evaluate/", dashboard_views.evaluate, name="evaluate"),
    path("dashboard/forecast/", dashboard_views.forecast, name="forecast"),
    path("dashboard/vouchers/", dashboard_views.vouchers, name="vouchers"),
    path("dashboard/policies/", dashboard_views.policies, name="policies"),
    path("dashboard/import/", dashboard_views.import_reports, name="import"),
    path("dashboard/import/template.xlsx", dashboard_views.import_template, name="import_template"),
]
