from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from yiyang.services.models import (
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceException,
    ServiceItem,
    Settlement,
    WorkOrder,
)


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class WorkOrderTable(tables.Table):
    number = tables.Column("工单号")
    elder = tables.Column("老年人", accessor="elder__name", order_by=("elder__name_pinyin",))
    area = tables.Column("社区", accessor="elder__area__name", orderable=False)
    item = tables.Column("服务项目", accessor="item__name")
    scheduled_start = tables.Column("预约时间")
    urgency = tables.Column("紧急")
    status = tables.Column("状态")
    provider = tables.Column("服务商", accessor="provider__name", default="—")
    worker = tables.Column("助老员", accessor="worker__name", default="—")
    response_due = tables.Column("响应时限")

    class Meta:
        model = WorkOrder
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_number(self, value: str, record: WorkOrder) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("services:workorder_detail", args=[record.pk]), value
        )

    def render_scheduled_start(self, value: Any) -> str:
        return _when(value)

    def render_response_due(self, value: Any, record: WorkOrder) -> str:
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger">超时 {}</span>', _when(value))
        return _when(value) if record.status in ("new", "dispatched", "accepted") else "—"

    def render_status(self, value: str, record: WorkOrder) -> str:
        tone = {"verified": "success", "cancelled": "secondary", "new": "info", "completed": "warning"}.get(
            record.status, "primary"
        )
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class ExceptionTable(tables.Table):
    created_at = tables.Column("发现时间")
    kind = tables.Column("异常类型")
    order = tables.Column("工单", accessor="work_order__number")
    elder = tables.Column("老年人", accessor="work_order__elder__name")
    provider = tables.Column("服务商", accessor="provider__name", default="—")
    detail = tables.Column("情况")
    status = tables.Column("处理状态")
    resolution = tables.Column("处理说明")

    class Meta:
        model = ServiceException
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_created_at(self, value: Any) -> str:
        return _when(value)

    def render_order(self, value: str, record: ServiceException) -> str:
        return format_html(
            '<a href="{}#exceptions">{}</a>',
            reverse("services:workorder_detail", args=[record.work_order_id]),
            value,
        )

    def render_status(self, value: str, record: ServiceException) -> str:
        tone = {"open": "danger", "confirmed": "dark", "dismissed": "success"}[record.status]
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class ReturnCallTable(tables.Table):
    due_date = tables.Column("应回访日期")
    elder = tables.Column("老年人", accessor="visit__elder__name")
    item = tables.Column("服务项目", accessor="visit__item__name")
    provider = tables.Column("服务商", accessor="provider__name")
    called_at = tables.Column("回访时间", default="待回访")
    satisfied = tables.BooleanColumn("满意")
    complaint = tables.BooleanColumn("投诉")
    note = tables.Column("记录")

    class Meta:
        model = ReturnCall
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_elder(self, value: str, record: ReturnCall) -> str:
        return format_html(
            '<a href="{}#returncall">{}</a>',
            reverse("services:workorder_detail", args=[record.visit.work_order_id]),
            value,
        )

    def render_called_at(self, value: Any) -> str:
        return _when(value)


class SettlementTable(tables.Table):
    month = tables.Column("月份")
    provider = tables.Column("服务商", accessor="provider__name")
    street = tables.Column("街道", accessor="street__name")
    visit_count = tables.Column("服务人次")
    gross_amount = tables.Column("服务总额（元）")
    elder_share = tables.Column("个人自付（元）")
    payable = tables.Column("应结算（元）")
    status = tables.Column("状态")

    class Meta:
        model = Settlement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_month(self, value: Any, record: Settlement) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("services:settlement_detail", args=[record.pk]), f"{value:%Y-%m}"
        )


class ProviderTable(tables.Table):
    name = tables.Column("服务商名称")
    kind = tables.Column("机构类型")
    contact_name = tables.Column("联系人")
    contact_phone = tables.Column("联系电话")
    is_active = tables.BooleanColumn("有效")

    class Meta:
        model = Provider
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_name(self, value: str, record: Provider) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("services:provider_detail", args=[record.pk]), value
        )


class ServiceItemTable(tables.Table):
    code = tables.Column("编码")
    name = tables.Column("项目名称")
    category = tables.Column("类别")
    unit = tables.Column("单位")
    price = tables.Column("指导价（元）")
    payment_mode = tables.Column("付费方式")
    valid_from = tables.Column("生效日期")
    valid_to = tables.Column("失效日期", default="—")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ServiceItem
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_edit(self, record: ServiceItem) -> str:
        request = getattr(self, "request", None)
        if request is None or not request.user.has_perm("services.change_serviceitem"):
            return ""
        return format_html('<a href="{}">编辑</a>', reverse("services:serviceitem_edit", args=[record.pk]))


class RecurringPlanTable(tables.Table):
    elder = tables.Column("老年人", accessor="elder__name")
    item = tables.Column("服务项目", accessor="item__name")
    schedule = tables.Column("时间", empty_values=(), orderable=False)
    provider = tables.Column("服务商", accessor="provider__name", default="—")
    worker = tables.Column("助老员", accessor="worker__name", default="—")
    valid_from = tables.Column("开始")
    valid_to = tables.Column("结束", default="—")
    is_active = tables.BooleanColumn("有效")

    class Meta:
        model = RecurringPlan
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_schedule(self, record: RecurringPlan) -> str:
        days = "、".join("一二三四五六日"[d - 1] for d in record.weekday_list())
        return f"每周{days} {record.start_time:%H:%M}（{record.minutes}分钟）"

    def render_elder(self, value: str, record: RecurringPlan) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("services:recurringplan_edit", args=[record.pk]), value
        )
