"""``yiyang import certifications FILE``: the civil-affairs certification list from the command line."""

from __future__ import annotations

from yiyang.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = "导入经济类别认定名单（.xlsx/.xls/.csv）：按身份证号+类别+起始日期更新或新增，有错误行时默认不导入"
    kind = "benefits.certification"
    what = "认定名单"
