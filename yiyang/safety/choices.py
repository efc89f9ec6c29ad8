"""Fixed vocabularies of the safety module (安全监护)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    SOS_BUTTON = "sos_button", _("一键呼叫")
    FALL_DETECTOR = "fall_detector", _("跌倒检测")
    SMOKE = "smoke", _("烟感")
    GAS = "gas", _("燃气")
    DOOR = "door", _("门磁")
    WATER_METER = "water_meter", _("水表")
    WRISTBAND = "wristband", _("手环")


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    MAINTENANCE = "maintenance", _("维修中")
    REMOVED = "removed", _("已拆除")


class EventType(models.TextChoices):
    SOS = "sos", _("紧急呼叫")
    FALL = "fall", _("跌倒")
    SMOKE = "smoke", _("烟雾报警")
    GAS = "gas", _("燃气泄漏")
    DOOR_OPEN = "door_open", _("开门")
    WATER_FLOW = "water_flow", _("用水")
    HEARTBEAT = "heartbeat", _("心跳")
    BATTERY = "battery", _("电量")
    TEST = "test", _("测试")
    GEOFENCE_EXIT = "geofence_exit", _("离开安全区域")
    LOCATION = "location", _("位置")
    CHECKIN = "checkin", _("平安签到")


class AlarmKind(models.TextChoices):
    SOS = "sos", _("紧急呼叫")
    FALL = "fall", _("跌倒")
    SMOKE = "smoke", _("烟雾报警")
    GAS = "gas", _("燃气泄漏")
    GEOFENCE = "geofence", _("离开安全区域")
    INACTIVITY = "inactivity", _("长时间无活动")
    CHECKIN_MISSED = "checkin_missed", _("未平安签到")


class Severity(models.TextChoices):
    URGENT = "urgent", _("紧急")
    FOLLOW_UP = "follow_up", _("跟进")


class AlarmStatus(models.TextChoices):
    NEW = "new", _("待接警")
    ACKNOWLEDGED = "acknowledged", _("已接警")
    CONTACTING = "contacting", _("联系中")
    DISPATCHED = "dispatched", _("已派遣")
    ON_SITE = "on_site", _("已到场")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = [s for s in AlarmStatus.values if s != AlarmStatus.CLOSED]


class AlarmOutcome(models.TextChoices):
    REAL = "real", _("真实警情")
    FALSE = "false", _("误报")
    DEVICE_FAULT = "device_fault", _("设备故障")


class DispatchTarget(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    PROVIDER = "provider", _("服务商")
    EMERGENCY_120 = "120", _("急救 120")
    EMERGENCY_119 = "119", _("消防 119")
    EMERGENCY_110 = "110", _("公安 110")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("已接通")
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线")
    WRONG_NUMBER = "wrong_number", _("号码错误")


class CalleeKind(models.TextChoices):
    ELDER = "elder", _("老人本人")
    CONTACT = "contact", _("联系人")


class MaintenanceKind(models.TextChoices):
    SILENT = "silent", _("设备离线")
    LOW_BATTERY = "low_battery", _("电量低")
    TEST_DUE = "test_due", _("超过一个月未测试")
    FAULT = "fault", _("设备故障")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已完成")


class CheckInMethod(models.TextChoices):
    BUTTON = "button", _("一键报平安")
    CALL = "call", _("电话问候")
    VISIT = "visit", _("上门探望")


class ElderGroup(models.TextChoices):
    """Elder categories a rule applies to; the most specific matching rule wins."""

    ALONE_80 = "alone_80", _("独居 80 岁以上")
    ALONE = "alone", _("独居")
    EMPTY_NEST_80 = "empty_nest_80", _("空巢 80 岁以上")
    EMPTY_NEST = "empty_nest", _("空巢")
    OTHER = "other", _("其他")
