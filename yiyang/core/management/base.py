"""Helpers for operator commands: every command acts as a named user, through the same scoping."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        default=os.environ.get("YIYANG_CLI_USER", ""),
        help="username to act as (default: $YIYANG_CLI_USER, else the first district administrator)",
    )


def resolve_actor(username: str) -> Any:
    User = get_user_model()
    if username:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"没有启用的用户 {username}") from exc
    user = User.objects.default_operator()
    if user is None:
        raise CommandError("请用 --as 指定操作用户（尚无区级管理员）")
    return user
