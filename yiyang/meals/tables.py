from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from yiyang.meals.models import Canteen, DeliveryOrder, MealRecord


class CanteenTable(tables.Table):
    name = tables.Column("名称", linkify=True)
    kind = tables.Column("类型")
    area = tables.Column("所在社区", accessor="area__name", order_by=("area_path",))
    operator = tables.Column("运营方")
    address = tables.Column("地址", orderable=False)
    is_active = tables.BooleanColumn("运营中")

    class Meta:
        model = Canteen
        fields = ()
        sequence = ("name", "kind", "area", "operator", "address", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有助餐点"


class MealRecordTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", verbose_name="日期")
    slot = tables.Column("餐次")
    canteen = tables.Column("助餐点", accessor="canteen__name")
    elder = tables.Column("老人", accessor="elder__name", orderable=False)
    id_number = tables.Column("身份证号", accessor="elder__id_number_masked", orderable=False)
    channel = tables.Column("方式")
    price = tables.Column("餐价（元）")
    subsidy = tables.Column("补贴（元）")
    elder_paid = tables.Column("个人支付（元）")
    identified_by = tables.Column("核验方式")

    class Meta:
        model = MealRecord
        fields = ()
        sequence = ("date", "slot", "canteen", "elder", "id_number", "channel", "price", "subsidy", "elder_paid",
                    "identified_by")  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有助餐记录"


class DeliveryOrderTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", verbose_name="日期")
    slot = tables.Column("餐次")
    canteen = tables.Column("助餐点", accessor="canteen__name")
    elder = tables.Column("老人", accessor="elder__name", orderable=False)
    address = tables.Column("送餐地址", orderable=False)
    status = tables.Column("状态")
    deliverer = tables.Column("送餐员")
    delivered_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="送达时间")
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
        empty_text = "没有送餐单"

    def render_actions(self, record: DeliveryOrder) -> Any:
        if record.status != "pending":
            return ""
        url = reverse("meals:deliveryorder_deliver", args=[record.pk])
        return format_html(
            '<form method="post" action="{}" class="d-flex gap-1">'
            '<input name="deliverer" class="form-control form-control-sm" placeholder="送餐员" required style="width:7em">'
            '<button class="btn btn-sm btn-success">送达</button></form>',
            url,
        )
