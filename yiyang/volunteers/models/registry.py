"""Volunteers (志愿者信息台账), their teams (志愿服务队) and the elder talent pool (老年人才库).

The time bank lives in :mod:`yiyang.volunteers.models_bank`; services and activities beside it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core import crypto
from yiyang.core.i18n import records_language
from yiyang.core.idnumber import IdNumber, age_on, mask_id_number
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.choices import Sex
from yiyang.people.models import Elder
from yiyang.volunteers.choices import VolunteerKind, VolunteerStatus, Willingness


def pack(values: Iterable[str]) -> str:
    """A set of codes as stored: ``,a,b,`` (a LIKE '%,a,%' finds one), or "" for none."""
    kept = sorted({v for v in values if v})
    return f",{','.join(kept)}," if kept else ""


def unpack(stored: str) -> list[str]:
    return [v for v in stored.split(",") if v]


class VolunteerTeam(TimeStampedModel):
    """志愿服务队: a team such as a community's 医疗志愿者服务队 or 法律志愿者服务队 (seed 004).

    Its leaders (志愿服务队负责人 accounts) are members of the team (``core.Membership``) and see the
    team, its volunteers and its time-bank account wherever they are.
    """

    name = models.CharField(_("队名"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=VolunteerKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False, db_index=True)
    organisation = models.CharField(
        _("依托单位"), max_length=100, blank=True, help_text=_("如社区卫生服务站、司法所、高校")
    )
    leader_name = models.CharField(_("负责人"), max_length=50, blank=True)
    leader_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    founded_on = models.DateField(_("成立日期"), default=timezone.localdate)
    description = models.TextField(_("服务内容"), blank=True)
    is_active = models.BooleanField(_("活动中"), default=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["area_path", "name"]
        permissions = [
            ("export_volunteerteam", "导出志愿服务队"),
            ("lead_volunteerteam", "担任志愿服务队负责人"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteerteam_detail", args=[self.pk])


class Volunteer(TimeStampedModel):
    """志愿者: one person in the volunteer ledger, identified by the 公民身份号码 like an elder.

    The ID number and phone are stored as the registry stores an elder's (ciphertext, keyed digest,
    masked form). ``elder`` links a volunteer who is also in the elder registry: the elder talent pool
    (老年人才库) is the volunteers aged 60 and over, with their former profession and willingness.
    """

    id_number_enc = models.TextField(_("身份证号（密文）"))
    id_number_hash = models.CharField(_("身份证号摘要"), max_length=32)
    id_number_masked = models.CharField(_("身份证号"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_hash = models.CharField(_("联系电话摘要"), max_length=32, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=VolunteerKind.choices)
    skills = models.CharField(_("技能"), max_length=300, blank=True)
    available_days = models.CharField(_("可服务日"), max_length=20, blank=True)
    available_slots = models.CharField(_("可服务时段"), max_length=20, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("志愿服务队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
    )
    elder = models.OneToOneField(
        Elder,
        verbose_name=_("老年人档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
        editable=False,
    )
    former_profession = models.CharField(_("原职业"), max_length=100, blank=True)
    willingness = models.CharField(
        _("人才库意愿"), max_length=12, choices=Willingness.choices, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    joined_on = models.DateField(_("登记日期"), default=timezone.localdate)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "team_id"
    audit_masked_fields = {"id_number_enc": "id_number_masked", "phone_enc": "phone_masked"}
    audit_exclude = ("id_number_hash", "id_number_masked", "phone_hash", "phone_masked")

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者信息台账")
        ordering = ["area_path", "name", "id"]
        permissions = [
            ("export_volunteer", "导出志愿者信息"),
            ("import_volunteer", "导入志愿者信息"),
        ]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="volunteer_one_per_id_number")]
        indexes = [
            models.Index(fields=["area_path", "status"], name="volunteer_area_idx"),
            models.Index(fields=["phone_hash"], name="volunteer_phone_hash_idx"),
            # Matching: the square around the elder's home, over the active volunteers only.
            models.Index(
                fields=["latitude", "longitude"],
                condition=models.Q(status="active"),
                name="volunteer_active_geo_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, parsed: IdNumber) -> None:
        protected = crypto.protect(parsed.value, mask_id_number(parsed.value))
        self.id_number_enc, self.id_number_hash = protected.ciphertext, protected.digest
        self.id_number_masked = protected.masked
        self.sex, self.birth_date = parsed.sex, parsed.birth_date

    def set_phone(self, phone: str) -> None:
        protected = crypto.protect(phone, crypto.mask_phone(phone))
        self.phone_enc, self.phone_hash, self.phone_masked = (
            protected.ciphertext,
            protected.digest,
            protected.masked,
        )

    @property
    def id_number(self) -> str:
        """Clear value: for actions, and the clear export (which logs the reason)."""
        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def in_talent_pool(self) -> bool:
        return self.age >= 60

    def skill_list(self) -> list[str]:
        return unpack(self.skills)

    def skill_labels(self) -> list[str]:
        from yiyang.volunteers.choices import Skill

        return [str(Skill(s).label) for s in self.skill_list() if s in Skill.values]

    def availability_text(self) -> str:
        from yiyang.volunteers.choices import DaySlot, Weekday

        days = "、".join(str(Weekday(d).label) for d in unpack(self.available_days) if d in Weekday.values)
        slots = "、".join(str(DaySlot(s).label) for s in unpack(self.available_slots) if s in DaySlot.values)
        return " ".join(x for x in (days, slots) if x)

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    def describe(self) -> str:
        with records_language():
            return f"{self.name}（{self.get_kind_display()}）"
