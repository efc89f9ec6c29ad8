from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yiyang.cards.models import Card, CardRule, Claim, Enrolment, InsuranceRule
from yiyang.core.links import record_url
from yiyang.core.tables import ElderColumn, MoneyColumn, edit_link, permitted

_ATTRS = {"class": "table table-sm table-hover align-middle"}


class CardTable(tables.Table):
    number = tables.Column(_("证号"), linkify=permitted(lambda c: record_url("cards:card_detail", c.pk)))
    elder = ElderColumn()
    area = tables.Column(_("所在区域"), accessor="elder__area__name", order_by=("area_path",))
    basis = tables.Column(_("办理依据"))
    issued_on = tables.DateColumn(format="Y-m-d", verbose_name=_("发证日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("有效期至"), default="—")
    status = tables.Column(_("状态"))

    class Meta:
        model = Card
        fields = ()
        sequence = ("number", "elder", "area", "basis", "issued_on", "valid_to", "status")
        attrs = {**_ATTRS, "id": "card-table"}
        empty_text = _("没有优待证")


class EnrolmentTable(tables.Table):
    year = tables.Column(_("年度"))
    elder = ElderColumn()
    id_number = tables.Column(_("身份证号"), accessor="elder__id_number_masked", orderable=False)
    area = tables.Column(_("所在区域"), accessor="elder__area__name", order_by=("area_path",))
    group = tables.Column(_("参保类别"))
    payer = tables.Column(_("缴费方式"))
    premium = MoneyColumn(_("保费（元）"))
    policy_number = tables.Column(_("保单号"), default="—")
    source = tables.Column(_("来源"))

    class Meta:
        model = Enrolment
        fields = ()
        sequence = (
            "year",
            "elder",
            "id_number",
            "area",
            "group",
            "payer",
            "premium",
            "policy_number",
            "source",
        )
        attrs = {**_ATTRS, "id": "enrolment-table"}
        empty_text = _("没有参保记录")


class ClaimTable(tables.Table):
    number = tables.Column(_("报案号"), linkify=permitted(lambda c: record_url("cards:claim_edit", c.pk)))
    elder = ElderColumn()
    kind = tables.Column(_("理赔类型"))
    occurred_on = tables.DateColumn(format="Y-m-d", verbose_name=_("出险日期"))
    claimed = MoneyColumn(_("申请金额（元）"))
    paid = MoneyColumn(_("赔付金额（元）"), default="—")
    status = tables.Column(_("状态"))
    decide = tables.Column(_("操作"), empty_values=(), orderable=False)

    class Meta:
        model = Claim
        fields = ()
        sequence = ("number", "elder", "kind", "occurred_on", "claimed", "paid", "status", "decide")
        attrs = {**_ATTRS, "id": "claim-table"}
        empty_text = _("没有理赔记录")

    def render_decide(self, record: Claim) -> Any:
        if record.status != "reported":
            return ""
        return edit_link(self, "cards:claim_decide", record.pk, text=_("结案"))


class CardRuleTable(tables.Table):
    name = tables.Column(_("名称"))
    min_age = tables.Column(_("起始年龄"))
    hukou_local = tables.BooleanColumn(verbose_name=_("本地户籍可办"))
    residence_permit = tables.BooleanColumn(verbose_name=_("持本地居住证可办"))
    validity_years = tables.Column(_("有效期（年）"), default="—")
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"), default="—")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = CardRule
        fields = ()
        sequence = (
            "name",
            "min_age",
            "hukou_local",
            "residence_permit",
            "validity_years",
            "valid_from",
            "valid_to",
            "edit",
        )
        attrs = {**_ATTRS, "id": "cardrule-table"}

    def render_edit(self, record: CardRule) -> Any:
        return edit_link(self, "cards:cardrule_edit", record.pk)


class InsuranceRuleTable(tables.Table):
    name = tables.Column(_("名称"))
    premium = MoneyColumn(_("每人保费（元）"))
    paid_from_age = tables.Column(_("政府代缴起始年龄"), default="—")
    target = tables.Column(_("覆盖率目标（%）"))
    insurer = tables.Column(_("承保公司"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"), default="—")
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = InsuranceRule
        fields = ()
        sequence = ("name", "premium", "paid_from_age", "target", "insurer", "valid_from", "valid_to", "edit")
        attrs = {**_ATTRS, "id": "insurancerule-table"}

    def render_edit(self, record: InsuranceRule) -> Any:
        return edit_link(self, "cards:insurancerule_edit", record.pk)
