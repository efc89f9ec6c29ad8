from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, Project
from yiyang.core.tables import ElderColumn, MoneyColumn, edit_link, permitted


class ProjectTable(tables.Table):
    number = tables.Column(_("编号"), empty_values=(), order_by=("id",),
                           linkify=permitted(lambda p: p.get_absolute_url()))  # fmt: skip
    elder = ElderColumn()
    area = tables.Column(_("社区"), accessor="elder__area__name", order_by=("area_path",))
    category = tables.Column(_("类别"))
    status = tables.Column(_("状态"))
    contractor = tables.Column(_("施工单位"), accessor="contractor__name")
    cap = MoneyColumn(_("补助上限（元）"))
    plan_total = MoneyColumn(_("方案金额（元）"))
    paid_amount = MoneyColumn(_("付款金额（元）"))

    class Meta:
        model = Project
        fields = ()
        sequence: tuple[str, ...] = (
            "number",
            "elder",
            "area",
            "category",
            "status",
            "contractor",
            "cap",
            "plan_total",
            "paid_amount",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "project-table"}
        empty_text = _("没有改造项目")

    def render_number(self, record: Project) -> str:
        return record.number

    def render_status(self, value: str, record: Project) -> Any:
        if record.use_check_due:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', value, _("待回访"))
        return value


class UseCheckTable(ProjectTable):
    accepted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("验收日期"))
    use_check_from = tables.DateColumn(format="Y-m-d", verbose_name=_("回访起始"))
    use_check_to = tables.DateColumn(format="Y-m-d", verbose_name=_("回访截止"))

    class Meta(ProjectTable.Meta):
        sequence: tuple[str, ...] = (
            "number", "elder", "area", "contractor", "accepted_on", "use_check_from", "use_check_to",
        )  # fmt: skip
        exclude = ("category", "status", "cap", "plan_total", "paid_amount")
        empty_text = _("没有待回访的项目")


class ContractorTable(tables.Table):
    name = tables.Column(_("单位名称"))
    credit_code = tables.Column(_("统一社会信用代码"))
    contact_name = tables.Column(_("联系人"))
    contact_phone = tables.Column(_("联系电话"))
    is_active = tables.BooleanColumn(verbose_name=_("在册"))
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = Contractor
        fields = ()
        sequence = ("name", "credit_code", "contact_name", "contact_phone", "is_active", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有施工单位")

    def render_edit(self, record: Contractor) -> Any:
        return edit_link(self, "adaptation:contractor_edit", record.pk)


class CatalogueItemTable(tables.Table):
    code = tables.Column(_("编码"))
    name = tables.Column(_("名称"))
    unit = tables.Column(_("计量单位"))
    price = MoneyColumn(_("单价（元）"))
    device_kind = tables.Column(_("安装设备"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = CatalogueItem
        fields = ()
        sequence = ("code", "name", "unit", "price", "device_kind", "valid_from", "valid_to", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有改造项目目录")

    def render_edit(self, record: CatalogueItem) -> Any:
        return edit_link(self, "adaptation:catalogueitem_edit", record.pk)


class CapRuleTable(tables.Table):
    category = tables.Column(_("类别"))
    amount = MoneyColumn(_("上限（元）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))
    basis = tables.Column(_("依据"), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = CapRule
        fields = ()
        sequence = ("category", "amount", "valid_from", "valid_to", "basis", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有每户补助上限")

    def render_category(self, value: str, record: CapRule) -> Any:
        return value or _("各类")

    def render_edit(self, record: CapRule) -> Any:
        return edit_link(self, "adaptation:caprule_edit", record.pk)
