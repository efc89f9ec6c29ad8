"""Forms of institutional care; choices over scoped models come through the door (ScopedModelForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.models import User
from yiyang.accounts.roles import roles_with
from yiyang.areas.models import AreaLevel
from yiyang.core.forms import ScopedModelForm
from yiyang.core.scoping import is_member
from yiyang.institutions.models import Bed, Institution, InsurancePolicy
from yiyang.institutions.models.facility import room_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstitutionForm(ScopedModelForm):
    class Meta:
        model = Institution
        fields = [
            "name", "kind", "area", "address", "latitude", "longitude", "operator", "legal_person", "phone",
            "licence_kind", "licence_no", "licence_from", "licence_to", "medical", "design_beds", "floor_area",
            "fee_min", "fee_max", "fee_note", "bank_name", "bank_account", "opened_on", "is_active",
        ]  # fmt: skip
        widgets = {"licence_from": DATE, "licence_to": DATE, "opened_on": DATE}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area_field: Any = self.fields["area"]
        area_field.queryset = area_field.queryset.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("fee_min"), data.get("fee_max")
        if low is not None and high is not None and high < low:
            self.add_error("fee_max", gettext("月收费上限不能低于下限"))
        start, end = data.get("licence_from"), data.get("licence_to")
        if start and end and end < start:
            self.add_error("licence_to", gettext("有效期不能早于备案/许可日期"))
        return data


class InsurancePolicyForm(ScopedModelForm):
    class Meta:
        model = InsurancePolicy
        fields = ["institution", "policy_no", "insurer", "valid_from", "valid_to", "cover", "premium", "note"]
        widgets = {"valid_from": DATE, "valid_to": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", gettext("保险止期不能早于起期"))
        return data


class BedForm(ScopedModelForm):
    """A bed by its place as people name it (楼栋, 楼层, 房间); the building, floor and room records are
    found or made when it is saved."""

    building = forms.CharField(label=_("楼栋"), max_length=30, initial="1号楼")
    floor = forms.IntegerField(label=_("楼层"), min_value=-5, max_value=200, initial=1)
    room = forms.CharField(label=_("房间"), max_length=20)

    class Meta:
        model = Bed
        fields = ["institution", "number", "kind", "status", "added_on"]
        widgets = {"added_on": DATE}

    field_order = ["institution", "building", "floor", "room", "number", "kind", "status", "added_on"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and self.instance.room_id:
            place = self.instance.room
            self.initial.update(
                {"building": place.floor.building.name, "floor": place.floor.level, "room": place.number}
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        home, number = data.get("institution"), data.get("number")
        building, floor, room = data.get("building"), data.get("floor"), data.get("room")
        if home and number and building and floor is not None and room:
            clash = Bed.objects.filter(
                institution=home, room__floor__building__name=building.strip(), room__floor__level=floor,
                room__number=room.strip(), number=number,
            ).exclude(pk=self.instance.pk)  # fmt: skip
            if clash.exists():
                self.add_error("number", gettext("该房间已有此床号"))
        return data

    def save(self, commit: bool = True) -> Any:
        data = self.cleaned_data
        self.instance.room = room_for(data["institution"], data["building"], data["floor"], data["room"])
        return super().save(commit)


class InstitutionMemberForm(forms.Form):
    """An account added to a home's staff: only 养老机构人员 accounts."""

    user = forms.ModelChoiceField(label=_("账号"), queryset=User.objects.none(), empty_label=_("请选择账号"))

    def __init__(self, *args: Any, institution: Institution | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        user: Any = self.fields["user"]
        user.queryset = User.objects.filter(
            role__in=roles_with("institutions.join_institution"), is_active=True
        ).order_by("username")
        user.error_messages["invalid_choice"] = gettext("只能添加角色为“养老机构人员”的有效账号")

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if self.institution is not None and is_member(user, self.institution):
            raise forms.ValidationError(
                gettext("%(user)s 已是 %(institution)s 的工作人员")
                % {"user": user, "institution": self.institution}
            )
        return user
