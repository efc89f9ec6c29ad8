from django.urls import path

from yiyang.safety import views

app_name = "safety"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/list/", views.board_list, name="board_list"),
    path("alarms/", views.AlarmListView.as_view(), name="alarm_list"),
    path("alarms/<int:pk>/", views.AlarmDetailView.as_view(), name="alarm_detail"),
    path("alarms/<int:pk>/panel/", views.AlarmPanelView.as_view(), name="alarm_panel"),
    path(
        "alarms/<int:pk>/acknowledge/",
        views.AlarmActionView.as_view(step="acknowledge"),
        name="alarm_acknowledge",
    ),
    path("alarms/<int:pk>/contact/", views.AlarmActionView.as_view(step="contact"), name="alarm_contact"),
    path("alarms/<int:pk>/dispatch/", views.AlarmActionView.as_view(step="dispatch"), name="alarm_dispatch"),
    path("alarms/<int:pk>/arrive/", views.AlarmActionView.as_view(step="arrive"), name="alarm_arrive"),
    path("alarms/<int:pk>/close/", views.AlarmActionView.as_view(step="close"), name="alarm_close"),
    path("contacts/<int:pk>/reveal/", views.ContactRevealView.as_view(), name="contact_reveal"),
    path("devices/", views.DeviceListView.as_view(), name="device_list"),
    path("devices/add/", views.DeviceEditView.as_view(), name="device_add"),
    path("devices/<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
    path("devices/<int:pk>/edit/", views.DeviceEditView.as_view(), name="device_edit"),
    path("devices/<int:pk>/tests/add/", views.DeviceTestAddView.as_view(), name="devicetest_add"),
    path("events/", views.DeviceEventListView.as_view(), name="deviceevent_list"),
    path("rejected/", views.RejectedMessageListView.as_view(), name="rejected_list"),
    path("tasks/", views.MaintenanceTaskListView.as_view(), name="maintenancetask_list"),
    path("tasks/<int:pk>/close/", views.MaintenanceTaskCloseView.as_view(), name="maintenancetask_close"),
    path("checkins/", views.checkin_today, name="checkin_today"),
    path("checkins/<int:elder_pk>/record/", views.checkin_record, name="checkin_record"),
    path("rules/", views.RuleConfigListView.as_view(), name="ruleconfig_list"),
    path("rules/add/", views.RuleConfigEditView.as_view(), name="ruleconfig_add"),
    path("rules/<int:pk>/edit/", views.RuleConfigEditView.as_view(), name="ruleconfig_edit"),
    path("sla/", views.sla, name="sla"),
]
