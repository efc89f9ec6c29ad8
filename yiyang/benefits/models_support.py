"""特困人员集中供养 (centralised support): the dated fact that a 特困 elder is supported in a home.

An elder certified 特困 (or 五保) is supported either at home (分散供养) or in a care home (集中供养),
and the two are paid by different programmes (``Programme.support_mode``). A stay in a home for
centralised support writes one of these rows through ``benefits.actions.centralised_support_start``
and closes it through ``centralised_support_end``; the roll reads them as it reads suspensions.

A month belongs to the support in force on its first day: admitted on 15 March, March is still paid
as dispersed support and April on is centralised; discharged on 10 June, June is still centralised
and July on is dispersed again. So no month is ever paid twice, and none is skipped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord


class CentralisedSupport(ElderRecord, TimeStampedModel):
    """集中供养登记: from ``start_date`` (the admission day) until ``end_date`` (the discharge day; open: still).

    ``source`` names the record that opened it (``institutions.resident:12``): the same stay
    recorded twice opens nothing twice.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="centralised_support"
    )
    place = models.CharField(_("供养机构"), max_length=100)
    start_date = models.DateField(_("集中供养起始日期"))
    end_date = models.DateField(_("集中供养结束日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=60, unique=True)
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("集中供养登记")
        verbose_name_plural = _("集中供养登记")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="centralised_support_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["elder"], condition=Q(end_date__isnull=True), name="one_open_centralised_support"
            ),
        ]
        indexes = [models.Index(fields=["elder", "start_date"], name="centralsupport_elder_idx")]

    def __str__(self) -> str:
        return gettext("集中供养 %(place)s %(start)s–%(end)s") % {
            "place": self.place,
            "start": f"{self.start_date:%Y-%m-%d}",
            "end": f"{self.end_date:%Y-%m-%d}" if self.end_date else "",
        }
