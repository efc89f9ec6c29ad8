from django.urls import path

from yiyang.adaptation import views, views_rules

app_name = "adaptation"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/enrol/", views.EnrolView.as_view(), name="project_enrol"),
    path("projects/apply/", views.ApplyView.as_view(), name="project_apply"),
    path("projects/use-checks/", views.UseCheckDueView.as_view(), name="usecheck_due"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/<str:verb>/", views.ProjectActionView.as_view(), name="project_action"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("contractors/", views_rules.ContractorListView.as_view(), name="contractor_list"),
    path("contractors/add/", views_rules.ContractorEditView.as_view(), name="contractor_add"),
    path("contractors/<int:pk>/edit/", views_rules.ContractorEditView.as_view(), name="contractor_edit"),
    path("catalogue/", views_rules.CatalogueItemListView.as_view(), name="catalogueitem_list"),
    path("catalogue/add/", views_rules.CatalogueItemEditView.as_view(), name="catalogueitem_add"),
    path("catalogue/<int:pk>/edit/", views_rules.CatalogueItemEditView.as_view(), name="catalogueitem_edit"),
    path("caps/", views_rules.CapRuleListView.as_view(), name="caprule_list"),
    path("caps/add/", views_rules.CapRuleEditView.as_view(), name="caprule_add"),
    path("caps/<int:pk>/edit/", views_rules.CapRuleEditView.as_view(), name="caprule_edit"),
]
