from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.forms import ScopedModelForm
from yiyang.people.models import Elder
from yiyang.safety.choices import AlarmOutcome, CallOutcome, CheckInMethod, DispatchTarget
from yiyang.safety.models import Device, RuleConfig


class DeviceForm(ScopedModelForm):
    elder = forms.ModelChoiceField(label=_("安装老人"), queryset=Elder.objects.all())

    class Meta:
        model = Device
        fields = [
            "serial",
            "kind",
            "device_model",
            "elder",
            "installer",
            "installed_on",
            "status",
            "geofence_radius_m",
            "geofence_latitude",
            "geofence_longitude",
            "note",
        ]
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"geofence_latitude": _("留空则以老人住址为围栏中心（WGS-84）")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["elder"]
        initial = self.initial.get("elder") or (self.instance.elder_id if self.instance.pk else None)
        # A district has 300,000 elders: the select offers the chosen one; others are typed by id.
        field.widget = forms.NumberInput(attrs={"placeholder": gettext("老人编号（台账详情页网址中的数字）")})
        if initial:
            self.initial["elder"] = initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "wristband" and not data.get("geofence_radius_m"):
            self.add_error("geofence_radius_m", gettext("手环须设置电子围栏半径"))
        for error in fence_centre_errors(data.get("geofence_latitude"), data.get("geofence_longitude")):
            self.add_error(error[0], error[1])
        return data


def fence_centre_errors(lat: float | None, lng: float | None) -> list[tuple[str, str]]:
    """A fence centre is both coordinates or neither, within WGS-84 ranges."""
    if (lat is None) != (lng is None):
        return [
            (
                "geofence_latitude" if lat is None else "geofence_longitude",
                gettext("围栏中心须同时填写纬度和经度"),
            )
        ]
    errors = []
    if lat is not None and not -90 <= lat <= 90:
        errors.append(("geofence_latitude", gettext("纬度须在 −90…90 之间")))
    if lng is not None and not -180 <= lng <= 180:
        errors.append(("geofence_longitude", gettext("经度须在 −180…180 之间")))
    return errors


class DeviceTestForm(forms.Form):
    tested_on = forms.DateField(label=_("测试日期"), widget=forms.DateInput(attrs={"type": "date"}))
    passed = forms.BooleanField(label=_("测试通过"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RuleConfigForm(ScopedModelForm):
    class Meta:
        model = RuleConfig
        fields = [
            "group",
            "no_water_hours",
            "no_door_hours",
            "checkin_required",
            "checkin_by",
            "valid_from",
            "valid_to",
            "note",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "checkin_by": forms.TimeInput(attrs={"type": "time"}),
        }


class CallForm(forms.Form):
    contact = forms.IntegerField(required=False)
    outcome = forms.ChoiceField(label=_("通话结果"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DispatchForm(forms.Form):
    target = forms.ChoiceField(label=_("派遣对象"), choices=DispatchTarget.choices)
    to = forms.CharField(label=_("人员/单位"), max_length=100, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处置结果"), choices=AlarmOutcome.choices)
    notes = forms.CharField(label=_("处置记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CheckInForm(forms.Form):
    method = forms.ChoiceField(
        label=_("方式"), choices=[c for c in CheckInMethod.choices if c[0] != "button"]
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RevealReasonForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), min_length=2, max_length=200)
