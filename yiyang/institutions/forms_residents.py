"""Forms of residents: identifying an elder of the registry, the risk assessment, admission, moves and
discharge. Workflow forms are plain forms whose choices come through the door; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core import audit, crypto
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.models import AccessLog
from yiyang.institutions.choices import (
    BedStatus,
    CareLevel,
    DischargeReason,
    Risk,
    RiskAssessmentReason,
    RiskLevel,
    StayKind,
)
from yiyang.institutions.models import Bed, Institution
from yiyang.people.models import Elder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def identify_elder(actor: Any, id_number: str, name: str, purpose: str) -> Elder:
    """The registry elder with this ID number *and* name: a home's staff find one person they know,
    never browse the registry. The look-up is written to the access log."""
    try:
        parsed = parse_id_number(id_number.strip())
    except IdNumberError as exc:
        raise forms.ValidationError(gettext("身份证号无效：%(error)s") % {"error": exc}) from exc
    elder = Elder.objects.filter(id_number_hash=crypto.lookup_hash(parsed.value)).first()
    if elder is None or elder.name != name.strip():
        raise forms.ValidationError(gettext("老年人信息台账中没有该身份证号与姓名一致的老人，请先到社区登记"))
    audit.record_access(
        actor=actor, kind=AccessLog.Kind.VIEW, object_type="people.elder", object_id=str(elder.pk),
        subject_id=elder.pk, area_path=elder.area_path, fields=["name", "id_number_masked"], reason=purpose,
    )  # fmt: skip
    return elder


class _Scoped(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class RiskAssessmentForm(_Scoped):
    """Nine rows (level + measures) under the elder and the home."""

    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    institution = forms.ModelChoiceField(label=_("养老机构"), queryset=Institution.objects.none())
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("评估原因"), choices=RiskAssessmentReason.choices)
    assessor = forms.CharField(label=_("评估人"), max_length=50)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, elder: Elder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.elder = elder
        field: Any = self.fields["institution"]
        field.queryset = Institution.objects.for_user(user, "view")
        if field.queryset.count() == 1:
            field.initial = field.queryset.first()
        self.fields["assessed_on"].initial = timezone.localdate()
        if elder is not None:
            del self.fields["id_number"], self.fields["name"]
        for risk in Risk:
            self.fields[f"level_{risk.value}"] = forms.TypedChoiceField(
                label=risk.label, choices=RiskLevel.choices, coerce=int, initial=RiskLevel.NONE
            )
            self.fields[f"measures_{risk.value}"] = forms.CharField(
                label=_("防护措施"), max_length=300, required=False
            )

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [(str(r.label), self[f"level_{r.value}"], self[f"measures_{r.value}"]) for r in Risk]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.elder is None and data.get("id_number") and data.get("name"):
            try:
                self.elder = identify_elder(self.user, data["id_number"], data["name"], "服务安全风险评估")
            except forms.ValidationError as exc:
                self.add_error("id_number", exc)
        return data

    def items(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {r.value: (data[f"level_{r.value}"], data.get(f"measures_{r.value}", "")) for r in Risk}


class AdmitForm(_Scoped):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)
    institution = forms.ModelChoiceField(label=_("养老机构"), queryset=Institution.objects.none())
    bed = forms.ModelChoiceField(label=_("床位"), queryset=Bed.objects.none())
    admitted_on = forms.DateField(label=_("入住日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("入住类型"), choices=StayKind.choices)
    planned_end = forms.DateField(label=_("约定离院日期"), widget=DATE, required=False,
                                  help_text=_("短期托养、季节性入住填写"))  # fmt: skip
    care_level = forms.ChoiceField(
        label=_("护理等级"), choices=[("", _("按能力评估等级")), *CareLevel.choices], required=False
    )
    contract_no = forms.CharField(label=_("合同编号"), max_length=50, required=False)
    centralised_support = forms.BooleanField(
        label=_("特困集中供养"), required=False,
        help_text=_("特困（五保）老人入住集中供养：次月起停发分散供养金、发放集中供养金（1日入住的当月起）"),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        homes: Any = self.fields["institution"]
        homes.queryset = Institution.objects.for_user(user, "view").filter(is_active=True)
        if homes.queryset.count() == 1:
            homes.initial = homes.queryset.first()
        beds: Any = self.fields["bed"]
        beds.queryset = (
            Bed.objects.for_user(user, "view").filter(status=BedStatus.IN_USE).select_related("institution")
        )
        beds.label_from_instance = lambda b: f"{b.institution.name} {b}（{b.get_kind_display()}）"
        self.fields["admitted_on"].initial = timezone.localdate()
        self.elder: Elder | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id_number") and data.get("name"):
            try:
                self.elder = identify_elder(self.user, data["id_number"], data["name"], "养老机构入住登记")
            except forms.ValidationError as exc:
                self.add_error("id_number", exc)
        bed, home = data.get("bed"), data.get("institution")
        if bed is not None and home is not None and bed.institution_id != home.pk:
            self.add_error("bed", gettext("床位不属于该养老机构"))
        return data


class MoveBedForm(_Scoped):
    bed = forms.ModelChoiceField(label=_("新床位"), queryset=Bed.objects.none())
    on = forms.DateField(label=_("调床日期"), widget=DATE)

    def __init__(
        self, *args: Any, user: Any = None, institution: Institution | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, user=user, **kwargs)
        beds: Any = self.fields["bed"]
        beds.queryset = Bed.objects.for_user(user, "view").filter(
            institution=institution, status=BedStatus.IN_USE
        )
        self.fields["on"].initial = timezone.localdate()


class CareLevelForm(_Scoped):
    care_level = forms.ChoiceField(label=_("护理等级"), choices=CareLevel.choices)
    on = forms.DateField(label=_("变更日期"), widget=DATE)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DischargeForm(_Scoped):
    reason = forms.ChoiceField(label=_("离院原因"), choices=[("", "---------"), *DischargeReason.choices])
    on = forms.DateField(label=_("离院日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["on"].initial = timezone.localdate()
