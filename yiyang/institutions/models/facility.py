"""The homes themselves: institutions, their liability insurance and their beds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.institutions.choices import (
    BedKind,
    BedStatus,
    InstitutionKind,
    LicenceKind,
    MedicalIntegration,
)


class Institution(TimeStampedModel):
    """养老机构: a care home (敬老院, 养老院, 颐养中心 …), public, private or 公建民营.

    ``area_path`` copies the street's or community's path so the scope filter needs no join. Its staff
    (养老机构人员 with a ``core.Membership``) see it and everything of it, wherever it is.
    """

    name = models.CharField(_("机构名称"), max_length=100)
    kind = models.CharField(_("性质"), max_length=16, choices=InstitutionKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所在街道/社区"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    operator = models.CharField(_("运营方"), max_length=100, blank=True)
    legal_person = models.CharField(_("负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    licence_kind = models.CharField(
        _("设立方式"), max_length=10, choices=LicenceKind.choices, default=LicenceKind.FILING
    )
    licence_no = models.CharField(_("备案/许可编号"), max_length=50, blank=True)
    licence_from = models.DateField(_("备案/许可日期"), null=True, blank=True)
    licence_to = models.DateField(_("许可有效期至"), null=True, blank=True, help_text=_("备案无有效期的留空"))
    medical = models.CharField(
        _("医养结合"), max_length=12, choices=MedicalIntegration.choices, blank=True, default=""
    )
    design_beds = models.PositiveIntegerField(_("设计床位"), default=0)
    floor_area = models.PositiveIntegerField(_("建筑面积（平方米）"), null=True, blank=True)
    fee_min = models.DecimalField(
        _("月收费下限（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    fee_max = models.DecimalField(
        _("月收费上限（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    fee_note = models.CharField(_("收费说明"), max_length=200, blank=True)
    star_level = models.PositiveSmallIntegerField(
        _("星级"), null=True, blank=True, editable=False, help_text=_("由 GB/T 37276 等级评定得出")
    )
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    is_active = models.BooleanField(_("运营中"), default=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("养老机构")
        verbose_name_plural = _("养老机构")
        ordering = ["area_path", "name"]
        permissions = [
            ("export_institution", "导出养老机构"),
            ("join_institution", "可被添加为养老机构工作人员"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_to__isnull=True)
                | Q(licence_from__isnull=True)
                | Q(licence_to__gte=models.F("licence_from")),
                name="institution_licence_dates_ordered",
            ),
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
        return reverse("institutions:institution_detail", args=[self.pk])


class InsurancePolicy(TimeStampedModel):
    """养老机构综合责任保险: a liability policy (policy number, insurer, period, cover)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.CASCADE, related_name="policies"
    )
    policy_no = models.CharField(_("保单号"), max_length=50)
    insurer = models.CharField(_("保险公司"), max_length=100)
    valid_from = models.DateField(_("保险起期"))
    valid_to = models.DateField(_("保险止期"))
    cover = models.DecimalField(_("保额（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    premium = models.DecimalField(_("保费（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("责任保险")
        verbose_name_plural = _("责任保险")
        ordering = ["-valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "policy_no"], name="unique_policy_no"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="policy_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_no}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:institution_detail", args=[self.institution_id]) + "#policies"

    def get_edit_url(self) -> str:
        return reverse("institutions:insurancepolicy_edit", args=[self.pk])


class Building(TimeStampedModel):
    """楼栋: a building of a home; its floors hold rooms and the rooms hold beds."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=30)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["institution", "name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="unique_building_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path


class Floor(models.Model):
    """楼层: one floor of a building (negative for basements)."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="floors"
    )
    level = models.SmallIntegerField(_("楼层"))

    objects = ScopedManager()
    scope_path = "building__institution__area_path"
    scope_organisation = "building__institution_id"

    class Meta:
        verbose_name = _("楼层")
        verbose_name_plural = _("楼层")
        ordering = ["building", "level"]
        constraints = [models.UniqueConstraint(fields=["building", "level"], name="unique_floor_level")]

    def __str__(self) -> str:
        return f"{self.building} {self.level}F"


class Room(models.Model):
    """房间: a room on a floor; its beds are numbered within it."""

    floor = models.ForeignKey(Floor, verbose_name=_("楼层"), on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("房间"), max_length=20)

    objects = ScopedManager()
    scope_path = "floor__building__institution__area_path"
    scope_organisation = "floor__building__institution_id"

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["floor", "number"]
        constraints = [models.UniqueConstraint(fields=["floor", "number"], name="unique_room_number")]

    def __str__(self) -> str:
        return self.number


class Bed(TimeStampedModel):
    """床位: one bed of a home, in a room (房间) on a floor (楼层) of a building (楼栋).

    The bed is a place; who occupies it on a day comes from the bed assignments, where a bed never
    holds two residents on the same day. ``added_on`` is when it came into use: a new bed earns the
    construction subsidy once. ``institution`` repeats the room's home so scope and occupancy need
    no join.
    """

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.CASCADE, related_name="beds"
    )
    room = models.ForeignKey(Room, verbose_name=_("房间"), on_delete=models.CASCADE, related_name="beds")
    number = models.CharField(_("床号"), max_length=20)
    kind = models.CharField(_("床位类型"), max_length=12, choices=BedKind.choices, default=BedKind.CARE)
    status = models.CharField(_("状态"), max_length=12, choices=BedStatus.choices, default=BedStatus.IN_USE)
    added_on = models.DateField(_("投用日期"), default=datetime.date(2020, 1, 1))

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("床位")
        verbose_name_plural = _("床位")
        ordering = [
            "institution",
            "room__floor__building__name",
            "room__floor__level",
            "room__number",
            "number",
        ]
        permissions = [("export_bed", "导出床位"), ("import_bed", "导入床位")]
        constraints = [models.UniqueConstraint(fields=["room", "number"], name="unique_bed_in_room")]
        # The construction subsidy finds a month's new beds without reading every bed.
        indexes = [models.Index(fields=["added_on"], name="bed_added_idx")]

    def __str__(self) -> str:
        return f"{self.building_name} {self.room_number}-{self.number}"

    @property
    def building_name(self) -> str:
        return self.room.floor.building.name

    @property
    def floor_level(self) -> int:
        return self.room.floor.level

    @property
    def room_number(self) -> str:
        return self.room.number

    @property
    def label(self) -> str:
        return f"{self.institution} {self}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:bed_list") + f"?institution={self.institution_id}"

    def get_edit_url(self) -> str:
        return reverse("institutions:bed_edit", args=[self.pk])


def room_for(institution: Institution | int, building: str, floor: int, room: str) -> Room:
    """The room ``building`` / ``floor`` / ``room`` of a home, made (with its building and floor) if new."""
    home_id = institution if isinstance(institution, int) else institution.pk
    b, _created = Building.objects.get_or_create(institution_id=home_id, name=building.strip()[:30])
    f, _created = Floor.objects.get_or_create(building=b, level=floor)
    r, _created = Room.objects.get_or_create(floor=f, number=room.strip()[:20])
    return r


def rooms_for(places: set[tuple[int, str, int, str]]) -> dict[tuple[int, str, int, str], Room]:
    """Many places at once (an import): ``(home id, building, floor, room)`` → room, the missing ones
    made with three bulk inserts (set-based: no query per bed)."""
    if not places:
        return {}
    homes = {p[0] for p in places}
    Building.objects.bulk_create(
        [Building(institution_id=h, name=b) for h, b in {(p[0], p[1]) for p in places}], ignore_conflicts=True
    )
    buildings = {(b.institution_id, b.name): b for b in Building.objects.filter(institution_id__in=homes)}
    Floor.objects.bulk_create(
        [Floor(building=buildings[(h, b)], level=f) for h, b, f in {(p[0], p[1], p[2]) for p in places}],
        ignore_conflicts=True,
    )
    floors = {
        (f.building.institution_id, f.building.name, f.level): f
        for f in Floor.objects.filter(building__institution_id__in=homes).select_related("building")
    }
    Room.objects.bulk_create([Room(floor=floors[p[:3]], number=p[3]) for p in places], ignore_conflicts=True)
    rooms = Room.objects.filter(floor__building__institution_id__in=homes).select_related("floor__building")
    found = {
        (r.floor.building.institution_id, r.floor.building.name, r.floor.level, r.number): r for r in rooms
    }
    return {p: found[p] for p in places}
