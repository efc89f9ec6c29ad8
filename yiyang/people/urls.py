from django.urls import path
from django.utils.translation import gettext_lazy as _

from yiyang.core.importing.views import ImportView
from yiyang.people import views

app_name = "people"

urlpatterns = [
    path("elders/", views.ElderListView.as_view(), name="elder_list"),
    path("elders/add/", views.ElderEditView.as_view(), name="elder_add"),
    path("elders/<int:pk>/", views.ElderDetailView.as_view(), name="elder_detail"),
    path("elders/<int:pk>/edit/", views.ElderEditView.as_view(), name="elder_edit"),
    path("elders/<int:pk>/reveal/", views.ElderRevealView.as_view(), name="elder_reveal"),
    path("elders/<int:pk>/status/", views.ElderStatusView.as_view(), name="elder_status"),
    path(
        "elders/<int:elder_pk>/certifications/add/",
        views.CertificationEditView.as_view(),
        name="certification_add",
    ),
    path(
        "elders/<int:elder_pk>/certifications/<int:pk>/edit/",
        views.CertificationEditView.as_view(),
        name="certification_edit",
    ),
    path(
        "elders/<int:elder_pk>/certifications/<int:pk>/delete/",
        views.CertificationDeleteView.as_view(),
        name="certification_delete",
    ),
    path("elders/<int:elder_pk>/contacts/add/", views.ContactEditView.as_view(), name="eldercontact_add"),
    path(
        "elders/<int:elder_pk>/contacts/<int:pk>/edit/",
        views.ContactEditView.as_view(),
        name="eldercontact_edit",
    ),
    path(
        "elders/<int:elder_pk>/contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="eldercontact_delete",
    ),
    path(
        "elders/import/",
        ImportView.as_view(kind="people.elder", title=_("批量导入老年人信息")),
        name="elder_import",
    ),
    path("saved-filters/save/", views.saved_filter_save, name="saved_filter_save"),
]
