"""Forms of complaints: intake, assignment, reply, return call, extension; the rules' edit forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.complaints.choices import (
    Category,
    Channel,
    Finding,
    ReferralKind,
    ReferralStatus,
    Relation,
    Satisfaction,
    UnitKind,
)
from yiyang.complaints.models import CalendarDay, DeadlineRule, ScoreRule
from yiyang.core.forms import ScopedModelForm, limit_choices
from yiyang.institutions.models import Institution
from yiyang.services.models import Provider, WorkOrder


class IntakeForm(forms.Form):
    """登记: what the operator hears or reads; the elder is picked above the form (or none)."""

    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgent = forms.BooleanField(label=_("紧急（当日办理）"), required=False)
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    area = forms.ModelChoiceField(
        label=_("所在区域"), queryset=Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]),
        required=False, help_text=_("不涉及登记老人时必选"),
    )  # fmt: skip
    complainant_name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    complainant_phone = forms.CharField(label=_("诉求人电话"), max_length=20, required=False)
    relation = forms.ChoiceField(label=_("与老人关系"), choices=Relation.choices)
    consent_disclose = forms.BooleanField(label=_("同意向承办单位公开身份"), required=False)
    subject_provider = forms.ModelChoiceField(
        label=_("被投诉服务商"), queryset=Provider.objects.all(), required=False
    )
    work_order = forms.CharField(label=_("相关工单号"), max_length=24, required=False)
    subject_institution = forms.ModelChoiceField(
        label=_("被投诉养老机构"), queryset=Institution.objects.filter(is_active=True), required=False,
        help_text=_("投诉属实时计入该机构的月度考评"),
    )  # fmt: skip
    institution_name = forms.CharField(label=_("涉及机构"), max_length=100, required=False)
    external_ref = forms.CharField(
        label=_("来源单号"), max_length=40, required=False, help_text=_("12345工单号等")
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit_choices(self, user)

    def clean_work_order(self) -> WorkOrder | None:
        number = (self.cleaned_data.get("work_order") or "").strip()
        if not number:
            return None
        order = WorkOrder.objects.for_user(self.user).filter(number=number).first()
        if order is None:
            raise forms.ValidationError(_("未找到该工单，或不在您的辖区"))
        return order


class AssignForm(forms.Form):
    unit_kind = forms.ChoiceField(label=_("承办单位类型"), choices=UnitKind.choices)
    unit_area = forms.ModelChoiceField(
        label=_("承办街道/社区"), queryset=Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]),
        required=False,
    )  # fmt: skip
    unit_provider = forms.ModelChoiceField(
        label=_("承办服务商"), queryset=Provider.objects.all(), required=False
    )
    unit_name = forms.CharField(label=_("承办单位名称"), max_length=100, required=False)
    note = forms.CharField(label=_("交办意见"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        limit_choices(self, user)


class ReplyForm(forms.Form):
    finding = forms.ChoiceField(label=_("核实结论"), choices=Finding.choices)
    reply = forms.CharField(label=_("答复意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply_%s")  # several forms share a page: their ids must differ
        super().__init__(*args, **kwargs)


class ReturnCallForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("回访结果"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("回访记录"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "call_%s")  # several forms share a page: their ids must differ
        super().__init__(*args, **kwargs)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期（工作日）"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "extension_%s")  # several forms share a page: their ids must differ
        super().__init__(*args, **kwargs)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("未回访即办结的原因"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "close_%s")  # several forms share a page: their ids must differ
        super().__init__(*args, **kwargs)


class DeadlineRuleForm(ScopedModelForm):
    class Meta:
        model = DeadlineRule
        fields = [
            "name",
            "channel",
            "category",
            "step",
            "amount",
            "unit",
            "remind_hours",
            "valid_from",
            "valid_to",
            "basis",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class CalendarDayForm(ScopedModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "basis"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class ScoreRuleForm(ScopedModelForm):
    class Meta:
        model = ScoreRule
        fields = ["source", "points", "valid_from", "valid_to", "basis"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("转介类型"), choices=ReferralKind.choices)
    to_name = forms.CharField(label=_("承接机构或律师"), max_length=100)
    note = forms.CharField(label=_("转介说明"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "referral_%s")
        super().__init__(*args, **kwargs)


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("进展"), choices=[c for c in ReferralStatus.choices if c[0] != ReferralStatus.REFERRED]
    )
    outcome = forms.CharField(label=_("结果"), max_length=500, required=False)
