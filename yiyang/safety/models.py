"""Safety monitoring (安全监护): devices in elders' homes, their events, alarms and the hotline's work.

Devices report over MQTT or HTTP; every message is either a :class:`DeviceEvent` (stored once per
message id, so a redelivered message changes nothing) or a :class:`RejectedMessage` with the reason.
Rules turn events into :class:`Alarm` rows (one open alarm per device and kind: a flood folds into it)
or :class:`MaintenanceTask` rows (a silent device or a flat battery is work for the installer, not an
emergency). Rule thresholds that vary per elder category are rows of :class:`RuleConfig`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.dated import in_force_q
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager, ScopedQuerySet
from yiyang.people.models import Elder, ElderContact, ElderRecord
from yiyang.safety.choices import (
    AlarmKind,
    AlarmOutcome,
    AlarmStatus,
    CalleeKind,
    CallOutcome,
    CheckInMethod,
    DeviceKind,
    DeviceStatus,
    DispatchTarget,
    ElderGroup,
    EventType,
    MaintenanceKind,
    Severity,
    TaskStatus,
)


class Device(ElderRecord, TimeStampedModel):
    """智能安全设备: one device installed in an elder's home (一键呼叫, 烟感, 水表 …).

    ``last_seen_at`` is the last message of any kind; ``last_activity_at`` the last sign of life of
    the elder that this device observes (water used for a water meter, door opened for a door
    sensor), which the inactivity rule reads.
    """

    serial = models.CharField(_("设备序列号"), max_length=64, unique=True)
    kind = models.CharField(_("设备类型"), max_length=16, choices=DeviceKind.choices)
    device_model = models.CharField(_("型号"), max_length=64, blank=True)
    elder = models.ForeignKey(
        Elder, verbose_name=_("安装老人"), on_delete=models.PROTECT, related_name="devices"
    )
    installer = models.CharField(_("安装人/单位"), max_length=100, blank=True)
    installed_on = models.DateField(_("安装日期"), default=timezone.localdate)
    battery = models.PositiveSmallIntegerField(_("电量%"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近通信"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("最近活动"), null=True, blank=True)
    last_tested_on = models.DateField(_("最近测试"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE
    )
    geofence_radius_m = models.PositiveIntegerField(_("电子围栏半径(米)"), null=True, blank=True)
    # The fence's centre (WGS-84); empty means the elder's home (Elder.latitude/longitude), which is
    # right for most wristbands. A day-care centre or a relative's home is set here instead.
    geofence_latitude = models.FloatField(_("围栏中心纬度"), null=True, blank=True)
    geofence_longitude = models.FloatField(_("围栏中心经度"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("安全设备")
        verbose_name_plural = _("安全设备")
        permissions = [("export_device", "导出设备台账")]
        ordering = ["-installed_on", "serial"]
        indexes = [
            models.Index(fields=["elder", "kind"], name="device_elder_kind_idx"),
        ]
        # No index may contain last_seen_at, battery or last_activity_at: ingestion rewrites them a
        # thousand times a second, and on PostgreSQL an update that touches no indexed column (and
        # finds room on its page: fillfactor 80, migration 0003) is a HOT update that writes no index.
        # The silent-device check compares COALESCE(last_seen_at, created_at), which no index serves.

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"

    def get_absolute_url(self) -> str:
        return reverse("safety:device_detail", args=[self.pk])


class DeviceTest(models.Model):
    """设备月度测试: one test of a device (press the button, smoke the sensor), pass or fail."""

    device = models.ForeignKey(Device, verbose_name=_("设备"), on_delete=models.CASCADE, related_name="tests")
    tested_on = models.DateField(_("测试日期"), default=timezone.localdate)
    passed = models.BooleanField(_("测试通过"), default=True)
    tested_by = models.CharField(_("测试人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "device__elder__area_path"

    class Meta:
        verbose_name = _("设备测试")
        verbose_name_plural = _("设备测试")
        ordering = ["-tested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.device.serial} {self.tested_on:%Y-%m-%d} {gettext('通过') if self.passed else gettext('未通过')}"

    @property
    def audit_area_path(self) -> str:
        return self.device.elder.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.device.elder_id


class DeviceEvent(models.Model):
    """设备事件: one message from a device, stored once per message id with its raw payload."""

    message_id = models.CharField(_("消息编号"), max_length=64)
    # No index of its own: ``event_device_ts_idx`` starts with the device. Every index here is paid
    # for on each of a thousand inserts a second.
    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="device_events"
    )
    type = models.CharField(_("事件类型"), max_length=16, choices=EventType.choices)
    ts = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"))
    value = models.JSONField(_("数值"), null=True, blank=True)
    battery = models.PositiveSmallIntegerField(_("电量%"), null=True, blank=True)
    topic = models.CharField(_("主题/来源"), max_length=200, blank=True)
    raw = models.TextField(_("原始报文"))
    alarm = models.ForeignKey(
        "Alarm",
        verbose_name=_("告警"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("设备事件")
        verbose_name_plural = _("设备事件")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["device", "-ts"], name="event_device_ts_idx"),
            models.Index(fields=["-received_at"], name="event_received_idx"),
        ]
        # A constraint rather than ``unique=True``, which on PostgreSQL adds a second (LIKE) index
        # that nothing uses. Ingestion's ON CONFLICT (message_id) relies on this one.
        constraints = [models.UniqueConstraint(fields=["message_id"], name="event_message_id_uniq")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.device_id} {self.ts:%Y-%m-%d %H:%M:%S}"


class RejectedMessage(models.Model):
    """拒收报文: a message that could not be stored (malformed, unknown device) with the reason."""

    received_at = models.DateTimeField(_("接收时间"), default=timezone.now, db_index=True)
    topic = models.CharField(_("主题/来源"), max_length=200, blank=True)
    serial = models.CharField(_("设备序列号"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    raw = models.TextField(_("原始报文"))

    objects = ScopedManager()
    scope_path = None  # it has no elder, so no area: the permission alone decides

    class Meta:
        verbose_name = _("拒收报文")
        verbose_name_plural = _("拒收报文")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason}"


class RuleConfigQuerySet(ScopedQuerySet["RuleConfig"]):
    def current(self, on: datetime.date | None = None) -> RuleConfigQuerySet:
        day = on or timezone.localdate()
        return self.filter(in_force_q(day))


class RuleConfig(TimeStampedModel):
    """监护规则: thresholds for one elder category, with effective dates (rules as data).

    E.g. 独居 80 岁以上: an alarm when no water was used for 12 hours and the door was not opened for
    24 hours; a daily check-in (平安签到) expected by 10:00.
    """

    group = models.CharField(_("适用人群"), max_length=16, choices=ElderGroup.choices)
    no_water_hours = models.PositiveSmallIntegerField(_("无用水告警(小时)"), default=24)
    no_door_hours = models.PositiveSmallIntegerField(_("未开门告警(小时)"), default=48)
    checkin_required = models.BooleanField(_("需每日平安签到"), default=False)
    checkin_by = models.TimeField(_("签到截止时间"), default=datetime.time(10, 0))
    valid_from = models.DateField(_("生效日期"), default=datetime.date(2020, 1, 1))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    objects = ScopedManager.from_queryset(RuleConfigQuerySet)()
    scope_path = None  # the bureau's rules: the permission alone decides

    class Meta:
        verbose_name = _("监护规则")
        verbose_name_plural = _("监护规则")
        ordering = ["group", "-valid_from"]

    def __str__(self) -> str:
        return gettext("%(group)s：无用水 %(water)s 小时 / 未开门 %(door)s 小时") % {
            "group": self.get_group_display(),
            "water": self.no_water_hours,
            "door": self.no_door_hours,
        }

    def get_absolute_url(self) -> str:
        return reverse("safety:ruleconfig_list")


class Alarm(ElderRecord, TimeStampedModel):
    """告警: one emergency (or follow-up) to be handled by the hotline, from raising to closing.

    ``fold_key`` names the device (or elder) and kind: while an alarm with that key is open, further
    events of that kind fold into it (``event_count``, ``last_event_at``) instead of raising new
    ones, and a partial unique index makes that hold even for two listeners at once.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="alarms"
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("设备"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    kind = models.CharField(_("告警类型"), max_length=16, choices=AlarmKind.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.URGENT)
    status = models.CharField(_("状态"), max_length=14, choices=AlarmStatus.choices, default=AlarmStatus.NEW)
    fold_key = models.CharField(_("合并键"), max_length=64, editable=False)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("告警时间"), default=timezone.now, db_index=True)
    event_ts = models.DateTimeField(_("设备事件时间"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("事件次数"), default=1)
    last_event_at = models.DateTimeField(_("最近事件"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("接警时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接警人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contacting_at = models.DateTimeField(_("开始联系时间"), null=True, blank=True)
    reached_at = models.DateTimeField(_("联系上时间"), null=True, blank=True)
    elder_reached_at = models.DateTimeField(_("联系上老人时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    dispatch_target = models.CharField(
        _("派遣对象"), max_length=12, choices=DispatchTarget.choices, blank=True
    )
    dispatch_to = models.CharField(_("派遣人员/单位"), max_length=100, blank=True)
    on_site_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("处置结果"), max_length=14, choices=AlarmOutcome.choices, blank=True)
    notes = models.TextField(_("处置记录"), blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("告警")
        verbose_name_plural = _("告警")
        permissions = [("export_alarm", "导出告警与服务水平统计")]
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fold_key"], condition=Q(closed_at__isnull=True), name="one_open_alarm_per_fold_key"
            )
        ]
        indexes = [models.Index(fields=["status", "raised_at"], name="alarm_status_raised_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("safety:alarm_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def seconds_between(self, start: str, end: str) -> float | None:
        a, b = getattr(self, start), getattr(self, end)
        return (b - a).total_seconds() if a and b else None

    @property
    def overdue(self) -> bool:
        """Not acknowledged within the service level (shown at once, before the job records it)."""
        if self.status != AlarmStatus.NEW or self.severity != Severity.URGENT:
            return False
        limit = datetime.timedelta(seconds=settings.SAFETY_ACK_TIMEOUT_SECONDS)
        return self.escalated_at is not None or timezone.now() - self.raised_at > limit


class AlarmCall(models.Model):
    """告警回拨记录: one call made while handling an alarm, to the elder or a contact, in order."""

    alarm = models.ForeignKey(Alarm, verbose_name=_("告警"), on_delete=models.CASCADE, related_name="calls")
    callee_kind = models.CharField(_("对象"), max_length=8, choices=CalleeKind.choices)
    contact = models.ForeignKey(
        ElderContact,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callee_name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=20, blank=True)
    is_keyholder = models.BooleanField(_("持有钥匙"), default=False)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True)
    outcome = models.CharField(_("结果"), max_length=14, choices=CallOutcome.choices)
    called_at = models.DateTimeField(_("通话时间"), default=timezone.now)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "alarm__elder__area_path"

    class Meta:
        verbose_name = _("告警回拨记录")
        verbose_name_plural = _("告警回拨记录")
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return f"{self.callee_name} {self.get_outcome_display()}"


class MaintenanceTask(TimeStampedModel):
    """设备维护任务: a device gone silent, a flat battery or a failed test — work for the installer."""

    device = models.ForeignKey(Device, verbose_name=_("设备"), on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("类型"), max_length=12, choices=MaintenanceKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("处理说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "device__elder__area_path"

    class Meta:
        verbose_name = _("设备维护任务")
        verbose_name_plural = _("设备维护任务")
        ordering = ["status", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "kind"], condition=Q(status="open"), name="one_open_task_per_device_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.device.serial}"

    @property
    def audit_area_path(self) -> str:
        return self.device.elder.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.device.elder_id


class CheckIn(ElderRecord, models.Model):
    """平安签到: an elder living alone is known to be fine today (button press, call or visit)."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField(_("日期"))
    at = models.DateTimeField(_("签到时间"), default=timezone.now)
    method = models.CharField(_("方式"), max_length=8, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("平安签到")
        verbose_name_plural = _("平安签到")
        ordering = ["-day", "-at"]
        constraints = [models.UniqueConstraint(fields=["elder", "day"], name="one_checkin_per_elder_day")]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.day:%Y-%m-%d} {self.get_method_display()}"
