"""Users, their roles and the areas they work in."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.roles import Role
from yiyang.areas.models import Area, AreaLevel
from yiyang.core.scoping import ScopedManager, ScopedQuerySet, area_q, permission_name, user_area_paths


def covers_whole_district(user: Any) -> bool:
    """Whether one of the user's areas is a district (or wider): such users also manage the accounts
    that have no area at all (a provider's staff), which belong to no street."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached: bool | None = getattr(user, "_yiyang_district_wide", None)
    if cached is None:
        cached = AreaAssignment.objects.filter(user=user, area__level__lte=AreaLevel.DISTRICT).exists()
        user._yiyang_district_wide = cached
    return cached


class UserQuerySet(ScopedQuerySet["User"]):
    def for_user(self, user: Any, action: str = "view") -> UserQuerySet:
        """Accounts ``user`` may ``action``: those whose *every* area lies inside the user's areas.

        A user has several areas and no single ``scope_path``, so this replaces the prefix filter of
        ``core.scoping`` with "no assignment outside my areas"; the permission gate is the same.
        Accounts without any area are visible to district-wide users only.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        paths = user_area_paths(user)
        if not paths:
            return self.none()
        inside_q = area_q("area__path", paths)
        outside = AreaAssignment.objects.filter(user=OuterRef("pk")).exclude(inside_q)
        if covers_whole_district(user):
            return self.filter(~Exists(outside))
        # "some assignment inside and none outside": the first half lets the planner start from the
        # few assignments in the viewer's areas instead of testing every account.
        inside = AreaAssignment.objects.filter(inside_q, user=OuterRef("pk"))
        return self.filter(Exists(inside), ~Exists(outside))


class UserManager(ScopedManager["User"], DjangoUserManager["User"]):
    """``create_user`` and friends from Django, ``for_user`` scoping from ``core.scoping``."""

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def default_operator(self) -> User | None:
        """Who an operator command acts as when none is named: the first district administrator."""
        return self.filter(role=Role.DISTRICT_ADMIN, is_active=True).order_by("pk").first()


class User(AbstractUser):
    """平台用户: one person's account. Shared accounts are not allowed (等保 §8.1.4.2 c)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    #: the password hash never enters an audit snapshot
    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    def area_paths(self) -> list[str]:
        return list(self.assignments.values_list("area__path", flat=True))

    @property
    def audit_area_path(self) -> str:
        """The outermost assigned area, so that the auditors of that area see changes to this account."""
        return min(self.area_paths(), key=lambda p: (len(p), p), default="") if self.pk else ""

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class AreaAssignment(models.Model):
    """辖区分配: an area a user works in; a user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        verbose_name = _("辖区分配")
        verbose_name_plural = _("辖区分配")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="unique_user_area")]

    def __str__(self) -> str:
        return f"{self.user} · {self.area}"


class PasswordHistory(models.Model):
    """A password the user had (its hash only), so that a new one differs from the recent ones."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-changed_at"], name="password_history_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {self.changed_at:%Y-%m-%d}"


class ApiTokenUse(models.Model):
    """When an API token was last used, for its idle timeout (``accounts.tokens``)."""

    token = models.OneToOneField(
        "authtoken.Token",
        verbose_name=_("令牌"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="use",
    )
    last_used_at = models.DateTimeField(_("最近使用时间"))

    class Meta:
        verbose_name = _("令牌使用")
        verbose_name_plural = _("令牌使用")

    def __str__(self) -> str:
        return f"{self.last_used_at:%Y-%m-%d %H:%M}"
