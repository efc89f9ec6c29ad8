"""Forms of the time bank's desk: transfer, donation, redemption, reversal, a service's steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core import crypto
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.people.models import Elder
from yiyang.volunteers import rules
from yiyang.volunteers.choices import Consent, DaySlot, RedeemMethod, RequestChannel, SignoffMethod, Skill
from yiyang.volunteers.models import HelpRequest, MutualAidPair, Volunteer


class HoursField(forms.CharField):
    """Hours as typed (1.5) → whole minutes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("时长（小时）"))
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal")

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        try:
            minutes = rules.to_minutes(text)
        except ValueError as exc:
            raise forms.ValidationError(gettext("请填写小时数，例如 1.5")) from exc
        if minutes <= 0:
            raise forms.ValidationError(gettext("时长必须大于零"))
        return minutes


class _ConsentForm(forms.Form):
    requested_by = forms.CharField(label=_("申请人"), max_length=50, help_text=_("本人或代办人姓名"))
    proxy_relation = forms.CharField(
        label=_("代办人与本人关系"),
        max_length=30,
        required=False,
        help_text=_("本人办理可不填；如网格员、女儿"),
    )
    consent = forms.ChoiceField(label=_("本人同意方式"), choices=[("", "---------"), *Consent.choices])


class TransferForm(_ConsentForm):
    recipient = forms.CharField(label=_("受赠老人身份证号"), max_length=30)
    hours = HoursField()
    field_order = ["recipient", "hours", "requested_by", "proxy_relation", "consent"]

    def clean_recipient(self) -> Elder:
        try:
            parsed = parse_id_number(self.cleaned_data["recipient"])
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        # 通存通兑: the recipient may live in any street or district; found by the exact number only.
        elder = Elder.objects.filter(id_number_hash=crypto.lookup_hash(parsed.value)).first()
        if elder is None:
            raise forms.ValidationError(gettext("老年人信息台账中没有这个身份证号"))
        return elder


class DonateForm(_ConsentForm):
    hours = HoursField()
    field_order = ["hours", "requested_by", "proxy_relation", "consent"]


class RedeemForm(_ConsentForm):
    hours = HoursField()
    method = forms.ChoiceField(label=_("兑换方式"), choices=RedeemMethod.choices, widget=forms.RadioSelect,
                               initial=RedeemMethod.SERVICE)  # fmt: skip
    service = forms.CharField(label=_("兑换的服务"), max_length=150, required=False)
    field_order = ["hours", "method", "service", "requested_by", "proxy_relation", "consent"]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲正原因"), max_length=150)


class CheckInForm(forms.Form):
    """签到: the volunteer and the elder, or the accepted help request that names both."""

    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none(), required=False)
    elder = forms.CharField(label=_("服务对象身份证号"), max_length=30, required=False)
    skill = forms.ChoiceField(label=_("服务内容"), choices=Skill.choices)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    help_request = forms.ModelChoiceField(queryset=HelpRequest.objects.none(), widget=forms.HiddenInput,
                                          required=False)  # fmt: skip
    pair = forms.ModelChoiceField(
        queryset=MutualAidPair.objects.none(), widget=forms.HiddenInput, required=False
    )

    def __init__(
        self, *args: Any, user: Any, help_request: HelpRequest | None = None, pair: MutualAidPair | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.user = user
        request: Any = self.fields["help_request"]
        request.queryset = HelpRequest.objects.for_user(user)
        paired: Any = self.fields["pair"]
        paired.queryset = MutualAidPair.objects.for_user(user)
        if pair is not None:  # the pair names both
            del self.fields["volunteer"], self.fields["elder"]
            return
        volunteer: Any = self.fields["volunteer"]
        volunteer.queryset = Volunteer.objects.for_user(user).filter(status="active").order_by("name")
        if help_request is not None:  # the request names both: nothing to choose
            del self.fields["volunteer"], self.fields["elder"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        request: HelpRequest | None = data.get("help_request")
        if request is not None:
            data["volunteer"], data["elder"] = request.volunteer, request.elder
            return data
        pair: MutualAidPair | None = data.get("pair")
        if pair is not None:
            data["volunteer"], data["elder"] = pair.volunteer, pair.elder
            return data
        if "volunteer" not in self.fields:
            raise forms.ValidationError(
                gettext("这次签到的求助或结对已不在您的管辖范围内，请重新打开签到页面")
            )
        if not data.get("volunteer"):
            self.add_error("volunteer", gettext("请选择志愿者"))
        raw = data.get("elder")
        if not raw:
            self.add_error("elder", gettext("请填写服务对象身份证号"))
            return data
        try:
            parsed = parse_id_number(raw)
        except IdNumberError as exc:
            self.add_error("elder", exc.message)
            return data
        elder = (
            Elder.objects.for_user(self.user)
            .filter(id_number_hash=crypto.lookup_hash(parsed.value), status="living")
            .first()
        )
        if elder is None:
            self.add_error("elder", gettext("您的管辖范围内没有这位在册老人"))
        data["elder"] = elder
        return data


class PositionForm(forms.Form):
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)


class SignOffForm(forms.Form):
    method = forms.ChoiceField(label=_("确认方式"), choices=SignoffMethod.choices, widget=forms.RadioSelect,
                               initial=SignoffMethod.SIGNATURE)  # fmt: skip
    signed_by = forms.CharField(label=_("确认人"), max_length=50)
    rating = forms.TypedChoiceField(label=_("满意度"), choices=[(str(i), str(i)) for i in range(5, 0, -1)],
                                    coerce=int, required=False, empty_value=None)  # fmt: skip


class HelpRequestForm(forms.Form):
    elder = forms.CharField(label=_("老人身份证号"), max_length=30)
    skill = forms.ChoiceField(label=_("需要的服务"), choices=Skill.choices)
    description = forms.CharField(label=_("需求说明"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    wanted_on = forms.DateField(label=_("希望日期"), widget=forms.DateInput(attrs={"type": "date"}))
    wanted_slot = forms.ChoiceField(label=_("希望时段"), choices=DaySlot.choices)
    channel = forms.ChoiceField(label=_("来源"), choices=RequestChannel.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_elder(self) -> Elder:
        try:
            parsed = parse_id_number(self.cleaned_data["elder"])
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        elder = (
            Elder.objects.for_user(self.user)
            .filter(id_number_hash=crypto.lookup_hash(parsed.value), status="living")
            .first()
        )
        if elder is None:
            raise forms.ValidationError(gettext("您的管辖范围内没有这位在册老人"))
        return elder
