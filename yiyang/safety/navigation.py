from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("安全监护"),
    "shield",
    30,
    [
        MenuItem(_("告警看板"), "safety:board", "safety.view_alarm", "broadcast"),
        MenuItem(_("告警记录"), "safety:alarm_list", "safety.view_alarm", "bell"),
        MenuItem(_("设备台账"), "safety:device_list", "safety.view_device", "router"),
        MenuItem(_("维护任务"), "safety:maintenancetask_list", "safety.view_maintenancetask", "tools"),
        MenuItem(_("平安签到"), "safety:checkin_today", "safety.view_checkin", "check2-circle"),
        MenuItem(_("服务水平"), "safety:sla", "safety.view_alarm", "speedometer2"),
        MenuItem(_("设备事件"), "safety:deviceevent_list", "safety.view_deviceevent", "activity"),
        MenuItem(_("拒收报文"), "safety:rejected_list", "safety.view_rejectedmessage", "exclamation-octagon"),
        MenuItem(_("监护规则"), "safety:ruleconfig_list", "safety.view_ruleconfig", "sliders"),
    ],
)
