"""Forms of safety and supervision."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.dated import in_force_q
from yiyang.core.forms import ScopedModelForm
from yiyang.institutions.choices import FindingSeverity, Risk, StayStatus
from yiyang.institutions.models import (
    ChecklistItem,
    Incident,
    Inspection,
    Institution,
    Resident,
    RoundLog,
    StarThreshold,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    resident = forms.ModelChoiceField(label=_("入住老人"), queryset=Resident.objects.none())
    kind = forms.ChoiceField(label=_("事件类型"), choices=Risk.choices)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    harm = forms.ChoiceField(label=_("伤害程度"), choices=Incident.Harm.choices)
    description = forms.CharField(label=_("经过"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label=_("处置情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["resident"]
        field.queryset = (
            Resident.objects.for_user(user, "view")
            .filter(status=StayStatus.RESIDENT)
            .select_related("elder", "institution")
        )
        field.label_from_instance = lambda r: f"{r.elder.name}（{r.institution.name}）"
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class RoundLogForm(ScopedModelForm):
    class Meta:
        model = RoundLog
        fields = ["institution", "date", "shift", "rounds", "staff", "findings", "handover"]
        widgets = {
            "date": DATE,
            "findings": forms.Textarea(attrs={"rows": 2}),
            "handover": forms.Textarea(attrs={"rows": 2}),
        }


class InspectionForm(ScopedModelForm):
    class Meta:
        model = Inspection
        fields = ["institution", "inspected_on", "inspectors", "summary"]
        widgets = {"inspected_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}


class ChecklistItemForm(ScopedModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["code", "text", "area", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE, "valid_to": DATE}


class StarThresholdForm(ScopedModelForm):
    class Meta:
        model = StarThreshold
        fields = ["level", "min_total", "min_area_share", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": DATE, "valid_to": DATE}

    def clean_level(self) -> int:
        level: int = self.cleaned_data["level"]
        if not 1 <= level <= 5:
            raise forms.ValidationError(_("星级应为 1–5"))
        return level

    def clean_min_area_share(self) -> int:
        share: int = self.cleaned_data["min_area_share"]
        if share > 100:
            raise forms.ValidationError(_("得分率不能超过100%"))
        return share


class FindingForm(forms.Form):
    item = forms.ModelChoiceField(label=_("检查项"), queryset=ChecklistItem.objects.none(), required=False)
    description = forms.CharField(label=_("问题"), max_length=300)
    severity = forms.ChoiceField(  # not sent: 一般
        label=_("严重程度"), choices=FindingSeverity.choices, initial=FindingSeverity.GENERAL, required=False
    )
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items: Any = self.fields["item"]
        items.queryset = ChecklistItem.objects.filter(in_force_q(timezone.localdate()))
        self.fields["deadline"].initial = timezone.localdate() + datetime.timedelta(days=30)


class RectifyForm(forms.Form):
    on = forms.DateField(label=_("整改完成日期"), widget=DATE)
    rectification = forms.CharField(label=_("整改情况"), max_length=300)


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("复查结果"), choices=[("1", _("通过")), ("0", _("未通过"))],
                                    coerce=lambda v: v == "1")  # fmt: skip
    on = forms.DateField(label=_("复查日期"), widget=DATE)
    note = forms.CharField(label=_("复查意见"), max_length=300, required=False)
    new_deadline = forms.DateField(label=_("新的整改期限"), widget=DATE, required=False)


class StarAssessmentForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("养老机构"), queryset=Institution.objects.none())
    assessed_on = forms.DateField(label=_("自评日期"), widget=DATE)
    environment = forms.IntegerField(label=_("环境（满分120）"), min_value=0, max_value=120)
    facilities = forms.IntegerField(label=_("设施设备（满分130）"), min_value=0, max_value=130)
    management = forms.IntegerField(label=_("运营管理（满分150）"), min_value=0, max_value=150)
    service = forms.IntegerField(label=_("服务（满分600）"), min_value=0, max_value=600)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        homes: Any = self.fields["institution"]
        homes.queryset = Institution.objects.for_user(user, "view")
        if homes.queryset.count() == 1:
            homes.initial = homes.queryset.first()
        self.fields["assessed_on"].initial = timezone.localdate()
