"""Forms of the volunteer registry: the volunteer (ID number validated like an elder's), the team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.models import User
from yiyang.accounts.roles import roles_with
from yiyang.areas.models import AreaLevel
from yiyang.core import crypto
from yiyang.core.cells import CellError, parse_phone
from yiyang.core.forms import ScopedModelForm
from yiyang.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yiyang.core.scoping import is_member
from yiyang.people.models import Elder
from yiyang.volunteers.choices import DaySlot, Skill, Weekday
from yiyang.volunteers.models import Volunteer, VolunteerTeam, pack, unpack


def _communities(field: Any) -> None:
    field.queryset = field.queryset.filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID])


class VolunteerTeamForm(ScopedModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["name", "kind", "area", "organisation", "leader_name", "leader_phone", "founded_on",
                  "description", "is_active"]  # fmt: skip
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _communities(self.fields["area"])


class VolunteerForm(ScopedModelForm):
    """志愿者登记. Sex and birth date come from the ID number. On edit the ID number and phone are not
    put into the page: an empty input keeps what is stored (as on the elder's form)."""

    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    phone_input = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    skill_set = forms.MultipleChoiceField(
        label=_("技能"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    day_set = forms.MultipleChoiceField(
        label=_("可服务日"), choices=Weekday.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    slot_set = forms.MultipleChoiceField(
        label=_("可服务时段"), choices=DaySlot.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Volunteer
        fields = ["id_number", "name", "phone_input", "kind", "skill_set", "day_set", "slot_set", "area",
                  "address", "latitude", "longitude", "team", "former_profession", "willingness", "status",
                  "joined_on", "note"]  # fmt: skip
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _communities(self.fields["area"])
        instance: Volunteer = self.instance
        if instance.pk:
            self.initial.update(
                skill_set=instance.skill_list(),
                day_set=unpack(instance.available_days),
                slot_set=unpack(instance.available_slots),
            )
            self.fields["id_number"].required = False
            for name, hint in (
                ("id_number", instance.id_number_masked),
                ("phone_input", instance.phone_masked),
            ):
                self.fields[name].widget.attrs["placeholder"] = (
                    gettext("%(hint)s（留空不修改）") % {"hint": hint} if hint else gettext("（未登记）")
                )
                self.fields[name].help_text = gettext("为保护个人信息，原值不在此显示；留空表示不修改。")

    def clean_id_number(self) -> IdNumber | None:
        raw = self.cleaned_data["id_number"]
        if not raw and self.instance.pk:
            return None  # unchanged
        try:
            parsed = parse_id_number(raw)
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        clash = Volunteer._base_manager.filter(id_number_hash=crypto.lookup_hash(parsed.value))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("该身份证号已登记为志愿者"))
        return parsed

    def clean_phone_input(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone_input"]) or ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc

    def save(self, commit: bool = True) -> Volunteer:
        volunteer: Volunteer = super().save(commit=False)
        data = self.cleaned_data
        if data.get("id_number") is not None:
            volunteer.set_id_number(data["id_number"])
            # The registry's own record of this person, if any: the talent pool and household links.
            volunteer.elder = Elder._base_manager.filter(id_number_hash=volunteer.id_number_hash).first()
        if data.get("phone_input"):
            volunteer.set_phone(data["phone_input"])
        volunteer.skills = pack(data.get("skill_set") or [])
        volunteer.available_days = pack(data.get("day_set") or [])
        volunteer.available_slots = pack(data.get("slot_set") or [])
        if commit:
            volunteer.save()
        return volunteer


class TeamMemberForm(forms.Form):
    """An account made a leader of a team: only 志愿服务队负责人 accounts."""

    user = forms.ModelChoiceField(label=_("账号"), queryset=User.objects.none(), empty_label=_("请选择账号"))

    def __init__(self, *args: Any, team: VolunteerTeam | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        field: Any = self.fields["user"]
        field.queryset = User.objects.filter(
            role__in=roles_with("volunteers.lead_volunteerteam"), is_active=True
        ).order_by("username")
        field.error_messages["invalid_choice"] = gettext("只能添加角色为“志愿服务队负责人”的有效账号")

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if self.team is not None and is_member(user, self.team):
            raise forms.ValidationError(
                gettext("%(user)s 已是 %(team)s 的负责人") % {"user": user, "team": self.team}
            )
        return user
