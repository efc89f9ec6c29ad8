"""Chinese personal names: family name first, one character or a compound (复姓) of two."""

from __future__ import annotations

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "单于",
        "万俟",
        "澹台",
        "呼延",
        "淳于",
        "濮阳",
        "太史",
        "申屠",
        "公羊",
        "司空",
        "闻人",
        "赫连",
        "拓跋",
        "百里",
        "东郭",
        "第五",
        "左丘",
        "亓官",
    }
)


def split_name(name: str) -> tuple[str, str]:
    """张三 → ("张", "三"); 欧阳修 → ("欧阳", "修"); a two-character 欧阳 is a family name 欧 and a given name 阳."""
    name = "".join(name.split())
    if len(name) <= 1:
        return name, ""
    cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]
