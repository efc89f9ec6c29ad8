from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiyang.accounts.models import User
from yiyang.accounts.roles import roles_with
from yiyang.areas.models import AreaLevel
from yiyang.core.cells import CellError, parse_phone
from yiyang.core.forms import ScopedModelForm
from yiyang.core.models import Membership
from yiyang.core.scoping import is_member, organisation_type
from yiyang.services.choices import (
    ExceptionStatus,
    RequestSource,
    ServiceCategory,
    SignoffBy,
    Urgency,
    Weekday,
)
from yiyang.services.models import (
    Entitlement,
    Provider,
    RecurringPlan,
    ServiceAgreement,
    ServiceItem,
    ServicePoint,
    Worker,
)


def _account_label(user: Any) -> str:
    if str(user) == user.username:
        return str(user.username)
    return _("%(username)s（%(name)s）") % {"username": user.username, "name": user}


class ServiceItemForm(ScopedModelForm):
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


class ProviderForm(ScopedModelForm):
    class Meta:
        model = Provider
        fields = ["name", "kind", "credit_code", "contact_name", "contact_phone", "address", "is_active"]


def _next_hour() -> datetime.datetime:
    now = timezone.localtime() + datetime.timedelta(hours=1)
    return now.replace(minute=0, second=0, microsecond=0)


class IntakeForm(forms.Form):
    item = forms.ModelChoiceField(label=gettext_lazy("服务项目"), queryset=ServiceItem.objects.none())
    source = forms.ChoiceField(
        label=gettext_lazy("来源"), choices=[c for c in RequestSource.choices if c[0] not in ("plan", "api")]
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    scheduled_start = forms.DateTimeField(
        label=gettext_lazy("预约时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("时长（分钟）"), min_value=10, max_value=600, required=False
    )
    caller = forms.CharField(label=gettext_lazy("来电/申请人"), max_length=50, required=False)
    description = forms.CharField(
        label=gettext_lazy("需求描述"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_duplicate = forms.BooleanField(label=gettext_lazy("已有同类未完成工单，仍要受理"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.current().order_by("category", "code")  # type: ignore[attr-defined]
        self.fields["scheduled_start"].initial = _next_hour()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("结论"),
        choices=[
            (ExceptionStatus.DISMISSED, gettext_lazy("核实无误")),
            (ExceptionStatus.CONFIRMED, gettext_lazy("确认异常（不予结算）")),
        ],
    )
    reason = forms.CharField(label=gettext_lazy("处理说明"), max_length=300)


class RatingForm(forms.Form):
    score = forms.IntegerField(label=gettext_lazy("评分"), min_value=1, max_value=5)
    comment = forms.CharField(label=gettext_lazy("评价"), max_length=300, required=False)


class ReturnCallForm(forms.Form):
    reached = forms.BooleanField(label=gettext_lazy("已联系上"), required=False)
    satisfied = forms.BooleanField(label=gettext_lazy("满意"), required=False)
    complaint = forms.BooleanField(label=gettext_lazy("有投诉"), required=False)
    score = forms.IntegerField(label=gettext_lazy("评分（1–5）"), min_value=1, max_value=5, required=False)
    note = forms.CharField(label=gettext_lazy("回访记录"), max_length=300, required=False)


class SignoffForm(forms.Form):
    method = forms.ChoiceField(
        choices=[("signature", gettext_lazy("签名")), ("code", gettext_lazy("验证码"))]
    )
    signed_by = forms.ChoiceField(choices=SignoffBy.choices, initial=SignoffBy.ELDER)
    signer_name = forms.CharField(max_length=50, required=False)
    signature = forms.CharField(required=False)  # data:image/png;base64,...
    code = forms.CharField(max_length=8, required=False)


class RecurringPlanForm(ScopedModelForm):
    weekday_set = forms.MultipleChoiceField(
        label=gettext_lazy("服务日"), choices=Weekday.choices, widget=forms.CheckboxSelectMultiple
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


# -- reference data: agreements, points, workers, entitlements, staff -----------------------------------

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: Mainland China lies inside these; a point outside is a typo or swapped coordinates.
LAT_RANGE = (3.0, 54.0)
LNG_RANGE = (73.0, 136.0)


def check_coordinates(form: forms.BaseForm, lat_field: str, lng_field: str) -> None:
    """Field errors for coordinates outside China, naming the likely cause (swapped lat/lng)."""
    lat, lng = form.cleaned_data.get(lat_field), form.cleaned_data.get(lng_field)
    if lat is None or lng is None:
        return
    if LNG_RANGE[0] <= lat <= LNG_RANGE[1] and LAT_RANGE[0] <= lng <= LAT_RANGE[1]:
        form.add_error(lat_field, _("纬度和经度可能填反了：纬度约为 32，经度约为 121（南通）"))
        return
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        form.add_error(
            lat_field,
            _("纬度应在 %(low)s–%(high)s 之间（中国境内）")
            % {"low": f"{LAT_RANGE[0]:g}", "high": f"{LAT_RANGE[1]:g}"},
        )
    if not LNG_RANGE[0] <= lng <= LNG_RANGE[1]:
        form.add_error(
            lng_field,
            _("经度应在 %(low)s–%(high)s 之间（中国境内）")
            % {"low": f"{LNG_RANGE[0]:g}", "high": f"{LNG_RANGE[1]:g}"},
        )


def check_dates(form: forms.BaseForm, start: str = "valid_from", end: str = "valid_to") -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, _("结束日期不能早于开始日期"))


class ServiceAgreementForm(ScopedModelForm):
    class Meta:
        model = ServiceAgreement
        fields = ["provider", "number", "areas", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE, "areas": forms.SelectMultiple(attrs={"size": 8})}
        help_texts = {"areas": gettext_lazy("可多选（按住 Ctrl）：选区县则覆盖全区，选街道则覆盖全街道")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas: Any = self.fields["areas"]
        areas.queryset = areas.queryset.filter(
            level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
        )
        areas.label_from_instance = lambda a: f"{'　' * (a.level - AreaLevel.DISTRICT)}{a.name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_dates(self)
        return data


class AgreementItemForm(forms.Form):
    item = forms.ModelChoiceField(label=gettext_lazy("服务项目"), queryset=ServiceItem.objects.none())
    price = forms.DecimalField(
        label=gettext_lazy("协议价（元）"), max_digits=12, decimal_places=2, min_value=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item: Any = self.fields["item"]
        item.queryset = ServiceItem.objects.order_by("category", "code", "-valid_from")


class _LinesFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled, kept lines (blank extra rows validate to an empty dict)."""
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class AgreementItemFormSetBase(_LinesFormSet):
    """Each item once per agreement, and not priced by another agreement of the provider at the same time."""

    agreement: ServiceAgreement | None = None
    head: ServiceAgreementForm | None = None

    def clean(self) -> None:
        if any(self.errors):
            return
        from yiyang.services.actions.reference import agreement_overlaps

        seen: set[str] = set()
        head = self.head.cleaned_data if self.head is not None and self.head.is_valid() else None
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            item = data["item"]
            if item.code in seen:
                form.add_error("item", _("同一服务项目只能出现一次"))
            seen.add(item.code)
            if head is not None:
                clash = agreement_overlaps(
                    provider=head["provider"], item=item, valid_from=head["valid_from"],
                    valid_to=head.get("valid_to"), exclude_pk=self.agreement.pk if self.agreement else None,
                )  # fmt: skip
                if clash is not None:
                    form.add_error(
                        "item", _("已在协议 %(number)s 中定价，有效期重叠") % {"number": clash.number}
                    )
        if not seen:
            raise ValidationError(_("协议至少包含一个服务项目及其协议价"))


AgreementItemFormSet = forms.formset_factory(
    AgreementItemForm, formset=AgreementItemFormSetBase, extra=3, can_delete=True
)


class ServicePointForm(ScopedModelForm):
    class Meta:
        model = ServicePoint
        fields = ["name", "kind", "provider", "area", "address", "latitude", "longitude", "is_active"]
        help_texts = {
            "latitude": gettext_lazy("如 32.0660（南通）"),
            "longitude": gettext_lazy("如 121.0730"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = area.queryset.filter(level=AreaLevel.COMMUNITY)
        provider: Any = self.fields["provider"]
        provider.empty_label = _("（社区自办，无服务商）")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_coordinates(self, "latitude", "longitude")
        return data


class WorkerForm(ScopedModelForm):
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20, required=False)

    class Meta:
        model = Worker
        fields = [
            "provider",
            "name",
            "user",
            "base_latitude",
            "base_longitude",
            "capacity_per_day",
            "is_active",
        ]
        help_texts = {
            "user": gettext_lazy("助老员用手机登录时使用的账号，须先在服务商页面加为工作人员"),
            "base_latitude": gettext_lazy("派单按此计算距离，如 32.0660"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider: Any = self.fields["provider"]
        user: Any = self.fields["user"]
        members = Membership.objects.filter(
            organisation_type=organisation_type(Provider), organisation_id__in=provider.queryset.values("pk")
        ).values("user_id")
        user.queryset = User.objects.filter(pk__in=members).order_by("username")
        user.label_from_instance = _account_label
        if self.instance.pk and self.instance.phone_masked:
            self.fields["phone"].help_text = _("已登记 %(phone)s，留空则不修改") % {
                "phone": self.instance.phone_masked
            }

    def clean_phone(self) -> str | None:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return None if self.instance.pk else ""
        try:
            phone = parse_phone(raw)
        except CellError as exc:
            raise ValidationError(exc.message) from exc
        return phone or ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_coordinates(self, "base_latitude", "base_longitude")
        user, provider = data.get("user"), data.get("provider")
        if user is not None and provider is not None:
            if not is_member(user, provider):
                self.add_error("user", _("该账号不是所选服务商的工作人员"))
            elif Worker.objects.filter(user=user).exclude(pk=self.instance.pk).exists():
                self.add_error("user", _("该账号已绑定其他助老员"))
        return data


class QualificationForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("服务类别"), choices=[("", "---------"), *ServiceCategory.choices]
    )
    certificate = forms.CharField(label=gettext_lazy("证书名称/编号"), max_length=100, required=False)
    valid_to = forms.DateField(label=gettext_lazy("有效期至"), required=False, widget=_DATE)


class QualificationFormSetBase(_LinesFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            category = data["category"]
            if category in seen:
                form.add_error("category", _("同一服务类别只需登记一次"))
            seen.add(category)


QualificationFormSet = forms.formset_factory(
    QualificationForm, formset=QualificationFormSetBase, extra=2, can_delete=True
)


class EntitlementForm(ScopedModelForm):
    class Meta:
        model = Entitlement
        fields = ["programme", "unit", "monthly_quota", "copay_rate", "valid_from", "valid_to"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}

    def clean_monthly_quota(self) -> Any:
        value = self.cleaned_data["monthly_quota"]
        if value is not None and value < 0:
            raise ValidationError(_("每月额度不能为负数"))
        return value

    def clean_copay_rate(self) -> Any:
        value = self.cleaned_data["copay_rate"]
        if value is not None and not 0 <= value <= 1:
            raise ValidationError(_("自付比例应在 0 到 1 之间，例如 0.1 表示自付 10%"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_dates(self)
        return data


class MemberForm(forms.Form):
    """One account added to a provider's (or a canteen's) staff."""

    user = forms.ModelChoiceField(
        label=gettext_lazy("账号"), queryset=User.objects.none(), empty_label=gettext_lazy("请选择账号")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user: Any = self.fields["user"]
        user.queryset = User.objects.filter(
            role__in=roles_with("services.join_provider"), is_active=True
        ).order_by("username")
        user.label_from_instance = _account_label
        user.error_messages["invalid_choice"] = _("只能添加角色为“服务商人员”的有效账号")
