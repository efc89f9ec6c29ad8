from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.core.tables import ElderColumn, edit_link

_STATUS_TONES = {"draft": "secondary", "confirmed": "success", "void": "dark"}


class AssessmentTable(tables.Table):
    id = tables.Column(_("编号"))
    elder = ElderColumn(_("老人"), order_by=("elder__name_pinyin",))
    id_number = tables.Column(_("身份证号"), accessor="elder__id_number_masked", orderable=False)
    area = tables.Column(_("社区/网格"), accessor="elder__area__name", order_by=("elder__area_path",))
    assessed_on = tables.DateColumn(format="Y-m-d", verbose_name=_("评估日期"))
    reason = tables.Column(_("评估原因"))
    scheme = tables.Column(_("标准"))
    total = tables.Column(_("总分"))
    final_level = tables.Column(_("最终等级"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("有效期至"))
    status = tables.Column(_("状态"))

    class Meta:
        model = Assessment
        fields = ()
        sequence = (
            "id",
            "elder",
            "id_number",
            "area",
            "assessed_on",
            "reason",
            "scheme",
            "total",
            "final_level",
            "valid_to",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的评估记录")

    def render_id(self, record: Assessment) -> Any:
        return format_html('<a href="{}">#{}</a>', record.get_absolute_url(), record.pk)

    def render_final_level(self, record: Assessment) -> str:
        return record.final_level_short

    def render_valid_to(self, record: Assessment) -> Any:
        if record.valid_to is None:
            return "—"
        today = timezone.localdate()
        text = f"{record.valid_to:%Y-%m-%d}"
        if record.status == "confirmed" and record.valid_to < today:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', text, gettext("已过期"))
        if record.status == "confirmed" and (record.valid_to - today).days <= 30:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', text, gettext("即将到期"))
        return text

    def render_status(self, record: Assessment) -> Any:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            _STATUS_TONES.get(record.status, "secondary"),
            record.get_status_display(),
        )


class ScoringConfigTable(tables.Table):
    area = tables.Column(_("适用区域"), accessor="area__name")
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ScoringConfig
        fields = (
            "area",
            "valid_from",
            "coma_level",
            "raises_add_up",
            "risk_counting",
            "risk_threshold",
            "reassessment_months",
            "reminder_days",
            "note",
        )
        attrs = {"class": "table table-sm align-middle"}
        empty_text = _(
            "尚未配置，使用默认规则：昏迷评定为完全失能，两条提级规则各提高一级，风险事件各类合计≥2次，有效期12个月"
        )

    def render_edit(self, record: ScoringConfig) -> Any:
        return edit_link(self, "assessments:scoringconfig_edit", record.pk)
