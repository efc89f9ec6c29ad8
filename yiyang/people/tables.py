from __future__ import annotations

from html import escape
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.people.models import Elder

#: What a row of the table reads besides the elder: its area's name (the export reads the street and
#: community above it too, ``exports.ELDER_AREAS``).
ROW_RELATED = ("area",)


#: Every order ends with the list's own (area, name, id): elders who share a sex, a name or a birth
#: date keep one order from page to page, none shown twice and none skipped (the list pages by offset).
_THEN = ("area_path", "name_pinyin", "id")


class ElderTable(tables.Table):
    name = tables.Column(_("姓名"), order_by=("name_pinyin", "id"))
    id_number_masked = tables.Column(_("身份证号"), orderable=False)
    sex = tables.Column(_("性别"), order_by=("sex", *_THEN))
    age = tables.Column(_("年龄"), accessor="birth_date", order_by=("-birth_date", "id"))
    # the order of the list's index (elder_list_order_idx): its pages are ranges of it
    area = tables.Column(_("社区/网格"), accessor="area__name", order_by=_THEN)
    living_situation = tables.Column(_("居住情况"), order_by=("living_situation", *_THEN))
    categories = tables.Column(_("经济类别"), orderable=False, empty_values=())
    phone_masked = tables.Column(_("联系电话"), orderable=False)
    status = tables.Column(_("状态"), order_by=("status", *_THEN))

    class Meta:
        model = Elder
        fields = ()
        sequence = (
            "name",
            "id_number_masked",
            "sex",
            "age",
            "area",
            "living_situation",
            "categories",
            "phone_masked",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的老年人")
        order_by = ("area",)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # A search lists its best matches first, read in that order from the indexes: the table
        # keeps it (its default order would sort every match) until a column is clicked.
        if getattr(data, "searching", False):
            kwargs.setdefault("order_by", ())
        super().__init__(data, *args, **kwargs)
        self.today = timezone.localdate()  # once for the page, not once per row

    def render_name(self, record: Elder) -> Any:
        # format_html's lazy-text checks cost more than the link itself (fifty a page)
        return mark_safe(
            f'<a href="{record_url("people:elder_detail", record.pk)}">{escape(record.name)}</a>'
        )

    def render_age(self, record: Elder) -> int:
        return record.age_on(self.today)

    def render_categories(self, record: Elder) -> str:
        return gettext("、").join(record.category_labels())
