"""Forms of the care workforce: the worker (ID number validated and stored like an elder's), the
certificate, the class, the rules."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core import crypto
from yiyang.core.cells import CellError, parse_phone
from yiyang.core.forms import ScopedModelForm
from yiyang.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yiyang.workforce.choices import ExitReason
from yiyang.workforce.models import (
    EMPLOYER_FIELDS,
    CareWorker,
    Certificate,
    PostSubsidyRule,
    TrainingClass,
    TrainingPlanRule,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CareWorkerForm(ScopedModelForm):
    """护理员登记. Sex and birth date come from the ID number; the employer is one provider, institution
    or canteen. On edit the ID number, phone and account are not put into the page: empty keeps them."""

    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    phone_input = forms.CharField(label=_("手机号"), max_length=30, required=False)
    account_input = forms.CharField(label=_("银行账号"), max_length=40, required=False)

    class Meta:
        model = CareWorker
        fields = ["id_number", "name", "phone_input", "provider", "institution", "canteen", "area", "post",
                  "post_since", "health_certificate_number", "health_certificate_expires", "bank_name",
                  "account_input", "note"]  # fmt: skip
        widgets = {"post_since": _DATE, "health_certificate_expires": _DATE}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        instance: CareWorker = self.instance
        # Only the kinds of employer the user may choose from: a care home's staff see their home,
        # preselected, not two empty lists beside it.
        for name in EMPLOYER_FIELDS.values():
            queryset = getattr(self.fields[name], "queryset", None)
            if queryset is not None and not queryset.exists():
                del self.fields[name]
        employers = [name for name in EMPLOYER_FIELDS.values() if name in self.fields]
        if len(employers) > 1:
            for name in employers:
                self.fields[name].help_text = gettext("用人单位：服务商、养老机构、助餐点三者选填其一")
        elif len(employers) == 1 and not instance.pk:
            field: Any = self.fields[employers[0]]
            only = list(field.queryset[:2])
            if len(only) == 1:
                self.initial.setdefault(employers[0], only[0].pk)
        self.fields["area"].required = False
        self.fields["area"].help_text = gettext("留空则为用人单位所在地")
        if instance.pk:
            self.fields["id_number"].required = not instance.id_number_hash
            for name, hint in (
                ("id_number", instance.id_number_masked),
                ("phone_input", instance.phone_masked),
                ("account_input", instance.account_masked),
            ):
                if hint:
                    self.fields[name].required = False
                    self.fields[name].widget.attrs["placeholder"] = gettext("%(hint)s（留空不修改）") % {
                        "hint": hint
                    }
                    self.fields[name].help_text = gettext("为保护个人信息，原值不在此显示；留空表示不修改。")

    def clean_id_number(self) -> IdNumber | None:
        raw = self.cleaned_data["id_number"]
        if not raw and self.instance.pk and self.instance.id_number_hash:
            return None  # unchanged
        try:
            parsed = parse_id_number(raw)
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        clash = CareWorker._base_manager.filter(id_number_hash=crypto.lookup_hash(parsed.value))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("该身份证号已登记在养老服务人才台账"))
        return parsed

    def clean_phone_input(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone_input"]) or ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_account_input(self) -> str:
        value = "".join(self.cleaned_data["account_input"].split())
        if value and not value.isdigit():
            raise forms.ValidationError(gettext("银行账号只能是数字"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [name for name in EMPLOYER_FIELDS.values() if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(gettext("请选择一个用人单位（服务商、养老机构或助餐点）"))
        if not data.get("area"):
            data["area"] = getattr(data[chosen[0]], "area", None)
            if data["area"] is None:
                self.add_error("area", gettext("该用人单位没有登记所在地，请选择工作地"))
        return data

    def save(self, commit: bool = True) -> CareWorker:
        worker: CareWorker = super().save(commit=False)
        data = self.cleaned_data
        for kind, name in EMPLOYER_FIELDS.items():
            if data.get(name):
                worker.employer_kind = kind
        if data.get("id_number") is not None:
            worker.set_id_number(data["id_number"])
        if data.get("phone_input"):
            worker.set_phone(data["phone_input"])
        if data.get("account_input"):
            worker.set_account(data["account_input"])
        if commit:
            worker.save()
        return worker


class CertificateForm(ScopedModelForm):
    class Meta:
        model = Certificate
        fields = ["worker", "level", "issuer", "number", "valid_from", "valid_to"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", gettext("有效期不能早于发证日期"))
        return data


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离职日期"), widget=_DATE)
    exit_reason = forms.ChoiceField(label=_("离职原因"), choices=ExitReason.choices)


class TrainingClassForm(ScopedModelForm):
    class Meta:
        model = TrainingClass
        fields = ["name", "level", "organiser", "issuer", "area", "starts_on", "ends_on", "days", "pass_mark"]
        widgets = {"starts_on": _DATE, "ends_on": _DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", gettext("结业日期不能早于开班日期"))
        return data


class EnrolForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("护理员"), queryset=CareWorker.objects.none())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["worker"]
        field.queryset = CareWorker.objects.for_user(user).filter(status="active").order_by("name")


class TraineeRecordForm(forms.Form):
    days_attended = forms.IntegerField(label=_("出勤天数"), min_value=0)
    exam_score = forms.IntegerField(label=_("考核成绩"), min_value=0, max_value=100, required=False)


class RollGenerateForm(forms.Form):
    area = forms.ChoiceField(label=_("区域"))
    month = forms.DateField(label=_("发放月份"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"])  # fmt: skip

    def __init__(self, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas or []  # type: ignore[attr-defined]
        self.initial.setdefault("month", datetime.date.today().replace(day=1))


class TrainingPlanRuleForm(ScopedModelForm):
    class Meta:
        model = TrainingPlanRule
        fields = ["name", "min_classes", "min_trainees", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}


class PostSubsidyRuleForm(ScopedModelForm):
    class Meta:
        model = PostSubsidyRule
        fields = ["kind", "level", "years_from", "years_to", "amount", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == "post" and (data.get("level") is None or data.get("years_from") is not None):
            raise forms.ValidationError(gettext("岗位补贴按证书等级：请填写等级，不填工龄"))
        if data.get("kind") == "seniority" and (
            data.get("years_from") is None or data.get("level") is not None
        ):
            raise forms.ValidationError(gettext("工龄补贴按工龄：请填写工龄起止，不填等级"))
        return data
