"""Fixed vocabularies of the safety module (安全监护)."""

from __future__ import annotations

from django.db import models


class DeviceKind(models.TextChoices):
    SOS_BUTTON = "sos_button", "一键呼叫"
    FALL_DETECTOR = "fall_detector", "跌倒检测"
    SMOKE = "smoke", "烟感"
    GAS = "gas", "燃气"
    DOOR = "door", "门磁"
    WATER_METER = "water_meter", "水表"
    WRISTBAND = "wristband", "手环"


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", "在用"
    MAINTENANCE = "maintenance", "维修中"
    REMOVED = "removed", "已拆除"


class EventType(models.TextChoices):
    SOS = "sos", "紧急呼叫"
    FALL = "fall", "跌倒"
    SMOKE = "smoke", "烟雾报警"
    GAS = "gas", "燃气泄漏"
    DOOR_OPEN = "door_open", "开门"
    WATER_FLOW = "water_flow", "用水"
    HEARTBEAT = "heartbeat", "心跳"
    BATTERY = "battery", "电量"
    TEST = "test", "测试"
    GEOFENCE_EXIT = "geofence_exit", "离开安全区域"
    LOCATION = "location", "位置"
    CHECKIN = "checkin", "平安签到"


class AlarmKind(models.TextChoices):
    SOS = "sos", "紧急呼叫"
    FALL = "fall", "跌倒"
    SMOKE = "smoke", "烟雾报警"
    GAS = "gas", "燃气泄漏"
    GEOFENCE = "geofence", "离开安全区域"
    INACTIVITY = "inactivity", "长时间无活动"
    CHECKIN_MISSED = "checkin_missed", "未平安签到"


class Severity(models.TextChoices):
    URGENT = "urgent", "紧急"
    FOLLOW_UP = "follow_up", "跟进"


class AlarmStatus(models.TextChoices):
    NEW = "new", "待接警"
    ACKNOWLEDGED = "acknowledged", "已接警"
    CONTACTING = "contacting", "联系中"
    DISPATCHED = "dispatched", "已派遣"
    ON_SITE = "on_site", "已到场"
    CLOSED = "closed", "已关闭"


OPEN_STATUSES = [s for s in AlarmStatus.values if s != AlarmStatus.CLOSED]


class AlarmOutcome(models.TextChoices):
    REAL = "real", "真实警情"
    FALSE = "false", "误报"
    DEVICE_FAULT = "device_fault", "设备故障"


class DispatchTarget(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    PROVIDER = "provider", "服务商"
    EMERGENCY_120 = "120", "急救 120"
    EMERGENCY_119 = "119", "消防 119"
    EMERGENCY_110 = "110", "公安 110"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "已接通"
    NO_ANSWER = "no_answer", "无人接听"
    BUSY = "busy", "占线"
    WRONG_NUMBER = "wrong_number", "号码错误"


class CalleeKind(models.TextChoices):
    ELDER = "elder", "老人本人"
    CONTACT = "contact", "联系人"


class MaintenanceKind(models.TextChoices):
    SILENT = "silent", "设备离线"
    LOW_BATTERY = "low_battery", "电量低"
    TEST_DUE = "test_due", "超过一个月未测试"
    FAULT = "fault", "设备故障"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待处理"
    DONE = "done", "已完成"


class CheckInMethod(models.TextChoices):
    BUTTON = "button", "一键报平安"
    CALL = "call", "电话问候"
    VISIT = "visit", "上门探望"


class ElderGroup(models.TextChoices):
    """Elder categories a rule applies to; the most specific matching rule wins."""

    ALONE_80 = "alone_80", "独居 80 岁以上"
    ALONE = "alone", "独居"
    EMPTY_NEST_80 = "empty_nest_80", "空巢 80 岁以上"
    EMPTY_NEST = "empty_nest", "空巢"
    OTHER = "other", "其他"
