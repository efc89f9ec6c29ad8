from django.urls import path

from yiyang.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/section/", views.dashboard_section, name="dashboard_section"),
]
