from django.urls import path
from django.utils.translation import gettext_lazy as _

from yiyang.core.importing.views import ImportView
from yiyang.institutions.views import facility, residents, safety, subsidies

app_name = "institutions"

urlpatterns = [
    path("", facility.InstitutionListView.as_view(), name="institution_list"),
    path("add/", facility.InstitutionEditView.as_view(), name="institution_add"),
    path("<int:pk>/", facility.InstitutionDetailView.as_view(), name="institution_detail"),
    path("<int:pk>/edit/", facility.InstitutionEditView.as_view(), name="institution_edit"),
    path("<int:pk>/members/", facility.InstitutionMemberView.as_view(), name="institution_member_add"),
    path(
        "<int:pk>/members/<int:member>/remove/",
        facility.InstitutionMemberView.as_view(),
        name="institution_member_remove",
    ),
    path("alerts/", facility.AlertsView.as_view(), name="alerts"),
    path("policies/", facility.InsurancePolicyListView.as_view(), name="insurancepolicy_list"),
    path("policies/add/", facility.InsurancePolicyEditView.as_view(), name="insurancepolicy_add"),
    path("policies/<int:pk>/edit/", facility.InsurancePolicyEditView.as_view(), name="insurancepolicy_edit"),
    path("beds/", facility.BedListView.as_view(), name="bed_list"),
    path("beds/add/", facility.BedEditView.as_view(), name="bed_add"),
    path("beds/<int:pk>/edit/", facility.BedEditView.as_view(), name="bed_edit"),
    path(
        "beds/import/",
        ImportView.as_view(kind="institutions.bed", title=_("导入床位清单")),
        name="bed_import",
    ),
    path("residents/", residents.ResidentListView.as_view(), name="resident_list"),
    path("residents/admit/", residents.AdmitView.as_view(), name="resident_admit"),
    path("residents/<int:pk>/", residents.ResidentDetailView.as_view(), name="resident_detail"),
    path("residents/<int:pk>/<str:op>/", residents.ResidentActionView.as_view(), name="resident_action"),
    path("occupancy/", residents.BedAssignmentListView.as_view(), name="bedassignment_list"),
    path("risks/", residents.RiskAssessmentListView.as_view(), name="riskassessment_list"),
    path("risks/add/", residents.RiskAssessmentCreateView.as_view(), name="riskassessment_add"),
    path("risks/<int:pk>/", residents.RiskAssessmentDetailView.as_view(), name="riskassessment_detail"),
    path("incidents/", safety.IncidentListView.as_view(), name="incident_list"),
    path("incidents/add/", safety.IncidentReportView.as_view(), name="incident_add"),
    path("incidents/<int:pk>/", safety.IncidentDetailView.as_view(), name="incident_detail"),
    path("rounds/", safety.RoundLogListView.as_view(), name="roundlog_list"),
    path("rounds/add/", safety.RoundLogEditView.as_view(), name="roundlog_add"),
    path("rounds/<int:pk>/edit/", safety.RoundLogEditView.as_view(), name="roundlog_edit"),
    path("inspections/", safety.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/add/", safety.InspectionEditView.as_view(), name="inspection_add"),
    path("inspections/<int:pk>/", safety.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/close/", safety.InspectionCloseView.as_view(), name="inspection_close"),
    path("inspections/<int:pk>/edit/", safety.InspectionEditView.as_view(), name="inspection_edit"),
    path("findings/", safety.FindingListView.as_view(), name="finding_list"),
    path("findings/escalate/", safety.EscalateView.as_view(), name="finding_escalate"),
    path("findings/<int:pk>/<str:op>/", safety.FindingActionView.as_view(), name="finding_action"),
    path("checklist/", safety.ChecklistItemListView.as_view(), name="checklistitem_list"),
    path("checklist/add/", safety.ChecklistItemEditView.as_view(), name="checklistitem_add"),
    path("checklist/<int:pk>/edit/", safety.ChecklistItemEditView.as_view(), name="checklistitem_edit"),
    path("stars/", safety.StarAssessmentListView.as_view(), name="starassessment_list"),
    path("stars/add/", safety.StarAssessmentSubmitView.as_view(), name="starassessment_add"),
    path("stars/<int:pk>/confirm/", safety.StarConfirmView.as_view(), name="starassessment_confirm"),
    path("stars/thresholds/", safety.StarThresholdListView.as_view(), name="starthreshold_list"),
    path("stars/thresholds/add/", safety.StarThresholdEditView.as_view(), name="starthreshold_add"),
    path(
        "stars/thresholds/<int:pk>/edit/", safety.StarThresholdEditView.as_view(), name="starthreshold_edit"
    ),
    path("subsidies/rules/", subsidies.SubsidyRuleListView.as_view(), name="subsidyrule_list"),
    path("subsidies/rules/add/", subsidies.SubsidyRuleEditView.as_view(), name="subsidyrule_add"),
    path("subsidies/rules/<int:pk>/edit/", subsidies.SubsidyRuleEditView.as_view(), name="subsidyrule_edit"),
    path("subsidies/lines/", subsidies.SubsidyLineListView.as_view(), name="subsidyline_list"),
    path("subsidies/", subsidies.SubsidyRollListView.as_view(), name="subsidyroll_list"),
    path("subsidies/<int:pk>/", subsidies.SubsidyRollDetailView.as_view(), name="subsidyroll_detail"),
    path("subsidies/<int:pk>/payment/", subsidies.SubsidyPaymentView.as_view(), name="subsidyroll_payment"),
    path(
        "subsidies/<int:pk>/<str:op>/", subsidies.SubsidyRollActionView.as_view(), name="subsidyroll_action"
    ),
]
