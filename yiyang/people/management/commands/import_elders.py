"""``yiyang import elders FILE [--dry-run] [--json] [--skip-invalid]``: the elder registry from a spreadsheet."""

from __future__ import annotations

from yiyang.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = "导入老年人信息（.xlsx/.xls/.csv）：按身份证号更新或新增，有错误行时默认不导入任何数据"
    kind = "people.elder"
    what = "老年人信息"
