from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from yiyang.services.choices import ExceptionStatus, RequestSource, SignoffBy, Urgency, Weekday
from yiyang.services.models import Provider, RecurringPlan, ServiceItem, Worker


class _UserForm(forms.ModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class ServiceItemForm(_UserForm):
    class Meta:
        model = ServiceItem
        fields = [
            "code",
            "name",
            "category",
            "unit",
            "price",
            "payment_mode",
            "planned_minutes",
            "min_minutes",
            "valid_from",
            "valid_to",
            "description",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class ProviderForm(_UserForm):
    class Meta:
        model = Provider
        fields = ["name", "kind", "credit_code", "contact_name", "contact_phone", "address", "is_active"]


class WorkerForm(_UserForm):
    phone = forms.CharField(label="手机号", max_length=20, required=False)

    class Meta:
        model = Worker
        fields = ["provider", "name", "base_latitude", "base_longitude", "capacity_per_day", "is_active"]


def _next_hour() -> datetime.datetime:
    now = timezone.localtime() + datetime.timedelta(hours=1)
    return now.replace(minute=0, second=0, microsecond=0)


class IntakeForm(forms.Form):
    item = forms.ModelChoiceField(label="服务项目", queryset=ServiceItem.objects.none())
    source = forms.ChoiceField(
        label="来源", choices=[c for c in RequestSource.choices if c[0] not in ("plan", "api")]
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    scheduled_start = forms.DateTimeField(
        label="预约时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(label="时长（分钟）", min_value=10, max_value=600, required=False)
    caller = forms.CharField(label="来电/申请人", max_length=50, required=False)
    description = forms.CharField(
        label="需求描述", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_duplicate = forms.BooleanField(label="已有同类未完成工单，仍要受理", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.current().order_by("category", "code")  # type: ignore[attr-defined]
        self.fields["scheduled_start"].initial = _next_hour()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="结论",
        choices=[
            (ExceptionStatus.DISMISSED, "核实无误"),
            (ExceptionStatus.CONFIRMED, "确认异常（不予结算）"),
        ],
    )
    reason = forms.CharField(label="处理说明", max_length=300)


class RatingForm(forms.Form):
    score = forms.IntegerField(label="评分", min_value=1, max_value=5)
    comment = forms.CharField(label="评价", max_length=300, required=False)


class ReturnCallForm(forms.Form):
    reached = forms.BooleanField(label="已联系上", required=False)
    satisfied = forms.BooleanField(label="满意", required=False)
    complaint = forms.BooleanField(label="有投诉", required=False)
    score = forms.IntegerField(label="评分（1–5）", min_value=1, max_value=5, required=False)
    note = forms.CharField(label="回访记录", max_length=300, required=False)


class SignoffForm(forms.Form):
    method = forms.ChoiceField(choices=[("signature", "签名"), ("code", "验证码")])
    signed_by = forms.ChoiceField(choices=SignoffBy.choices, initial=SignoffBy.ELDER)
    signer_name = forms.CharField(max_length=50, required=False)
    signature = forms.CharField(required=False)  # data:image/png;base64,...
    code = forms.CharField(max_length=8, required=False)


class RecurringPlanForm(_UserForm):
    weekday_set = forms.MultipleChoiceField(
        label="服务日", choices=Weekday.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RecurringPlan
        fields = [
            "item",
            "provider",
            "worker",
            "start_time",
            "minutes",
            "valid_from",
            "valid_to",
            "is_active",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.current()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["weekday_set"].initial = [str(d) for d in self.instance.weekday_list()]

    def save(self, commit: bool = True) -> RecurringPlan:
        self.instance.weekdays = ",".join(sorted(self.cleaned_data["weekday_set"]))
        plan: RecurringPlan = super().save(commit=commit)
        return plan
