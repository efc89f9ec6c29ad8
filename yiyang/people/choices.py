from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class LivingSituation(models.TextChoices):
    ALONE = "alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    GUGUA = "gugua", _("孤寡")
    WITH_FAMILY = "with_family", _("与家人同住")
    INSTITUTION = "institution", _("入住机构")


class EconomicCategory(models.TextChoices):
    # Codes are chosen so that none is a substring of another: Elder.categories is matched with LIKE.
    DIBAO = "dibao", _("低保")
    DIBIAN = "dibian", _("低边")
    TEKUN = "tekun", _("特困")
    WUBAO = "wubao", _("五保")
    SANLAO = "sanlao", _("三老")
    JISHENG = "jisheng", _("计生特殊家庭")


#: The categories of the elders the state itself supports, 特困供养 (五保 is its rural predecessor).
SUPPORTED_CATEGORIES = (EconomicCategory.TEKUN.value, EconomicCategory.WUBAO.value)


class ElderStatus(models.TextChoices):
    LIVING = "living", _("在册")
    DECEASED = "deceased", _("已故")
    MOVED = "moved", _("迁出")


class DisabilityGrade(models.TextChoices):
    NONE = "", _("无")
    GRADE_1 = "1", _("一级")
    GRADE_2 = "2", _("二级")
    GRADE_3 = "3", _("三级")
    GRADE_4 = "4", _("四级")


class CapabilityLevel(models.IntegerChoices):
    """GB/T 42195-2022 final level (Annex C.5); 失能 means level 1 or worse."""

    INTACT = 0, _("能力完好")
    MILD = 1, _("轻度失能")
    MODERATE = 2, _("中度失能")
    SEVERE = 3, _("重度失能")
    TOTAL = 4, _("完全失能")


class ContactRelation(models.TextChoices):
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    RELATIVE = "relative", _("其他亲属")
    NEIGHBOUR = "neighbour", _("邻居")
    FRIEND = "friend", _("朋友")
    CARER = "carer", _("护工/保姆")
    OTHER = "other", _("其他")


class AgeBracket(models.IntegerChoices):
    UNDER_60 = 0, _("60岁以下")
    AGE_60 = 1, _("60–69岁")
    AGE_70 = 2, _("70–79岁")
    AGE_80 = 3, _("80–89岁")
    AGE_90 = 4, _("90–99岁")
    AGE_100 = 5, _("100岁以上")

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
