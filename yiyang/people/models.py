"""The elder registry (老年人信息台账): elders, their certifications, contacts and saved filters."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core import crypto
from yiyang.core.dated import in_force, in_force_q
from yiyang.core.i18n import records_language
from yiyang.core.idnumber import IdNumber
from yiyang.core.indexes import ByteOrderIndex
from yiyang.core.models import TimeStampedModel
from yiyang.core.pagination import LateRowsQuerySet
from yiyang.core.scoping import ScopedManager, ScopedQuerySet
from yiyang.people.choices import (
    SUPPORTED_CATEGORIES,
    AgeBracket,
    CapabilityLevel,
    ContactRelation,
    DisabilityGrade,
    EconomicCategory,
    ElderStatus,
    LivingSituation,
    Sex,
)
from yiyang.people.pinyin import name_keys

# Prefix search (LIKE 'zs%') needs pattern-ops indexes on PostgreSQL; other backends ignore opclasses.
_PATTERN = ["varchar_pattern_ops"]
# The columns the elder list filters on (people.filtersets), carried by its index.
LIST_FILTER_FIELDS = (
    "sex",
    "birth_date",
    "living_situation",
    "categories",
    "capability_level",
    "hukou_local",
)


def supported(via: str = "") -> Q:
    """Elders of :data:`SUPPORTED_CATEGORIES` (特困, 五保): those the state itself supports, whom the
    机构养老 figures follow (``via``: the way to the elder from another model, such as ``"elder__"``)."""
    return reduce(or_, (Q(**{f"{via}categories__contains": c}) for c in SUPPORTED_CATEGORIES))


class Elder(TimeStampedModel):
    """老年人: one person in the registry, identified by the 公民身份号码 (GB 11643).

    The ID number and phone are stored encrypted, with a keyed hash for exact look-up and a masked
    form for display; health notes are encrypted too (PIPL Art. 28 sensitive data). ``area_path``
    copies the path of ``area`` so that the scope filter and the indexes need no join.
    ``categories`` mirrors the certifications in force today, for filters and statistics.
    """

    id_number_enc = models.TextField(_("身份证号（密文）"))
    id_number_hash = models.CharField(_("身份证号摘要"), max_length=32)
    id_number_masked = models.CharField(_("身份证号"), max_length=18)
    id_tail = models.CharField(_("身份证号后四位"), max_length=4)
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, blank=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=20, blank=True)
    # The everyday reading of a polyphonic surname (单 dan, 曾 ceng, 尉迟 weichi), which people type
    # too; empty when the name has no other reading (see people.pinyin).
    name_pinyin_alt = models.CharField(_("姓名拼音（异读）"), max_length=120, blank=True, default="")
    name_initials_alt = models.CharField(_("拼音首字母（异读）"), max_length=20, blank=True, default="")
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_hash = models.CharField(_("联系电话摘要"), max_length=32, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_tail = models.CharField(_("电话后四位"), max_length=4, blank=True)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    # Home location (WGS-84) for visit check-in radius and service coverage. Without a geocoder on
    # an isolated network it is set from the grid/community centre unless a worker records it.
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所属社区/网格"), on_delete=models.PROTECT, related_name="elders"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    hukou_local = models.BooleanField(_("本区户籍"), default=True)
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    living_situation = models.CharField(
        _("居住情况"), max_length=16, choices=LivingSituation.choices, default=LivingSituation.WITH_FAMILY
    )
    categories = models.CharField(_("经济类别"), max_length=100, blank=True, editable=False)
    health_enc = models.TextField(_("健康状况（密文）"), blank=True)
    health_hash = models.CharField(_("健康状况摘要"), max_length=32, blank=True, editable=False)
    disability_grade = models.CharField(
        _("残疾等级"), max_length=2, choices=DisabilityGrade.choices, blank=True, default=""
    )
    capability_level = models.PositiveSmallIntegerField(
        _("能力等级"),
        choices=CapabilityLevel.choices,
        null=True,
        blank=True,
        help_text=_("GB/T 42195 最终等级"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ElderStatus.choices, default=ElderStatus.LIVING
    )
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_note = models.CharField(_("状态说明"), max_length=200, blank=True)
    import_batch = models.ForeignKey(
        "core.ImportBatch", verbose_name=_("导入批次"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager.from_queryset(LateRowsQuerySet)()
    scope_path = "area_path"
    audit_masked_fields = {
        "id_number_enc": "id_number_masked",
        "phone_enc": "phone_masked",
        "health_enc": "health_masked",
    }
    audit_exclude = (
        "id_number_hash",
        "id_number_masked",
        "id_tail",
        "phone_hash",
        "phone_masked",
        "phone_tail",
        "health_hash",
    )

    class Meta:
        verbose_name = _("老年人")
        verbose_name_plural = _("老年人信息台账")
        ordering = ["area_path", "name_pinyin", "id"]
        permissions = [
            ("reveal_elder", "查看身份证号、电话、健康信息明文"),
            ("export_elder", "导出老年人信息"),
            ("export_clear_elder", "导出身份证号、电话明文（须填写事由）"),
            ("import_elder", "导入老年人信息"),
        ]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="elder_area_path_idx"),
            # The search indexes (people.selectors.elder_search): each is led by the field a term
            # matches on, then the results' order (full pinyin, id), byte-ordered so that a prefix
            # is a range of the index and its entries come out in the page's order; each includes
            # the scope, the list's default filter (status) and the fields the search's earlier
            # branches test, so a page's keys and the count come from index-only scans that stop
            # after the page (see core.pagination.LateRowsQuerySet.search).
            ByteOrderIndex(
                fields=["name_initials", "name_pinyin", "id"],
                include=["area_path", "status"],
                name="elder_initials_idx",
            ),
            ByteOrderIndex(
                fields=["name_pinyin", "id"],
                include=["area_path", "status", "name_initials", "name_initials_alt"],
                name="elder_pinyin_idx",
            ),
            # The other readings: a few names in a hundred have one, so the indexes hold only those.
            ByteOrderIndex(
                fields=["name_initials_alt", "name_pinyin", "id"],
                include=["area_path", "status", "name_initials"],
                condition=~models.Q(name_initials_alt=""),
                name="elder_initials_alt_idx",
            ),
            ByteOrderIndex(
                fields=["name_pinyin_alt", "name_pinyin", "id"],
                include=["area_path", "status", "name_initials", "name_initials_alt"],
                condition=~models.Q(name_pinyin_alt=""),
                name="elder_pinyin_alt_idx",
            ),
            ByteOrderIndex(
                fields=["name", "name_pinyin", "id"], include=["area_path", "status"], name="elder_name_idx"
            ),
            # Tails and hashes are only compared for equality (plain key columns; plain indexes, without the
            # extra LIKE-pattern copies Django adds for db_index/unique CharFields, each one
            # maintained on every insert of a city-wide import).
            ByteOrderIndex(
                fields=["id_tail", "name_pinyin", "id"],
                include=["area_path", "status"],
                plain=("id_tail",),
                name="elder_id_tail_idx",
            ),
            ByteOrderIndex(
                fields=["phone_tail", "name_pinyin", "id"],
                include=["area_path", "status", "id_tail"],
                plain=("phone_tail",),
                name="elder_phone_tail_idx",
            ),
            # The list's default order within its default filter: the first page's keys are the first
            # fifty entries of the scope's range (the list bounds the area's paths as a range too:
            # LIKE alone cannot use a column in the database's collation). It carries every column the
            # list filters on, so that a filtered page and its exact count read the index alone, not a
            # street's elders scattered over the table (a street's "living alone": 156-166 to 33-35 ms).
            models.Index(
                fields=["status", "area_path", "name_pinyin", "id"],
                include=[*LIST_FILTER_FIELDS],
                name="elder_list_order_idx",
            ),
            # Ages are birth-date ranges (rolls' age tiers, statistics, the list's age filters): with the
            # scope and status beside each date, a list filtered by age counts the range alone (the
            # district's elders of 80 and over at 300,000: 60 to 13 ms).
            models.Index(fields=["birth_date"], include=["status", "area_path"], name="elder_birth_date_idx"),
            models.Index(fields=["phone_hash"], name="elder_phone_hash_idx"),
            # The living elders the state supports, a few in a hundred: the 机构养老 share counts them per
            # area from here (institutions.figures) instead of reading every elder's categories.
            models.Index(
                fields=["area_path"],
                opclasses=_PATTERN,
                include=["id"],
                condition=Q(status=ElderStatus.LIVING.value) & supported(),
                name="elder_supported_idx",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="elder_one_per_id_number")]

    def __str__(self) -> str:
        return self.name

    def set_name(self, name: str) -> None:
        """The name and its search keys (pinyin and initials, in every common reading)."""
        self.name = name
        keys = name_keys(name)
        self.name_pinyin, self.name_initials = keys.pinyin, keys.initials
        self.name_pinyin_alt, self.name_initials_alt = keys.pinyin_alt, keys.initials_alt

    # -- sensitive fields -------------------------------------------------------------------
    def set_id_number(self, parsed: IdNumber) -> None:
        protected = crypto.protect(parsed.value, crypto_mask_id(parsed.value))
        self.id_number_enc = protected.ciphertext
        self.id_number_hash = protected.digest
        self.id_number_masked = protected.masked
        self.id_tail = protected.tail

    def set_phone(self, phone: str) -> None:
        protected = crypto.protect(phone, crypto.mask_phone(phone))
        self.phone_enc = protected.ciphertext
        self.phone_hash = protected.digest
        self.phone_masked = protected.masked
        self.phone_tail = protected.tail

    def set_health(self, text: str) -> None:
        self.health_enc = crypto.encrypt(text)
        self.health_hash = crypto.note_digest(self.id_number_hash, text)

    @property
    def id_number(self) -> str:
        """Clear value; callers outside actions must go through ``elder_reveal`` so it is logged."""
        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def health(self) -> str:
        return crypto.decrypt(self.health_enc)

    @property
    def health_masked(self) -> str:
        # The audit snapshot stores this value (see ``audit_masked_fields``): it stays Chinese.
        # Pages show ``health_hint``, the same words in the user's language.
        return "已登记（需授权查看）" if self.health_enc else ""

    @property
    def health_hint(self) -> str:
        return gettext("已登记（需授权查看）") if self.health_enc else ""

    # -- derived -------------------------------------------------------------------------------
    def age_on(self, day: datetime.date) -> int:
        from yiyang.core.idnumber import age_on

        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def age_bracket(self) -> AgeBracket:
        return AgeBracket.for_age(self.age)

    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def category_labels(self) -> list[str]:
        return [str(EconomicCategory(c).label) for c in self.category_list() if c in EconomicCategory.values]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.pk

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def crypto_mask_id(value: str) -> str:
    from yiyang.core.idnumber import mask_id_number

    return mask_id_number(value)


class ElderRecord:
    """Mixin for a record about one elder (an assessment, a device, a payment suspension …).

    Its audit rows take the elder's area, so auditors see them in scope, and name the elder, so
    they reach the elder's timeline. Scoped subclasses also set ``scope_path = "elder__area_path"``.
    """

    elder: Elder
    elder_id: int

    @property
    def audit_area_path(self) -> str:
        return self.elder.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id


class CertificationQuerySet(ScopedQuerySet["Certification"]):
    def current(self, on: datetime.date | None = None) -> CertificationQuerySet:
        day = on or timezone.localdate()
        return self.filter(in_force_q(day))


class Certification(ElderRecord, TimeStampedModel):
    """经济类别认定: a dated certification such as 低保 or 特困, issued by civil affairs.

    Categories are facts with a validity period, not flags: an elder leaves 低保 on a date, and
    payment rules later ask "was this person 特困 in March?".
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="certifications"
    )
    category = models.CharField(_("类别"), max_length=16, choices=EconomicCategory.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    certified_by = models.CharField(_("认定单位"), max_length=100, blank=True)
    document_no = models.CharField(_("认定文号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager.from_queryset(CertificationQuerySet)()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("经济类别认定")
        verbose_name_plural = _("经济类别认定")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="certification_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        # Saved as the audit entry's object_repr: written in the records' language. (The label must be
        # read inside records_language: get_FOO_display() has already translated it.)
        with records_language():
            return f"{self.get_category_display()} {self.valid_from:%Y-%m-%d}–{self.valid_to or ''}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return in_force(self.valid_from, self.valid_to, day)


class ElderContact(ElderRecord, TimeStampedModel):
    """联系人: a family member, neighbour or key-holder, in the order they should be called."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=16, choices=ContactRelation.choices)
    phone_enc = models.TextField(_("电话（密文）"), blank=True)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True)
    is_emergency = models.BooleanField(_("紧急联系人"), default=True)
    is_keyholder = models.BooleanField(_("持有钥匙"), default=False)
    lives_together = models.BooleanField(_("共同居住"), default=False)
    priority = models.PositiveSmallIntegerField(_("联系顺序"), default=1)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"
    audit_masked_fields = {"phone_enc": "phone_masked"}
    audit_exclude = ("phone_masked",)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        # Saved as the audit entry's object_repr: written in the records' language.
        with records_language():
            return f"{self.name}（{self.get_relation_display()}）"

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone)
        self.phone_masked = crypto.mask_phone(phone)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)


class SavedFilter(models.Model):
    """分类台账: a named filter over the registry, e.g. 80岁以上独居 or 低保老人."""

    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    query = models.CharField(_("筛选条件"), max_length=500, help_text="URL query string of the elder list")
    owner = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("空 = 全员可用的系统台账"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("分类台账")
        verbose_name_plural = _("分类台账")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ElderStat(models.Model):
    """统计汇总: elder counts per area, age bracket and sex, kept correct by every write.

    The dashboard reads these few thousand rows instead of grouping two million elders. Actions add
    and subtract as they change an elder; imports and the daily roll-over (people age, certifications
    lapse) rebuild the affected areas in one statement. ``ElderStatState.as_of`` is the day the age
    brackets were computed for.
    """

    area_path = models.CharField(_("区域路径"), max_length=15)
    bracket = models.PositiveSmallIntegerField(_("年龄段"), choices=AgeBracket.choices)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    total = models.IntegerField(_("人数"), default=0)
    alone = models.IntegerField(_("独居"), default=0)
    empty_nest = models.IntegerField(_("空巢"), default=0)
    gugua = models.IntegerField(_("孤寡"), default=0)
    dibao = models.IntegerField(_("低保"), default=0)
    tekun = models.IntegerField(_("特困"), default=0)
    disabled = models.IntegerField(_("失能"), default=0)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(fields=["area_path", "bracket", "sex"], name="unique_elder_stat_cell")
        ]
        indexes = [models.Index(fields=["area_path"], opclasses=_PATTERN, name="elderstat_path_idx")]

    def __str__(self) -> str:
        return f"{self.area_path} {self.bracket} {self.sex}: {self.total}"


class ElderStatState(models.Model):
    """The day the statistics were computed for (one row)."""

    as_of = models.DateField(_("统计日期"))
    rebuilt_at = models.DateTimeField(_("重算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("统计状态")
        verbose_name_plural = _("统计状态")

    def __str__(self) -> str:
        return f"{self.as_of}"


class ResidencePeriod(ElderRecord, TimeStampedModel):
    """在册与户籍记录: a period in which an elder's registry status (在册 / 已故 / 迁出) and household
    registration (本区户籍 or not) were as recorded — the dated history payments are decided from.

    Rows are written by the one status action (``people.actions.elder_set_status``, whichever door
    it is called from: the elder's page, the edit form, the API, a death or move-out list) and by a
    change of 户籍 in the edit form. Periods follow each other without gap or overlap; the last one is
    open (``valid_to`` NULL). A death on day *d* ends the 在册 period on *d* − 1. An elder whose
    status and 户籍 never changed has no rows: the elder row itself is the whole history.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="residence_periods"
    )
    status = models.CharField(_("状态"), max_length=12, choices=ElderStatus.choices)
    hukou_local = models.BooleanField(_("本区户籍"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    source = models.CharField(_("登记途径"), max_length=20, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("在册与户籍记录")
        verbose_name_plural = _("在册与户籍记录")
        ordering = ["elder", "valid_from"]
        indexes = [models.Index(fields=["elder", "valid_from"], name="residence_elder_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="residence_dates_ordered",
            ),
            models.UniqueConstraint(fields=["elder", "valid_from"], name="residence_one_start_per_day"),
        ]

    def __str__(self) -> str:
        with records_language():
            hukou = "本区户籍" if self.hukou_local else "非本区户籍"
            return f"{self.get_status_display()}（{hukou}）{self.valid_from:%Y-%m-%d}–{self.valid_to or ''}"
