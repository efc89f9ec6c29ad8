"""Workflow transitions decide on the row as it is now, locked, never on the copy a page read."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def locked(obj: M, *seen: str) -> M:
    """Lock ``obj``'s row until the transaction ends and reload it in place (``SELECT … FOR UPDATE``).

    Two operators acting on one record at once are serialised by the lock; the second, whose decision
    rested on a state that is gone (any of the ``seen`` fields differs from what they read), is
    refused instead of applied a second time. The transition then checks its state on ``obj``.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("locked() must run inside the transition's transaction")
    rows = type(obj)._base_manager.filter(pk=obj.pk).select_for_update()
    now = rows.values(*seen).get() if seen else rows.values("pk").get()
    if any(getattr(obj, name) != now[name] for name in seen):
        raise ValidationError(_("该记录刚被他人处理，请刷新页面后再操作"))
    obj.refresh_from_db()  # the rest of the row as it is now (already locked by this transaction)
    return obj
