"""The 走访等级 button on the elder's page: the elder's tier, why, and the visits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.people.elder_page import ElderAction, register_action

register_action(
    ElderAction(
        _("走访等级"),
        lambda elder: reverse("visits:elder_tier", args=[elder.pk]),
        "visits.view_visittask",
        "door-open",
    )
)
