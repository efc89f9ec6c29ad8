from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
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


class PasswordHistoryValidator:
    """A new password differs from the current one and from the ``remember`` before it.

    Kept as hashes (``PasswordHistory``), never in clear; :meth:`password_changed` (called by Django
    when a user saves a new password) records each one.
    """

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from django.contrib.auth.hashers import check_password

        from yiyang.accounts.models import PasswordHistory

        if user.password and user.check_password(password):
            raise ValidationError(gettext("新密码不能与当前密码相同。"), code="password_reused")
        recent = PasswordHistory.objects.filter(user=user).order_by("-changed_at", "-pk")[: self.remember]
        if any(check_password(password, entry.password) for entry in recent):
            raise ValidationError(
                gettext("新密码不能与最近 %(count)s 次使用过的密码相同。") % {"count": self.remember},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None) or not user.password:
            return
        from yiyang.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).order_by("-changed_at", "-pk")[: self.remember]
        PasswordHistory.objects.filter(user=user).exclude(
            pk__in=list(keep.values_list("pk", flat=True))
        ).delete()

    def get_help_text(self) -> str:
        return gettext("新密码不能与最近 %(count)s 次使用过的密码相同。") % {"count": self.remember}


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting (19 MiB of memory, 2 passes, 1 lane).

    等保 §8.1.4.8 asks that authentication data be kept confidential with cryptography: a salted,
    memory-hard hash does that, and Argon2id is the current recommendation (RFC 9106, OWASP). It costs
    ~35 ms of one core per login where PBKDF2 at Django's 1,000,000 iterations cost ~350 ms (and over
    1.8 s when a hundred staff log in on two busy cores; bench/load.py, bench/README.md). Memory makes a
    guessing attacker's hardware pay where iterations alone do not. Existing PBKDF2 hashes still verify
    and are rehashed with this on the user's next login (``PASSWORD_HASHERS`` keeps PBKDF2 second)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
