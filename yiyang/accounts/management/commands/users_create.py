import getpass
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from yiyang.accounts.models import AreaAssignment, User
from yiyang.accounts.roles import Role
from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.context import unit_of_work
from yiyang.core.models import AuditEntry
from yiyang.core.names import split_name

# Roles that work without an area assignment (a provider's staff see what is dispatched to them).
UNSCOPED_ROLES = {Role.PROVIDER_STAFF}


class Command(BaseCommand):
    help = "新建或更新用户 (create or update a user): --username U --role ROLE --area CODE --name 张三"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--role", required=True, choices=Role.values, help="; ".join(f"{r.value} {r.label}" for r in Role)
        )
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            metavar="CODE",
            help="区划代码 of an area the user works in; repeat for several. "
            "When updating, the given areas replace the old ones.",
        )
        parser.add_argument("--name", help="姓名, family name first, e.g. 张三")
        parser.add_argument("--password", help="prompted when omitted and stdin is a terminal")
        parser.add_argument("--phone", help="手机号")
        parser.add_argument("--organisation", help="单位")
        parser.add_argument("--inactive", action="store_true", help="create or set the account disabled")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):  # validator messages in Chinese
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        username = options["username"].strip()
        role = Role(options["role"])
        areas = self._areas(options["area"])
        user = User.objects.filter(username=username).first()
        creating = user is None
        if creating:
            user = User(username=username)
            if not areas and role not in UNSCOPED_ROLES:
                raise CommandError(f"角色“{role.label}”须指定辖区：--area 区划代码")
            if not options["name"]:
                raise CommandError("新建用户须填写姓名：--name 张三")
        assert user is not None
        before = self._state(user) if not creating else None

        user.role = role
        if options["name"]:
            user.last_name, user.first_name = split_name(options["name"])
        if options["phone"] is not None:
            user.phone = options["phone"]
        if options["organisation"] is not None:
            user.organisation = options["organisation"]
        user.is_active = not options["inactive"]

        password = options["password"]
        if password is None:
            password = self._prompt(allow_empty=not creating)
        if password is None and creating:
            raise CommandError("新建用户须设置密码：--password，或在终端中运行以输入密码")
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + " ".join(exc.messages)) from exc
            user.set_password(password)  # sets password_changed_at

        with unit_of_work(), transaction.atomic():
            user.save()
            if areas or creating:
                AreaAssignment.objects.filter(user=user).exclude(area__in=areas).delete()
                for area in areas:
                    AreaAssignment.objects.get_or_create(user=user, area=area)
            after = self._state(user)
            if password is not None:
                after["password_changed_at"] = user.password_changed_at.isoformat()
            audit.record_change(
                actor=None,
                obj=user,
                action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
                verb="user.create" if creating else "user.update",
                before=before,
                after=after,
                message="命令行 users_create",
            )
        assigned = [a.area for a in user.assignments.select_related("area").order_by("area__path")]
        area_text = "、".join(area.full_name() for area in assigned) or "（不限区域）"
        verb = "新建" if creating else "更新"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}用户 {user.username}（{user.get_full_name()}，{role.label}）：{area_text}"
            )
        )

    def _areas(self, codes: list[str]) -> list[Area]:
        areas = []
        for code in codes:
            area = Area.objects.filter(code=code.strip()).first()
            if area is None:
                raise CommandError(f"找不到区划代码 {code}（先运行 areas_load --district XXXXXX）")
            areas.append(area)
        return areas

    def _prompt(self, *, allow_empty: bool) -> str | None:
        """Ask on a terminal; None without one. When updating, an empty answer keeps the password."""
        if not sys.stdin.isatty():
            return None
        hint = "（直接回车保留原密码 Enter keeps the current one）" if allow_empty else ""
        for _ in range(3):
            first = getpass.getpass(f"密码 Password{hint}: ")
            if not first and allow_empty:
                return None
            second = getpass.getpass("再次输入 Password (again): ")
            if first and first == second:
                return first
            self.stderr.write("两次输入不一致或为空，请重试")
        raise CommandError("未能设置密码")

    @staticmethod
    def _state(user: User) -> dict[str, Any]:
        """What the audit row records: never the password hash."""
        return {
            "username": user.username,
            "name": user.get_full_name(),
            "role": user.role,
            "is_active": user.is_active,
            "phone": user.phone,
            "organisation": user.organisation,
            "areas": sorted(user.area_paths()) if user.pk else [],
        }
