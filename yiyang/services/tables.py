from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from yiyang.core.links import record_url
from yiyang.core.tables import CountColumn, ElderColumn, MoneyColumn, edit_link, permitted_link
from yiyang.services.choices import weekdays_text
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
    number = tables.Column(gettext_lazy("工单号"))
    elder = tables.Column(gettext_lazy("老年人"), accessor="elder__name", order_by=("elder__name_pinyin",))
    area = tables.Column(gettext_lazy("社区"), accessor="elder__area__name", orderable=False)
    item = tables.Column(gettext_lazy("服务项目"), accessor="item__name")
    scheduled_start = tables.Column(gettext_lazy("预约时间"))
    urgency = tables.Column(gettext_lazy("紧急"))
    status = tables.Column(gettext_lazy("状态"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name", default="—")
    worker = tables.Column(gettext_lazy("助老员"), accessor="worker__name", default="—")
    response_due = tables.Column(gettext_lazy("响应时限"))

    class Meta:
        model = WorkOrder
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_number(self, value: str, record: WorkOrder) -> str:
        return format_html('<a href="{}">{}</a>', record_url("services:workorder_detail", record.pk), value)

    def render_scheduled_start(self, value: Any) -> str:
        return _when(value)

    def render_response_due(self, value: Any, record: WorkOrder) -> str:
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger">{} {}</span>', _("超时"), _when(value))
        return _when(value) if record.status in ("new", "dispatched", "accepted") else "—"

    def render_status(self, value: str, record: WorkOrder) -> str:
        tone = {"verified": "success", "cancelled": "secondary", "new": "info", "completed": "warning"}.get(
            record.status, "primary"
        )
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class ExceptionTable(tables.Table):
    created_at = tables.Column(gettext_lazy("发现时间"))
    kind = tables.Column(gettext_lazy("异常类型"))
    order = tables.Column(gettext_lazy("工单"), accessor="work_order__number")
    elder = tables.Column(gettext_lazy("老年人"), accessor="work_order__elder__name")
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name", default="—")
    detail = tables.Column(gettext_lazy("情况"))
    status = tables.Column(gettext_lazy("处理状态"))
    resolution = tables.Column(gettext_lazy("处理说明"))

    class Meta:
        model = ServiceException
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_created_at(self, value: Any) -> str:
        return _when(value)

    def render_order(self, value: str, record: ServiceException) -> str:
        return format_html(
            '<a href="{}#exceptions">{}</a>',
            record_url("services:workorder_detail", record.work_order_id),
            value,
        )

    def render_status(self, value: str, record: ServiceException) -> str:
        tone = {"open": "danger", "confirmed": "dark", "dismissed": "success"}[record.status]
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class ReturnCallTable(tables.Table):
    due_date = tables.Column(gettext_lazy("应回访日期"))
    elder = tables.Column(gettext_lazy("老年人"), accessor="visit__elder__name")
    item = tables.Column(gettext_lazy("服务项目"), accessor="visit__item__name")
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name")
    called_at = tables.Column(gettext_lazy("回访时间"), default=gettext_lazy("待回访"))
    satisfied = tables.BooleanColumn(gettext_lazy("满意"))
    complaint = tables.BooleanColumn(gettext_lazy("投诉"))
    note = tables.Column(gettext_lazy("记录"))

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
    month = tables.Column(gettext_lazy("月份"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name")
    street = tables.Column(gettext_lazy("街道"), accessor="street__name")
    visit_count = CountColumn(gettext_lazy("服务人次"))
    gross_amount = MoneyColumn(gettext_lazy("服务总额（元）"))
    elder_share = MoneyColumn(gettext_lazy("个人自付（元）"))
    payable = MoneyColumn(gettext_lazy("应结算（元）"))
    status = tables.Column(gettext_lazy("状态"))

    class Meta:
        model = Settlement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_month(self, value: Any, record: Settlement) -> str:
        return format_html(
            '<a href="{}">{}</a>', record_url("services:settlement_detail", record.pk), f"{value:%Y-%m}"
        )


class ProviderTable(tables.Table):
    name = tables.Column(gettext_lazy("服务商名称"))
    kind = tables.Column(gettext_lazy("机构类型"))
    contact_name = tables.Column(gettext_lazy("联系人"))
    contact_phone = tables.Column(gettext_lazy("联系电话"))
    is_active = tables.BooleanColumn(gettext_lazy("有效"))

    class Meta:
        model = Provider
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_name(self, value: str, record: Provider) -> str:
        return format_html('<a href="{}">{}</a>', record_url("services:provider_detail", record.pk), value)


class ServiceItemTable(tables.Table):
    code = tables.Column(gettext_lazy("编码"))
    name = tables.Column(gettext_lazy("项目名称"))
    category = tables.Column(gettext_lazy("类别"))
    unit = tables.Column(pgettext_lazy("measure", "单位"))
    price = MoneyColumn(gettext_lazy("指导价（元）"))
    payment_mode = tables.Column(gettext_lazy("付费方式"))
    valid_from = tables.Column(gettext_lazy("生效日期"))
    valid_to = tables.Column(gettext_lazy("失效日期"), default="—")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ServiceItem
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_edit(self, record: ServiceItem) -> str:
        return edit_link(self, "services:serviceitem_edit", record.pk)


class RecurringPlanTable(tables.Table):
    elder = tables.Column(gettext_lazy("老年人"), accessor="elder__name")
    item = tables.Column(gettext_lazy("服务项目"), accessor="item__name")
    schedule = tables.Column(gettext_lazy("时间"), empty_values=(), orderable=False)
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name", default="—")
    worker = tables.Column(gettext_lazy("助老员"), accessor="worker__name", default="—")
    valid_from = tables.Column(gettext_lazy("开始"))
    valid_to = tables.Column(gettext_lazy("结束"), default="—")
    is_active = tables.BooleanColumn(gettext_lazy("有效"))

    class Meta:
        model = RecurringPlan
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_schedule(self, record: RecurringPlan) -> str:
        return _("每周%(days)s %(time)s（%(minutes)s分钟）") % {
            "days": weekdays_text(record.weekday_list()),
            "time": f"{record.start_time:%H:%M}",
            "minutes": record.minutes,
        }

    def render_elder(self, value: str, record: RecurringPlan) -> str:
        return str(permitted_link(self, record_url("services:recurringplan_edit", record.pk), value))


def _provider_link(record: Any) -> str:
    if record.provider_id is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', record_url("services:provider_detail", record.provider_id), record.provider
    )


class ServiceAgreementTable(tables.Table):
    number = tables.Column(gettext_lazy("协议编号"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name")
    valid_from = tables.Column(gettext_lazy("生效日期"))
    valid_to = tables.Column(gettext_lazy("到期日期"), default=gettext_lazy("长期"))
    areas = tables.Column(gettext_lazy("服务区域"), empty_values=(), orderable=False)
    items = tables.Column(gettext_lazy("项目与协议价"), empty_values=(), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ServiceAgreement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_provider(self, value: str, record: ServiceAgreement) -> str:
        return _provider_link(record)

    def render_areas(self, record: ServiceAgreement) -> str:
        return pgettext("list separator", "、").join(a.name for a in record.areas.all()) or "—"

    def render_items(self, record: ServiceAgreement) -> str:
        return "；".join(f"{i.item.name} ¥{i.price:.2f}" for i in record.items.all()) or "—"

    def render_edit(self, record: ServiceAgreement) -> str:
        return edit_link(self, "services:serviceagreement_edit", record.pk)


class ServicePointTable(tables.Table):
    name = tables.Column(gettext_lazy("名称"))
    kind = tables.Column(gettext_lazy("类型"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name", default="—")
    area = tables.Column(gettext_lazy("所在社区"), accessor="area__name")
    address = tables.Column(gettext_lazy("地址"))
    location = tables.Column(gettext_lazy("坐标"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn(gettext_lazy("有效"))
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
        return edit_link(self, "services:servicepoint_edit", record.pk)


class WorkerTable(tables.Table):
    name = tables.Column(gettext_lazy("姓名"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name")
    phone_masked = tables.Column(gettext_lazy("手机号"))
    qualifications = tables.Column(gettext_lazy("资质"), empty_values=(), orderable=False)
    capacity_per_day = tables.Column(gettext_lazy("每日可接单"))
    account = tables.Column(gettext_lazy("登录账号"), accessor="user__username", default="—")
    is_active = tables.BooleanColumn(gettext_lazy("在岗"))
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
            label = q.get_category_display() + (
                _("（至%(date)s）") % {"date": f"{q.valid_to:%Y-%m-%d}"} if q.valid_to else ""
            )
            parts.append(
                format_html('<span class="text-decoration-line-through">{}</span>', label)
                if lapsed
                else label
            )
        separator = pgettext("list separator", "、")
        return format_html(separator.join(["{}"] * len(parts)), *parts) if parts else "—"

    def render_edit(self, record: Worker) -> str:
        return edit_link(self, "services:worker_edit", record.pk)


class EntitlementTable(tables.Table):
    elder = ElderColumn(order_by=("elder__name_pinyin",))
    id_number = tables.Column(gettext_lazy("身份证号"), accessor="elder__id_number_masked", orderable=False)
    area = tables.Column(gettext_lazy("社区"), accessor="elder__area__name", orderable=False)
    programme = tables.Column(gettext_lazy("项目名称"))
    quota = tables.Column(gettext_lazy("每月额度"), accessor="monthly_quota")
    copay_rate = tables.Column(gettext_lazy("个人自付比例"))
    valid_from = tables.Column(gettext_lazy("生效日期"))
    valid_to = tables.Column(gettext_lazy("终止日期"), default=gettext_lazy("长期"))
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = Entitlement
        fields = ()
        attrs = {"class": "table table-sm table-hover mb-0"}

    def render_quota(self, value: Any, record: Entitlement) -> str:
        unit = pgettext("quantity", "小时") if record.unit == "hours" else _("元")
        return f"{value:.2f} {unit}"

    def render_copay_rate(self, value: Any) -> str:
        return f"{value * 100:.0f}%"

    def render_edit(self, record: Entitlement) -> str:
        return edit_link(self, "services:entitlement_edit", record.pk)
