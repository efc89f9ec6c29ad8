from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from yiyang.core.tables import ElderColumn
from yiyang.services.models import (
    Entitlement,
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Worker,
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


def _edit_link(table: tables.Table, perm: str, url_name: str, pk: int) -> str:
    request = getattr(table, "request", None)
    if request is None or not request.user.has_perm(perm):
        return ""
    return format_html('<a href="{}">编辑</a>', reverse(url_name, args=[pk]))


def _provider_link(record: Any) -> str:
    if record.provider_id is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("services:provider_detail", args=[record.provider_id]), record.provider
    )


class ServiceAgreementTable(tables.Table):
    number = tables.Column("协议编号")
    provider = tables.Column("服务商", accessor="provider__name")
    valid_from = tables.Column("生效日期")
    valid_to = tables.Column("到期日期", default="长期")
    areas = tables.Column("服务区域", empty_values=(), orderable=False)
    items = tables.Column("项目与协议价", empty_values=(), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ServiceAgreement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_provider(self, value: str, record: ServiceAgreement) -> str:
        return _provider_link(record)

    def render_areas(self, record: ServiceAgreement) -> str:
        return "、".join(a.name for a in record.areas.all()) or "—"

    def render_items(self, record: ServiceAgreement) -> str:
        return "；".join(f"{i.item.name} ¥{i.price:.2f}" for i in record.items.all()) or "—"

    def render_edit(self, record: ServiceAgreement) -> str:
        return _edit_link(
            self, "services.change_serviceagreement", "services:serviceagreement_edit", record.pk
        )


class ServicePointTable(tables.Table):
    name = tables.Column("名称")
    kind = tables.Column("类型")
    provider = tables.Column("服务商", accessor="provider__name", default="—")
    area = tables.Column("所在社区", accessor="area__name")
    address = tables.Column("地址")
    location = tables.Column("坐标", empty_values=(), orderable=False)
    is_active = tables.BooleanColumn("有效")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ServicePoint
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_provider(self, value: str, record: ServicePoint) -> str:
        return _provider_link(record)

    def render_location(self, record: ServicePoint) -> str:
        return f"{record.latitude:.5f}, {record.longitude:.5f}"

    def render_edit(self, record: ServicePoint) -> str:
        return _edit_link(self, "services.change_servicepoint", "services:servicepoint_edit", record.pk)


class WorkerTable(tables.Table):
    name = tables.Column("姓名")
    provider = tables.Column("服务商", accessor="provider__name")
    phone_masked = tables.Column("手机号")
    qualifications = tables.Column("资质", empty_values=(), orderable=False)
    capacity_per_day = tables.Column("每日可接单")
    account = tables.Column("登录账号", accessor="user__username", default="—")
    is_active = tables.BooleanColumn("在岗")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = Worker
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_provider(self, value: str, record: Worker) -> str:
        return _provider_link(record)

    def render_qualifications(self, record: Worker) -> str:
        today = timezone.localdate()
        parts = []
        for q in record.qualifications.all():
            lapsed = q.valid_to is not None and q.valid_to < today
            label = q.get_category_display() + (f"（至{q.valid_to:%Y-%m-%d}）" if q.valid_to else "")
            parts.append(
                format_html('<span class="text-decoration-line-through">{}</span>', label)
                if lapsed
                else label
            )
        return format_html("、".join(["{}"] * len(parts)), *parts) if parts else "—"

    def render_edit(self, record: Worker) -> str:
        return _edit_link(self, "services.change_worker", "services:worker_edit", record.pk)


class EntitlementTable(tables.Table):
    elder = ElderColumn(order_by=("elder__name_pinyin",))
    id_number = tables.Column("身份证号", accessor="elder__id_number_masked", orderable=False)
    area = tables.Column("社区", accessor="elder__area__name", orderable=False)
    programme = tables.Column("项目名称")
    quota = tables.Column("每月额度", accessor="monthly_quota")
    copay_rate = tables.Column("个人自付比例")
    valid_from = tables.Column("生效日期")
    valid_to = tables.Column("终止日期", default="长期")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = Entitlement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_quota(self, value: Any, record: Entitlement) -> str:
        return f"{value:.2f} {'小时' if record.unit == 'hours' else '元'}"

    def render_copay_rate(self, value: Any) -> str:
        return f"{value * 100:.0f}%"

    def render_edit(self, record: Entitlement) -> str:
        return _edit_link(self, "services.change_entitlement", "services:entitlement_edit", record.pk)
