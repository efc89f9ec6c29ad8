from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class LivingSituation(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    GUGUA = "gugua", "孤寡"
    WITH_FAMILY = "with_family", "与家人同住"
    INSTITUTION = "institution", "入住机构"


class EconomicCategory(models.TextChoices):
    # Codes are chosen so that none is a substring of another: Elder.categories is matched with LIKE.
    DIBAO = "dibao", "低保"
    DIBIAN = "dibian", "低边"
    TEKUN = "tekun", "特困"
    WUBAO = "wubao", "五保"
    SANLAO = "sanlao", "三老"
    JISHENG = "jisheng", "计生特殊家庭"


class ElderStatus(models.TextChoices):
    LIVING = "living", "在册"
    DECEASED = "deceased", "已故"
    MOVED = "moved", "迁出"


class DisabilityGrade(models.TextChoices):
    NONE = "", "无"
    GRADE_1 = "1", "一级"
    GRADE_2 = "2", "二级"
    GRADE_3 = "3", "三级"
    GRADE_4 = "4", "四级"


class CapabilityLevel(models.IntegerChoices):
    """GB/T 42195-2022 final level (Annex C.5); 失能 means level 1 or worse."""

    INTACT = 0, "能力完好"
    MILD = 1, "轻度失能"
    MODERATE = 2, "中度失能"
    SEVERE = 3, "重度失能"
    TOTAL = 4, "完全失能"


class ContactRelation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    GRANDCHILD = "grandchild", "孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    RELATIVE = "relative", "其他亲属"
    NEIGHBOUR = "neighbour", "邻居"
    FRIEND = "friend", "朋友"
    CARER = "carer", "护工/保姆"
    OTHER = "other", "其他"


class AgeBracket(models.IntegerChoices):
    UNDER_60 = 0, "60岁以下"
    AGE_60 = 1, "60–69岁"
    AGE_70 = 2, "70–79岁"
    AGE_80 = 3, "80–89岁"
    AGE_90 = 4, "90–99岁"
    AGE_100 = 5, "100岁以上"

    @classmethod
    def for_age(cls, age: int) -> AgeBracket:
        if age < 60:
            return cls.UNDER_60
        return cls(min(age // 10 - 5, 5))

    @property
    def age_range(self) -> tuple[int, int | None]:
        """Inclusive lower bound and inclusive upper bound (None = open)."""
        if self == AgeBracket.UNDER_60:
            return (0, 59)
        low = (self.value + 5) * 10
        return (low, None if self == AgeBracket.AGE_100 else low + 9)


ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
