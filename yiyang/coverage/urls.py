from django.urls import path

from yiyang.coverage import views

app_name = "coverage"

urlpatterns = [
    path("", views.CoverageMapView.as_view(), name="map"),
    path("proposals/", views.SiteProposalListView.as_view(), name="siteproposal_list"),
    path("proposals/<int:pk>/", views.SiteProposalDetailView.as_view(), name="siteproposal_detail"),
]
