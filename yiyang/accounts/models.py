"""Users, their roles and the areas they work in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from yiyang.accounts.roles import Role
from yiyang.areas.models import Area


class User(AbstractUser):
    """平台用户: one person's account. Shared accounts are not allowed (等保 §8.1.4.2 c)."""

    role = models.CharField("角色", max_length=32, choices=Role.choices)
    phone = models.CharField("手机号", max_length=20, blank=True)
    organisation = models.CharField("单位", max_length=100, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    def area_paths(self) -> list[str]:
        return list(self.assignments.values_list("area__path", flat=True))

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class AreaAssignment(models.Model):
    """辖区分配: an area a user works in; a user may hold several."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="assignments")
    area = models.ForeignKey(Area, verbose_name="区域", on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        verbose_name = "辖区分配"
        verbose_name_plural = "辖区分配"
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="unique_user_area")]

    def __str__(self) -> str:
        return f"{self.user} · {self.area}"
