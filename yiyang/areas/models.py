"""Administrative areas: 区/县 → 街道/乡镇 → 社区/村 → 网格."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiyang.core.scoping import ScopedManager


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    DISTRICT = 3, _("区/县")
    STREET = 4, _("街道/乡镇")
    COMMUNITY = 5, _("社区/村")
    GRID = 6, _("网格")


class Area(models.Model):
    """行政区划: a unit of the administrative hierarchy, keyed by its statutory code.

    ``code`` is the published code (GB/T 2260 six digits for a district, the NBS 9- and 12-digit
    统计用区划代码 below it); grids are local and get the community code plus three digits.
    ``path`` is the code with the summary zeros of higher levels dropped (320600 → "3206"), so that
    every descendant's path starts with its ancestor's: the scope filter is a prefix match.
    Codes change from year to year, so each row records the vintage of the data it came from.
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    path = models.CharField(_("层级路径"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    kind = models.CharField(_("类型"), max_length=20, blank=True, help_text=_("街道、镇、乡、社区、村 …"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    vintage = models.CharField(_("数据版本"), max_length=20, blank=True, help_text="e.g. NBS 2023")
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()
    scope_path = "path"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_area_path(self) -> str:
        return self.path

    def full_name(self) -> str:
        """通州区金沙街道东市社区 — the chain below the district, for lists and print-outs."""
        names = [a.name for a in self.ancestors() if a.level >= AreaLevel.DISTRICT]
        return "".join([*names, self.name])

    def ancestors(self) -> list[Area]:
        chain: list[Area] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def at_level(self, level: int) -> Area | None:
        """This area or the ancestor at ``level`` (the street of a grid is two levels up).

        Walks the loaded parents: callers listing many rows select_related enough of the chain
        (``area__parent__parent`` reaches the street from a grid)."""
        node: Area | None = self
        while node is not None and node.level > level:
            node = node.parent
        return node if node is not None and node.level == level else None

    def name_at(self, level: int) -> str:
        area = self.at_level(level)
        return area.name if area is not None else ""

    def descendants(self) -> models.QuerySet[Area]:
        return Area.objects.filter(path__startswith=self.path).exclude(pk=self.pk)


def path_for_code(code: str, level: int) -> str:
    """The materialized path of a statutory code at ``level``."""
    if level == AreaLevel.PROVINCE:
        return code[:2]
    if level == AreaLevel.CITY:
        return code[:4]
    return code
