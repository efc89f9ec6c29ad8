"""What each role may do in safety monitoring (where is decided by area assignments).

The hotline handles alarms; street and community workers install devices, log check-ins and record
a grid worker's arrival; auditors read. Pushing device events over HTTP needs
``safety.add_deviceevent``. A device vendor's platform gets an account of its own role, 设备平台,
which may do that and nothing else: it reads no elder, device, event or alarm (least privilege for
a machine credential that lives on someone else's server); its areas bound the devices it may
report for.
"""

from yiyang.accounts.roles import Role, grant

ADMIN, STREET, COMMUNITY = Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER
HOTLINE, AUDITOR = Role.HOTLINE_OPERATOR, Role.AUDITOR
PLATFORM = Role.DEVICE_PLATFORM
STAFF = [ADMIN, STREET, COMMUNITY]
READERS = [ADMIN, STREET, COMMUNITY, HOTLINE, AUDITOR]

grant(
    READERS,
    [
        "safety.view_device",
        "safety.view_devicetest",
        "safety.view_deviceevent",
        "safety.view_alarm",
        "safety.view_alarmcall",
        "safety.view_maintenancetask",
        "safety.view_checkin",
        "safety.view_ruleconfig",
    ],
)
grant(
    STAFF,
    [
        "safety.add_device",
        "safety.change_device",
        "safety.add_devicetest",
        "safety.change_maintenancetask",
        "safety.export_device",
    ],
)
grant([ADMIN], ["safety.delete_device", "safety.add_ruleconfig", "safety.change_ruleconfig"])
grant(
    [ADMIN, STREET, COMMUNITY, HOTLINE], ["safety.change_alarm", "safety.add_alarmcall", "safety.add_checkin"]
)
grant([ADMIN, STREET, HOTLINE, AUDITOR], ["safety.export_alarm"])
grant([ADMIN, HOTLINE, AUDITOR], ["safety.view_rejectedmessage"])
grant([ADMIN, HOTLINE, PLATFORM], ["safety.add_deviceevent"])
