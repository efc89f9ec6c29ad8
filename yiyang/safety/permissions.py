"""What each role may do in safety monitoring (where is decided by area assignments).

The hotline handles alarms; street and community workers install devices, log check-ins and record
a grid worker's arrival; auditors read. Pushing device events over HTTP needs
``safety.add_deviceevent``: a device platform's account is a hotline (or district) account whose
areas bound the devices it may report for.
"""

from yiyang.accounts.roles import Role, grant

ADMIN, STREET, COMMUNITY = Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER
HOTLINE, AUDITOR = Role.HOTLINE_OPERATOR, Role.AUDITOR
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
grant([ADMIN, HOTLINE], ["safety.add_deviceevent"])
