from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    "安全监护",
    "shield",
    30,
    [
        MenuItem("告警看板", "safety:board", "safety.view_alarm", "broadcast"),
        MenuItem("告警记录", "safety:alarm_list", "safety.view_alarm", "bell"),
        MenuItem("设备台账", "safety:device_list", "safety.view_device", "router"),
        MenuItem("维护任务", "safety:maintenancetask_list", "safety.view_maintenancetask", "tools"),
        MenuItem("平安签到", "safety:checkin_today", "safety.view_checkin", "check2-circle"),
        MenuItem("服务水平", "safety:sla", "safety.view_alarm", "speedometer2"),
        MenuItem("设备事件", "safety:deviceevent_list", "safety.view_deviceevent", "activity"),
        MenuItem("拒收报文", "safety:rejected_list", "safety.view_rejectedmessage", "exclamation-octagon"),
        MenuItem("监护规则", "safety:ruleconfig_list", "safety.view_ruleconfig", "sliders"),
    ],
)
