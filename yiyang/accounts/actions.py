"""Account administration (用户管理): each write is atomic, permission- and scope-checked and audited.

等保 level 3 (GB/T 22239 §8.1.4.2): one account per person, accounts disabled rather than deleted (the
audit trail keeps the name), least privilege (a manager hands out only areas inside their own and only
roles they may grant), and no administrator changes their own role, areas or status.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from yiyang.accounts.models import AreaAssignment, User
from yiyang.accounts.roles import Role
from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import home_path, permission_name

#: Roles that work without an area assignment (a provider's staff see what is dispatched to them).
UNSCOPED_ROLES = frozenset({Role.PROVIDER_STAFF})

#: ``password_changed_at`` of a password someone else set: older than any expiry policy, so
#: ``PasswordExpiryMiddleware`` sends the user to the change page at the first login.
MUST_CHANGE_AT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

_SYMBOLS = "@#$%*+-=?"
# No 0/O, 1/l/I: the password is read off a screen and typed in by someone else.
_ALPHABETS = (
    "abcdefghijkmnpqrstuvwxyz",
    "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "23456789",
    _SYMBOLS,
)


@dataclass
class UserData:
    """The editable facts of an account, already cleaned (the form builds this)."""

    username: str
    last_name: str
    first_name: str
    role: str
    areas: Sequence[Area] = field(default_factory=list)
    phone: str = ""
    organisation: str = ""
    is_active: bool = True


def generate_password(user: User | None = None, length: int = 12) -> str:
    """A random password with every character class, accepted by the project's validators."""
    while True:
        chars = [secrets.choice(alphabet) for alphabet in _ALPHABETS]
        everything = "".join(_ALPHABETS)
        chars += [secrets.choice(everything) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def user_snapshot(user: User) -> dict[str, Any]:
    """The audited state: model fields (never the password hash, see ``User.audit_exclude``) and areas."""
    data = audit.snapshot(user)
    data["areas"] = sorted(user.area_paths()) if user.pk else []
    return data


def _require(actor: Any, action: str) -> None:
    if not actor.has_perm(permission_name(User, action)):
        raise PermissionDenied


def _require_in_scope(actor: Any, user: User, action: str = "change") -> None:
    """Another area's account looks missing, like any out-of-scope record."""
    if not User.objects.for_user(actor, action).filter(pk=user.pk).exists():
        raise Http404


def _check_role_and_areas(actor: Any, data: UserData) -> None:
    if data.role not in Role.values:
        raise ValidationError({"role": _("未知角色")})
    if data.role == Role.DISTRICT_ADMIN and not actor.has_perm("accounts.grant_district_admin"):
        raise ValidationError({"role": _("只有区级管理员可以设置区级管理员账号")})
    if not data.areas and data.role not in UNSCOPED_ROLES:
        raise ValidationError(
            {"areas": _("角色“%(role)s”须至少分配一个辖区") % {"role": Role(data.role).label}}
        )
    mine = set(
        Area.objects.for_user(actor).filter(pk__in=[a.pk for a in data.areas]).values_list("pk", flat=True)
    )
    outside = [a.name for a in data.areas if a.pk not in mine]
    if outside:
        raise ValidationError(
            {"areas": _("不能分配您管辖范围以外的区域：%(areas)s") % {"areas": "、".join(outside)}}
        )


def _check_username(data: UserData, user: User | None) -> None:
    clash = User.objects.filter(username__iexact=data.username)
    if user is not None and user.pk:
        clash = clash.exclude(pk=user.pk)
    if clash.exists():
        raise ValidationError({"username": _("该用户名已被使用（停用的账号也保留用户名）")})


def _fill(user: User, data: UserData) -> None:
    user.username = data.username
    user.last_name = data.last_name
    user.first_name = data.first_name
    user.role = data.role
    user.phone = data.phone
    user.organisation = data.organisation
    user.is_active = data.is_active


def _set_areas(user: User, areas: Sequence[Area]) -> None:
    AreaAssignment.objects.filter(user=user).exclude(area__in=list(areas)).delete()
    have = set(user.assignments.values_list("area_id", flat=True))
    AreaAssignment.objects.bulk_create([AreaAssignment(user=user, area=a) for a in areas if a.pk not in have])


def _force_change(user: User, password: str) -> None:
    user.set_password(password)
    user.password_changed_at = MUST_CHANGE_AT


def _audit(
    *,
    actor: Any,
    user: User,
    action: str,
    verb: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    message: str = "",
) -> AuditEntry | None:
    # An account without areas (provider staff) is filed under the manager's outermost area, so that
    # the district's auditors see it. (Decided before the row is written: audit rows are append-only.)
    return audit.record_change(
        actor=actor,
        obj=user,
        action=action,
        verb=verb,
        before=before,
        after=after,
        message=message,
        area_path=user.audit_area_path or home_path(actor),
    )


def must_change_password(user: User) -> bool:
    return user.password_changed_at <= MUST_CHANGE_AT


@transaction.atomic
def user_create(*, data: UserData, actor: Any, password: str | None = None) -> tuple[User, str | None]:
    """Create an account. Returns the user and the generated password (None if ``password`` was given).

    Either way the password is one someone else knows, so the user must change it at first login.
    """
    _require(actor, "add")
    _check_role_and_areas(actor, data)
    _check_username(data, None)
    user = User()
    _fill(user, data)
    generated = None
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    else:
        password = generated = generate_password(user)
    _force_change(user, password)
    user.save()
    _set_areas(user, data.areas)
    if not User.objects.for_user(actor, "change").filter(pk=user.pk).exists():
        raise ValidationError(_("不能创建您管辖范围以外的账号（无辖区的账号须由区级管理员创建）"))
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.CREATE,
        verb="user.create",
        before=None,
        after=user_snapshot(user),
        message="初始密码由系统生成" if generated else "初始密码由管理员设置",
    )
    return user, generated


@transaction.atomic
def user_update(*, user: User, data: UserData, actor: Any) -> User:
    _require(actor, "change")
    _require_in_scope(actor, user)
    _check_role_and_areas(actor, data)
    _check_username(data, user)
    if user.pk == actor.pk:
        own = {a.pk for a in data.areas} != set(user.assignments.values_list("area_id", flat=True))
        if data.role != user.role or own or not data.is_active:
            raise ValidationError(_("不能修改自己的角色、辖区或状态，请由另一位管理员办理"))
    before = user_snapshot(user)
    _fill(user, data)
    user.save()
    _set_areas(user, data.areas)
    if not User.objects.for_user(actor, "change").filter(pk=user.pk).exists():
        raise ValidationError(_("不能把账号移出您的管辖范围"))
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb="user.update",
        before=before,
        after=user_snapshot(user),
    )
    return user


def _set_active(*, user: User, actor: Any, active: bool, reason: str) -> User:
    _require(actor, "change")
    _require_in_scope(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("不能停用或启用自己的账号"))
    if user.is_active == active:
        return user
    before = user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        # API tokens stop working with is_active anyway; deleting them leaves nothing to revive.
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=user).delete()
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb="user.reactivate" if active else "user.deactivate",
        before=before,
        after=user_snapshot(user),
        message=reason[:500],
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: Any, reason: str = "") -> User:
    """停用: the account can no longer log in; it is never deleted, the audit trail keeps its name."""
    return _set_active(user=user, actor=actor, active=False, reason=reason)


@transaction.atomic
def user_reactivate(*, user: User, actor: Any, reason: str = "") -> User:
    return _set_active(user=user, actor=actor, active=True, reason=reason)


@transaction.atomic
def user_reset_password(*, user: User, actor: Any) -> str:
    """重置密码: a new random password, shown once to the manager; the user must change it at login.

    Changing the hash also ends the user's open sessions (Django checks the session auth hash).
    """
    _require(actor, "change")
    _require_in_scope(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("请通过“修改密码”更改自己的密码"))
    password = generate_password(user)
    _force_change(user, password)
    user.save(update_fields=["password", "password_changed_at"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb="user.reset_password",
        before=None,
        after=None,
        message="管理员重置密码，须在下次登录时修改",
    )
    return password


@transaction.atomic
def user_unlock(*, user: User, actor: Any) -> int:
    """解除锁定: forget the failed logins that locked the account (django-axes). Returns their count."""
    from axes.utils import reset

    _require(actor, "change")
    _require_in_scope(actor, user)
    removed = reset(username=user.username)
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb="user.unlock",
        before=None,
        after=None,
        message=f"解除登录锁定（清除 {removed} 条失败记录）",
    )
    return removed


@transaction.atomic
def user_revoke_token(*, user: User, actor: Any) -> int:
    """吊销接口令牌: by the account's administrator, or by the owner (no permission needed for one's own)."""
    from rest_framework.authtoken.models import Token

    if actor is not None and actor.pk != user.pk:
        _require(actor, "change")
        _require_in_scope(actor, user)
    revoked, _detail = Token.objects.filter(user=user).delete()
    if revoked:
        _audit(
            actor=actor,
            user=user,
            action=AuditEntry.Action.UPDATE,
            verb="user.token_revoke",
            before=None,
            after=None,
            message="吊销接口令牌" if actor is None or actor.pk != user.pk else "本人吊销接口令牌",
        )
    return min(revoked, 1)


@transaction.atomic
def user_reset_second_factor(*, user: User, actor: Any, reason: str = "") -> int:
    """重置两步验证: remove the user's authenticator and recovery codes (a lost phone); the user
    enrols again at the next login. Never one's own: another administrator must do it."""
    from yiyang.accounts import second_factor

    _require(actor, "change")
    _require_in_scope(actor, user)
    if actor.pk == user.pk:
        raise PermissionDenied
    removed = second_factor.reset(user)
    _audit(
        actor=actor,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb="user.otp_reset",
        before=None,
        after=None,
        message="重置两步验证" + (f"：{reason}" if reason else ""),
    )
    return removed


def second_factor_recorded(*, user: Any, verb: str, message: str) -> None:
    """The owner enrolled, or used a recovery code: a security event in the audit trail."""
    _audit(
        actor=user,
        user=user,
        action=AuditEntry.Action.UPDATE,
        verb=verb,
        before=None,
        after=None,
        message=message,
    )
