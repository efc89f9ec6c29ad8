from django.urls import path
from django.utils.translation import gettext_lazy as _

from yiyang.core.importing.views import ImportView
from yiyang.workforce.views import registry, subsidies, training

app_name = "workforce"

urlpatterns = [
    path("", registry.CareWorkerListView.as_view(), name="careworker_list"),
    path("add/", registry.CareWorkerEditView.as_view(), name="careworker_add"),
    path("import/", ImportView.as_view(kind="workforce.careworker", title=_("导入护理员")), name="careworker_import"),
    path("<int:pk>/", registry.CareWorkerDetailView.as_view(), name="careworker_detail"),
    path("<int:pk>/edit/", registry.CareWorkerEditView.as_view(), name="careworker_edit"),
    path("<int:pk>/leave/", registry.CareWorkerLeaveView.as_view(), name="careworker_leave"),
    path("certificates/", registry.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/add/", registry.CertificateEditView.as_view(), name="certificate_add"),
    path("certificates/<int:pk>/edit/", registry.CertificateEditView.as_view(), name="certificate_edit"),
    path("training/", training.TrainingClassListView.as_view(), name="trainingclass_list"),
    path("training/add/", training.TrainingClassEditView.as_view(), name="trainingclass_add"),
    path("training/<int:pk>/", training.TrainingClassDetailView.as_view(), name="trainingclass_detail"),
    path("training/<int:pk>/edit/", training.TrainingClassEditView.as_view(), name="trainingclass_edit"),
    path("training/<int:pk>/<str:verb>/", training.TrainingClassVerbView.as_view(), name="trainingclass_verb"),
    path("training/plan/", training.TrainingPlanRuleListView.as_view(), name="trainingplanrule_list"),
    path("training/plan/add/", training.TrainingPlanRuleEditView.as_view(), name="trainingplanrule_add"),
    path("training/plan/<int:pk>/edit/", training.TrainingPlanRuleEditView.as_view(), name="trainingplanrule_edit"),
    path("subsidies/rules/", subsidies.PostSubsidyRuleListView.as_view(), name="postsubsidyrule_list"),
    path("subsidies/rules/add/", subsidies.PostSubsidyRuleEditView.as_view(), name="postsubsidyrule_add"),
    path("subsidies/rules/<int:pk>/edit/", subsidies.PostSubsidyRuleEditView.as_view(), name="postsubsidyrule_edit"),
    path("subsidies/", subsidies.PostSubsidyRollListView.as_view(), name="postsubsidyroll_list"),
    path("subsidies/generate/", subsidies.PostSubsidyRollGenerateView.as_view(), name="postsubsidyroll_add"),
    path("subsidies/<int:pk>/", subsidies.PostSubsidyRollDetailView.as_view(), name="postsubsidyroll_detail"),
    path("subsidies/<int:pk>/bank-file/", subsidies.PostSubsidyBankFileView.as_view(), name="postsubsidyroll_bank"),
    path("subsidies/<int:pk>/<str:verb>/", subsidies.PostSubsidyRollVerbView.as_view(), name="postsubsidyroll_verb"),
    path("subsidies/lines/", subsidies.PostSubsidyLineListView.as_view(), name="postsubsidyline_list"),
]  # fmt: skip
