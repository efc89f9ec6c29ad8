"""Who may be registered as an elder: the registry's age threshold, as a rule with clear semantics.

A person is registered as an elder (老年人) from the day they complete ``min_age`` years (周岁, on
their birthday; 60 by default, the age of the 老年人权益保障法). A place that registers some groups
earlier sets a lower threshold for them: ``groups={"disabled": 55}`` registers a person with a
disability grade (持残疾人证) from 55. The lowest threshold of the groups a person belongs to applies.
A younger person is refused with the reason; they may still be recorded in the registry as the family
member or contact (家庭成员/联系人) of an elder, on that elder's page.

The rule is read from settings (``YIYANG_REGISTRY_MIN_AGE``, ``YIYANG_REGISTRY_MIN_AGE_GROUPS`` such as
``disabled=55``) and applies at every door: the add and edit forms and the API (through
``people.actions``) and the import (a row error). It decides new registrations and changes of ID number;
records registered before it are kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.idnumber import age_on

#: The groups a place may register earlier, by the registry field that tells them.
GROUPS = {"disabled": _("残疾人")}


@dataclass(frozen=True)
class RegistryAgeRule:
    min_age: int = 60
    groups: Mapping[str, int] = field(default_factory=dict)

    def threshold(self, *, disabled: bool = False) -> int:
        """The age from which a person with these attributes is registered."""
        lower = [age for group, age in self.groups.items() if group == "disabled" and disabled]
        return min([self.min_age, *lower])

    def shortfall(
        self, birth_date: datetime.date, *, today: datetime.date, disabled: bool = False
    ) -> tuple[int, int] | None:
        """``(age, threshold)`` when the person is too young to be registered today, else None."""
        threshold = self.threshold(disabled=disabled)
        age = age_on(birth_date, today) if birth_date <= today else 0
        return (age, threshold) if age < threshold else None


def parse_groups(text: str) -> dict[str, int]:
    """``"disabled=55"`` (comma-separated) → ``{"disabled": 55}``; an unknown group is a setting error."""
    groups: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _sep, age = part.partition("=")
        name = name.strip()
        if name not in GROUPS or not age.strip().isdigit():
            raise ImproperlyConfigured(
                f"YIYANG_REGISTRY_MIN_AGE_GROUPS: {part!r} is not group=age with group one of {sorted(GROUPS)}"
            )
        groups[name] = int(age)
    return groups


def registry_rule() -> RegistryAgeRule:
    return RegistryAgeRule(
        min_age=settings.PEOPLE_REGISTRY_MIN_AGE, groups=parse_groups(settings.PEOPLE_REGISTRY_MIN_AGE_GROUPS)
    )


def refusal(age: int, threshold: int) -> str:
    """The reason, in the active language (an import's error report runs in the records' language)."""
    return gettext(
        "未满%(threshold)s周岁（现%(age)s岁），不能登记为老年人；可在其家中老人的档案里登记为家庭成员或联系人"
    ) % {"threshold": threshold, "age": age}
