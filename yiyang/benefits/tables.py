from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiyang.benefits.choices import SuspensionReason
from yiyang.benefits.dates import month_display
from yiyang.benefits.models import (
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    PaymentRoll,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.core.links import record_url
from yiyang.core.tables import CountColumn, ElderColumn, MoneyColumn, edit_link, permitted_link

ATTRS = {"class": "table table-sm table-hover align-middle"}


class PaymentRollTable(tables.Table):
    name = tables.Column(_("花名册"), accessor="pk", orderable=False)
    month = tables.Column(_("月份"))
    status = tables.Column(_("状态"))
    line_count = CountColumn(_("发放人数"))
    total_amount = MoneyColumn(_("总额（元）"))

    class Meta:
        model = PaymentRoll
        fields = ()
        sequence = ("name", "month", "status", "line_count", "total_amount")
        attrs = ATTRS
        empty_text = _("尚未生成花名册")

    def render_name(self, record: PaymentRoll) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), str(record))

    def render_month(self, value: Any) -> str:
        return month_display(value)


class RecoveryTable(tables.Table):
    elder = tables.Column(_("老年人"), accessor="elder__name")
    programme = tables.Column(_("项目"))
    months = tables.Column(_("多发月份"))
    owed = tables.Column(_("应追回"))
    repaid = tables.Column(_("已追回"))
    waived = tables.Column(_("已核销"))
    status = tables.Column(_("状态"))

    class Meta:
        model = Recovery
        fields = ()
        sequence = ("elder", "programme", "months", "owed", "repaid", "waived", "status")
        attrs = ATTRS
        empty_text = _("没有追回记录")

    def render_elder(self, record: Recovery, value: str) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class SuspensionTable(tables.Table):
    elder = ElderColumn()
    id_number = tables.Column(_("身份证号"), accessor="elder__id_number_masked", orderable=False)
    programme = tables.Column(_("项目"), default=_("全部项目"))
    reason = tables.Column(_("原因"))
    from_month = tables.Column(_("暂停起始月"))
    resumed_month = tables.Column(_("恢复发放月"), default=_("暂停中"))
    notice = tables.Column(_("告知书"), accessor="pk", orderable=False)

    class Meta:
        model = Suspension
        fields = ()
        sequence = ("elder", "id_number", "programme", "reason", "from_month", "resumed_month", "notice")
        attrs = ATTRS
        empty_text = _("没有暂停发放的记录")

    def render_from_month(self, value: Any) -> str:
        return month_display(value)

    def render_resumed_month(self, value: Any) -> str:
        return month_display(value)

    def render_notice(self, record: Suspension) -> str:
        notice = format_html(
            '<a href="{}">{}</a>', record_url("benefits:suspension_notice", record.pk), _("告知书")
        )
        request = getattr(self, "request", None)
        if (
            record.is_open
            and record.reason == SuspensionReason.MANUAL
            and request is not None
            and request.user.has_perm("benefits.change_suspension")
        ):
            url = record_url("benefits:suspension_resume", record.pk)
            return format_html('{} · <a href="{}">{}</a>', notice, url, _("恢复发放"))
        return notice


class AdjustmentTable(tables.Table):
    elder = ElderColumn()
    id_number = tables.Column(_("身份证号"), accessor="elder__id_number_masked", orderable=False)
    roll = tables.Column(_("记入花名册"), accessor="roll", orderable=False)
    adjustment_kind = tables.Column(_("类型"))
    corrects_month = tables.Column(_("所调整月份"))
    amount = MoneyColumn(_("金额（元）"))
    reason = tables.Column(_("原因"))

    class Meta:
        model = RollLine
        fields = ()
        sequence = ("elder", "id_number", "roll", "adjustment_kind", "corrects_month", "amount", "reason")
        attrs = ATTRS
        empty_text = _("没有更正调整")

    def render_roll(self, record: RollLine) -> str:
        roll = record.roll
        return format_html(
            '<a href="{}">{}</a> <span class="badge text-bg-light">{}</span>',
            roll.get_absolute_url(),
            str(roll),
            roll.get_status_display(),
        )

    def render_corrects_month(self, value: Any) -> str:
        return month_display(value)


class LifeEventBatchTable(tables.Table):
    filename = tables.Column(_("文件"))
    kind = tables.Column(_("类型"))
    source = tables.Column(_("来源"))
    total_rows = CountColumn(_("行数"))
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("导入时间"))

    class Meta:
        model = LifeEventBatch
        fields = ()
        sequence = ("filename", "kind", "source", "total_rows", "created_at")
        attrs = ATTRS
        empty_text = _("尚未导入名单")

    def render_filename(self, record: LifeEventBatch, value: str) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class BudgetTable(tables.Table):
    year = tables.Column(_("年度"))
    programme = tables.Column(_("项目"))
    area = tables.Column(_("街道/区县"), accessor="area__name")
    amount = MoneyColumn(_("预算（元）"))
    edit = tables.Column("", accessor="pk", orderable=False)

    class Meta:
        model = Budget
        fields = ()
        sequence = ("year", "programme", "area", "amount", "edit")
        attrs = ATTRS
        empty_text = _("尚未设置预算")

    def render_edit(self, record: Budget) -> str:
        return str(edit_link(self, "benefits:budget_edit", record.pk))


class ElderBankAccountTable(tables.Table):
    elder = tables.Column(_("老年人"), accessor="elder__name")
    bank_name = tables.Column(_("开户银行"))
    holder_name = tables.Column(_("户名"))
    account_masked = tables.Column(_("账号"), orderable=False)

    class Meta:
        model = ElderBankAccount
        fields = ()
        sequence = ("elder", "bank_name", "holder_name", "account_masked")
        attrs = ATTRS
        empty_text = _("没有代发账户")

    def render_elder(self, record: ElderBankAccount, value: str) -> str:
        return str(permitted_link(self, record_url("benefits:bankaccount_edit", record.elder_id), value))
