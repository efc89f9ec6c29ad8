from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.cells import CellError, parse_phone
from yiyang.core.forms import ScopedModelForm
from yiyang.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yiyang.people.actions import ElderData
from yiyang.people.choices import ETHNICITIES, DisabilityGrade, ElderStatus, LivingSituation, Sex
from yiyang.people.models import Certification, Elder, ElderContact


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        parent = obj.parent.name if obj.parent else ""
        return f"{parent} · {obj.name}" if obj.level >= AreaLevel.COMMUNITY else obj.name


def scoped_communities(user: Any) -> Any:
    return (
        Area.objects.for_user(user)
        .filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID])
        .select_related("parent")
    )


class ElderForm(forms.Form):
    """Registry form. Sex and birth date come from the ID number; if typed too, they must agree.

    When editing, the ID number, phone and health notes are never put into the page: the inputs
    start empty with the masked value as a hint, and an empty input keeps what is stored. Seeing a
    clear value is a logged reveal, not a side effect of opening a form.
    """

    SENSITIVE = ("id_number", "phone", "health")

    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    sex = forms.ChoiceField(label=_("性别"), choices=[("", _("按身份证号")), *Sex.choices], required=False)
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[(e, e) for e in ETHNICITIES], initial="汉族")
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    area = AreaChoiceField(label=_("所属社区/网格"), queryset=Area.objects.none())
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    hukou_local = forms.BooleanField(label=_("本区户籍"), required=False, initial=True)
    hukou_address = forms.CharField(label=_("户籍地址"), max_length=200, required=False)
    hukou_date = forms.DateField(
        label=_("户籍迁入/迁出日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("改变“本区户籍”时填写，留空为今天；发放按此日期逐月判断"),
    )
    living_situation = forms.ChoiceField(label=_("居住情况"), choices=LivingSituation.choices)
    health = forms.CharField(label=_("健康状况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    disability_grade = forms.ChoiceField(label=_("残疾等级"), choices=DisabilityGrade.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=ElderStatus.choices, initial=ElderStatus.LIVING)
    status_date = forms.DateField(
        label=_("死亡/迁出日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status_note = forms.CharField(label=_("状态说明"), max_length=200, required=False)
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)
    clear_health = forms.BooleanField(label=_("清除健康状况"), required=False)

    def __init__(
        self, data: Any = None, files: Any = None, *, instance: Elder | None = None, user: Any
    ) -> None:
        self.instance = instance
        initial = None
        if instance is not None:
            initial = {
                "name": instance.name,
                "sex": instance.sex,
                "birth_date": instance.birth_date,
                "ethnicity": instance.ethnicity,
                "area": instance.area,
                "address": instance.address,
                "hukou_local": instance.hukou_local,
                "hukou_address": instance.hukou_address,
                "living_situation": instance.living_situation,
                "disability_grade": instance.disability_grade,
                "status": instance.status,
                "status_date": instance.status_date,
                "status_note": instance.status_note,
            }
        super().__init__(data, files, initial=initial)
        self.fields["area"].queryset = scoped_communities(user)  # type: ignore[attr-defined]
        if instance is None:
            del self.fields["clear_phone"], self.fields["clear_health"]
            return
        self.fields["id_number"].required = False
        hints = {
            "id_number": instance.id_number_masked,
            "phone": instance.phone_masked,
            "health": instance.health_hint,
        }
        for name, hint in hints.items():
            self.fields[name].widget.attrs["placeholder"] = (
                gettext("%(hint)s（留空不修改）") % {"hint": hint} if hint else gettext("（未登记）")
            )
            self.fields[name].help_text = gettext("为保护个人信息，原值不在此显示；留空表示不修改。")
        if not instance.phone_enc:
            del self.fields["clear_phone"]
        if not instance.health_enc:
            del self.fields["clear_health"]

    def clean_id_number(self) -> IdNumber:
        raw = self.cleaned_data["id_number"]
        if not raw and self.instance is not None:
            raw = self.instance.id_number  # unchanged: decrypted on the server, never shown
        try:
            return parse_id_number(raw)
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_phone(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone"]) or ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc

    def _kept(self, name: str, typed: str) -> str:
        """The new value, or on edit the stored one when the input was left empty."""
        if typed or self.instance is None or self.cleaned_data.get(f"clear_{name}"):
            return typed
        return str(getattr(self.instance, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed: IdNumber | None = data.get("id_number")
        if parsed is not None:
            if data.get("sex") and data["sex"] != parsed.sex:
                self.add_error(
                    "sex",
                    gettext("性别与身份证号不符（身份证号显示为%(sex)s）") % {"sex": Sex(parsed.sex).label},
                )
            if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
                self.add_error(
                    "birth_date",
                    gettext("出生日期与身份证号不符（身份证号显示为 %(date)s）")
                    % {"date": f"{parsed.birth_date:%Y-%m-%d}"},
                )
        if data.get("status") != ElderStatus.LIVING and not data.get("status_date"):
            self.add_error("status_date", gettext("请填写死亡或迁出日期"))
        return data

    def to_data(self) -> ElderData:
        d = self.cleaned_data
        return ElderData(
            id_number=d["id_number"],
            name=d["name"].strip(),
            area=d["area"],
            ethnicity=d["ethnicity"],
            phone=self._kept("phone", d["phone"]),
            address=d["address"],
            hukou_local=d["hukou_local"],
            hukou_address=d["hukou_address"],
            living_situation=d["living_situation"],
            health=self._kept("health", d["health"]),
            disability_grade=d["disability_grade"] or "",
            status=d["status"],
            status_date=d["status_date"] if d["status"] != ElderStatus.LIVING else None,
            status_note=d["status_note"],
            hukou_date=d.get("hukou_date"),
        )


class ElderStatusForm(forms.Form):
    """登记死亡 / 迁出 / 迁回 from the elder's page."""

    status = forms.ChoiceField(label=_("状态"), choices=ElderStatus.choices)
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("死亡或迁出的日期；迁回时为迁回日期（留空为今天）"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") and data["status"] != ElderStatus.LIVING and not data.get("date"):
            self.add_error("date", gettext("请填写死亡或迁出日期"))
        return data


class CertificationForm(ScopedModelForm):
    class Meta:
        model = Certification
        fields = ["category", "valid_from", "valid_to", "certified_by", "document_no", "note"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class ContactForm(ScopedModelForm):
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)

    class Meta:
        model = ElderContact
        fields = [
            "name",
            "relation",
            "phone",
            "priority",
            "is_emergency",
            "is_keyholder",
            "lives_together",
            "note",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["phone"] = self.instance.phone

    def clean_phone(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone"]) or ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("身份证号")), ("phone", _("联系电话")), ("health", _("健康状况"))]
    )
    reason = forms.CharField(label=_("查看事由"), min_length=2, max_length=200)
