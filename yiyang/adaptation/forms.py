from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.adaptation.choices import Acceptor, OptOutReason, PhotoStage, UseResult
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, PlanLine, Project
from yiyang.areas.models import Area, AreaLevel
from yiyang.core.dated import in_force_q
from yiyang.core.forms import ScopedModelForm

_DATE = forms.DateInput(attrs={"type": "date"})


class ContractorForm(ScopedModelForm):
    class Meta:
        model = Contractor
        fields = ["name", "credit_code", "contact_name", "contact_phone", "is_active"]


class CatalogueItemForm(ScopedModelForm):
    class Meta:
        model = CatalogueItem
        fields = ["code", "name", "unit", "price", "device_kind", "valid_from", "valid_to", "basis"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}


class CapRuleForm(ScopedModelForm):
    class Meta:
        model = CapRule
        fields = ["category", "amount", "valid_from", "valid_to", "basis"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}


class EnrolForm(forms.Form):
    area = forms.ModelChoiceField(label=_("街道/社区"), queryset=Area.objects.none())
    on = forms.DateField(label=_("认定状态日期"), widget=_DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["area"]
        field.queryset = (
            Area.objects.for_user(user, "view")
            .filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY])
            .order_by("path")
        )


class ApplyForm(forms.Form):
    note = forms.CharField(label=_("申请说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(forms.Form):
    """The survey: the day, who surveyed, what was found, and a quantity for each catalogue item."""

    surveyed_on = forms.DateField(label=_("勘查日期"), widget=_DATE, initial=timezone.localdate)
    surveyor = forms.CharField(label=_("勘查人"), max_length=50)
    note = forms.CharField(label=_("勘查情况"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(CatalogueItem.objects.filter(in_force_q(timezone.localdate())).order_by("code"))
        current = {
            line.item.code: line.quantity
            for line in PlanLine.objects.filter(project=project).select_related("item")
        }
        for item in self.items:
            self.fields[f"qty_{item.code}"] = forms.IntegerField(
                label=f"{item.name}（{item.price} 元/{item.unit}）", min_value=0, max_value=99, required=False,
                initial=current.get(item.code, 0),
            )  # fmt: skip

    def quantities(self) -> list[tuple[CatalogueItem, int]]:
        return [(item, self.cleaned_data.get(f"qty_{item.code}") or 0) for item in self.items]


class AssignForm(ScopedModelForm):
    class Meta:
        model = Project
        fields = ["contractor"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["contractor"]
        field.required = True
        field.queryset = field.queryset.filter(is_active=True)


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=PhotoStage.choices)
    photo = forms.FileField(
        label=_("照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class FinishForm(forms.Form):
    finished_on = forms.DateField(label=_("完工日期"), widget=_DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device_lines = list(
            PlanLine.objects.filter(project=project).exclude(item__device_kind="").select_related("item")
        )
        for line in self.device_lines:
            self.fields[f"serial_{line.pk}"] = forms.CharField(
                label=_("%(item)s 设备序列号") % {"item": line.item.name}, max_length=64,
                initial=line.device_serial,
            )  # fmt: skip

    def serials(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data.get(f"serial_{line.pk}", "") for line in self.device_lines}


class AcceptForm(forms.Form):
    elder_signed = forms.BooleanField(label=_("老人（或家属）已签字确认"), required=False)
    acceptor = forms.ChoiceField(label=_("验收方"), choices=Acceptor.choices)
    acceptor_name = forms.CharField(label=_("验收单位/人"), max_length=100, required=False)
    accepted_on = forms.DateField(label=_("验收日期"), widget=_DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("验收意见"), max_length=300, required=False)


class PayForm(forms.Form):
    amount = forms.DecimalField(label=_("付款金额（元）"), max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label=_("付款日期"), widget=_DATE, initial=timezone.localdate)
    reference = forms.CharField(label=_("付款凭证号"), max_length=40, required=False)


class UseCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("回访日期"), widget=_DATE, initial=timezone.localdate)
    result = forms.ChoiceField(label=_("使用情况"), choices=UseResult.choices)
    note = forms.CharField(label=_("回访记录"), max_length=300, required=False)


class OptOutForm(forms.Form):
    reason = forms.ChoiceField(label=_("放弃原因"), choices=OptOutReason.choices)
    statement = forms.CharField(
        label=_("书面声明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("照录老人或家属签字的放弃声明"),
    )  # fmt: skip
    signed_on = forms.DateField(label=_("声明签署日期"), widget=_DATE, initial=timezone.localdate)
