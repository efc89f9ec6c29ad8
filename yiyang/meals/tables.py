from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.core.tables import MoneyColumn
from yiyang.meals.models import Canteen, DeliveryOrder, MealRecord


class CanteenTable(tables.Table):
    name = tables.Column(_("名称"), linkify=True)
    kind = tables.Column(_("类型"))
    area = tables.Column(_("所在社区"), accessor="area__name", order_by=("area_path",))
    operator = tables.Column(_("运营方"))
    address = tables.Column(_("地址"), orderable=False)
    is_active = tables.BooleanColumn(_("运营中"))

    class Meta:
        model = Canteen
        fields = ()
        sequence = ("name", "kind", "area", "operator", "address", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有助餐点")


class MealRecordTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", verbose_name=_("日期"))
    slot = tables.Column(_("餐次"))
    canteen = tables.Column(_("助餐点"), accessor="canteen__name")
    elder = tables.Column(_("老人"), accessor="elder__name", orderable=False)
    id_number = tables.Column(_("身份证号"), accessor="elder__id_number_masked", orderable=False)
    channel = tables.Column(_("方式"))
    price = MoneyColumn(_("餐价（元）"))
    subsidy = MoneyColumn(_("补贴（元）"))
    elder_paid = MoneyColumn(_("个人支付（元）"))
    identified_by = tables.Column(_("核验方式"))

    class Meta:
        model = MealRecord
        fields = ()
        sequence = ("date", "slot", "canteen", "elder", "id_number", "channel", "price", "subsidy", "elder_paid",
                    "identified_by")  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有助餐记录")


class DeliveryOrderTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", verbose_name=_("日期"))
    slot = tables.Column(_("餐次"))
    canteen = tables.Column(_("助餐点"), accessor="canteen__name")
    elder = tables.Column(_("老人"), accessor="elder__name", orderable=False)
    address = tables.Column(_("送餐地址"), orderable=False)
    status = tables.Column(_("状态"))
    deliverer = tables.Column(_("送餐员"))
    delivered_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("送达时间"))
    actions = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = DeliveryOrder
        fields = ()
        sequence = (
            "date",
            "slot",
            "canteen",
            "elder",
            "address",
            "status",
            "deliverer",
            "delivered_at",
            "actions",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有送餐单")

    def render_actions(self, record: DeliveryOrder) -> Any:
        if record.status != "pending":
            return ""
        url = record_url("meals:deliveryorder_deliver", record.pk)
        return format_html(
            '<form method="post" action="{}" class="d-flex gap-1">'
            '<input name="deliverer" class="form-control form-control-sm" placeholder="{}" required style="width:7em">'
            '<button class="btn btn-sm btn-success">{}</button></form>',
            url,
            _("送餐员"),
            _("送达"),
        )
