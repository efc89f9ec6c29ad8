from django.urls import path

from yiyang.reports import views

app_name = "reports"
urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
