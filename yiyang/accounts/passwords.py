from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CharacterClassValidator:
    """Password complexity (等保 §8.1.4.1 a): characters from several classes."""

    CLASSES = (
        (_("小写字母"), str.islower),
        (_("大写字母"), str.isupper),
        (_("数字"), str.isdigit),
        (_("符号"), lambda c: not c.isalnum()),
    )

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _name, test in self.CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        names = gettext("、").join(str(name) for name, _test in self.CLASSES)
        return gettext("密码须包含%(classes)s中至少 %(count)s 类字符。") % {
            "classes": names,
            "count": self.min_classes,
        }
