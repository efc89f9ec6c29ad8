from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.core.tables import CountColumn, MoneyColumn, edit_link, permitted
from yiyang.workforce.models import (
    CareWorker,
    Certificate,
    PostSubsidyLine,
    PostSubsidyRoll,
    PostSubsidyRule,
    TrainingClass,
    TrainingPlanRule,
)

_ATTRS = {"class": "table table-sm table-hover align-middle"}


def _worker_url(record: Any) -> str:
    return record_url("workforce:careworker_detail", record.worker_id)


class CareWorkerTable(tables.Table):
    name = tables.Column(_("姓名"), linkify=permitted(lambda r: r.get_absolute_url()))
    id_number_masked = tables.Column(_("身份证号"), orderable=False)
    employer = tables.Column(_("用人单位"), accessor="pk", orderable=False)
    post = tables.Column(_("岗位"))
    area = tables.Column(_("工作地"), accessor="area__name", order_by=("area_path",))
    post_since = tables.DateColumn(format="Y-m-d", verbose_name=_("从业起始"))
    status = tables.Column(_("状态"))

    class Meta:
        model = CareWorker
        fields = ()
        sequence = ("name", "id_number_masked", "employer", "post", "area", "post_since", "status")
        attrs = _ATTRS
        empty_text = _("没有护理员")

    def render_employer(self, record: CareWorker) -> Any:
        return str(record.employer or "")


class CertificateTable(tables.Table):
    worker = tables.Column(_("护理员"), accessor="worker__name", linkify=permitted(_worker_url))
    level = tables.Column(_("等级"))
    issuer = tables.Column(_("发证机构"))
    number = tables.Column(_("证书编号"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("发证日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("有效期至"), default="—")
    edit = tables.Column("", accessor="pk", orderable=False)

    class Meta:
        model = Certificate
        fields = ()
        sequence = ("worker", "level", "issuer", "number", "valid_from", "valid_to", "edit")
        attrs = _ATTRS
        empty_text = _("没有证书")

    def render_edit(self, record: Certificate) -> Any:
        return edit_link(self, "workforce:certificate_edit", record.pk)


class TrainingClassTable(tables.Table):
    name = tables.Column(_("班次名称"), linkify=permitted(lambda r: r.get_absolute_url()))
    level = tables.Column(_("培训等级"))
    organiser = tables.Column(_("承办单位"))
    area = tables.Column(_("举办地"), accessor="area__name", order_by=("area_path",))
    starts_on = tables.DateColumn(format="Y-m-d", verbose_name=_("开班日期"))
    ends_on = tables.DateColumn(format="Y-m-d", verbose_name=_("结业日期"))
    trainee_count = CountColumn(_("学员人数"), orderable=False)
    status = tables.Column(_("状态"))

    class Meta:
        model = TrainingClass
        fields = ()
        sequence = ("name", "level", "organiser", "area", "starts_on", "ends_on", "trainee_count", "status")
        attrs = _ATTRS
        empty_text = _("没有培训班")


class TrainingPlanRuleTable(tables.Table):
    name = tables.Column(_("名称"))
    min_classes = CountColumn(_("年度培训班数（不少于）"))
    min_trainees = CountColumn(_("年度培训人数（不少于）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"), default="—")
    edit = tables.Column("", accessor="pk", orderable=False)

    class Meta:
        model = TrainingPlanRule
        fields = ()
        sequence = ("name", "min_classes", "min_trainees", "valid_from", "valid_to", "edit")
        attrs = _ATTRS
        empty_text = _("没有培训计划")

    def render_edit(self, record: TrainingPlanRule) -> Any:
        return edit_link(self, "workforce:trainingplanrule_edit", record.pk)


class PostSubsidyRuleTable(tables.Table):
    kind = tables.Column(_("补贴类型"))
    level = tables.Column(_("证书等级"), default="—")
    years_from = tables.Column(_("工龄起（年，含）"), default="—")
    years_to = tables.Column(_("工龄止（年，不含）"), default="—")
    amount = MoneyColumn(_("金额（元/月）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"), default="—")
    note = tables.Column(_("依据"), default="")
    edit = tables.Column("", accessor="pk", orderable=False)

    class Meta:
        model = PostSubsidyRule
        fields = ()
        sequence = (
            "kind",
            "level",
            "years_from",
            "years_to",
            "amount",
            "valid_from",
            "valid_to",
            "note",
            "edit",
        )
        attrs = _ATTRS
        empty_text = _("没有补贴标准")

    def render_edit(self, record: PostSubsidyRule) -> Any:
        return edit_link(self, "workforce:postsubsidyrule_edit", record.pk)


class PostSubsidyRollTable(tables.Table):
    month = tables.DateColumn(
        format="Y-m", verbose_name=_("发放月份"), linkify=permitted(lambda r: r.get_absolute_url())
    )
    area = tables.Column(_("区域"), accessor="area__name", order_by=("area_path",))
    status = tables.Column(_("状态"))
    line_count = CountColumn(_("发放人数"))
    total_amount = MoneyColumn(_("发放总额（元）"))

    class Meta:
        model = PostSubsidyRoll
        fields = ()
        sequence = ("month", "area", "status", "line_count", "total_amount")
        attrs = _ATTRS
        empty_text = _("没有花名册")


class PostSubsidyLineTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=_("发放月份"))
    worker = tables.Column(_("护理员"), accessor="worker__name", linkify=permitted(_worker_url))
    level = tables.Column(_("证书等级"))
    post_amount = MoneyColumn(_("岗位补贴"))
    years = CountColumn(_("工龄（年）"))
    seniority_amount = MoneyColumn(_("工龄补贴"))
    amount = MoneyColumn(_("应发金额"))
    status = tables.Column(_("状态"), accessor="roll__status")

    class Meta:
        model = PostSubsidyLine
        fields = ()
        sequence = (
            "month",
            "worker",
            "level",
            "post_amount",
            "years",
            "seniority_amount",
            "amount",
            "status",
        )
        attrs = _ATTRS
        empty_text = _("没有补贴明细")

    def render_status(self, record: PostSubsidyLine) -> Any:
        return record.roll.get_status_display()
