"""Writing the audit trail and the access log.

Generic views and actions call these explicitly. Snapshots never hold clear personal data: a model
lists its sensitive fields in ``audit_masked_fields``, and the snapshot keeps the masked form there.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from yiyang.core import search_tokens
from yiyang.core.context import current_client_ip, current_request_id
from yiyang.core.i18n import stored
from yiyang.core.models import AccessLog, AuditEntry

Snapshot = dict[str, Any]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> Snapshot:
    """The auditable state of ``obj``: concrete fields, masked where the model says so.

    ``audit_masked_fields`` maps a field name (e.g. ``id_number_enc``) to the attribute holding the
    display form (``id_number_masked``); ``audit_exclude`` names fields left out entirely.
    """
    masked: Mapping[str, str] = getattr(obj, "audit_masked_fields", {})
    exclude: Iterable[str] = getattr(obj, "audit_exclude", ())
    data: Snapshot = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if name in exclude or field.name in exclude:
            continue
        if name in masked:
            data[masked[name]] = getattr(obj, masked[name])
            continue
        data[field.name if field.is_relation else name] = _json_value(getattr(obj, name))
    return data


def diff(before: Snapshot | None, after: Snapshot | None) -> tuple[Snapshot | None, Snapshot | None]:
    """Keep only the keys that changed, so an update row says exactly what moved."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k) and k != "updated_at"]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def whole_deployment_path() -> str:
    """The area holding every district this deployment serves: the district itself when it serves one
    (the usual case), the city when it serves several. Events that belong to no street or community
    (an area-less account's login, the archive of the audit trail) are filed there."""
    import os

    from django.apps import apps

    area = apps.get_model("areas", "Area")
    district = 3  # areas.AreaLevel.DISTRICT
    paths = list(area.objects.filter(level=district).values_list("path", flat=True))
    if len(paths) <= 1:
        return paths[0] if paths else ""
    prefix = os.path.commonprefix(paths)  # noqa: RUF071 (area paths are strings of digits)
    holders = area.objects.filter(path__in=[prefix[:n] for n in range(1, len(prefix) + 1)])
    return holders.order_by("-level").values_list("path", flat=True).first() or ""


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "系统"}
    return {"actor": actor, "actor_name": actor.get_full_name() or actor.get_username()}


def record_change(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    verb: str,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    message: str = "",
    subject_id: int | None = None,
    area_path: str | None = None,
) -> AuditEntry | None:
    """One audit row for a change to ``obj``. An update that changed nothing writes nothing.

    The row is final once written (the database refuses UPDATE), so ``area_path`` overrides the
    object's own ``audit_area_path`` here when a caller files it elsewhere."""
    before, after = diff(before, after)
    if action == AuditEntry.Action.UPDATE and not after and not message:
        return None
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        request_id=current_request_id(),
        action=action,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=stored(obj)[:200],  # the record's name in Chinese, whoever's screen it was
        subject_id=subject_id if subject_id is not None else getattr(obj, "audit_subject_id", None),
        area_path=area_path if area_path is not None else getattr(obj, "audit_area_path", "") or "",
        before=before,
        after=after,
        message=message,
    )


def record_security_event(
    *,
    actor: Any,
    verb: str,
    success: bool,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    area_path: str = "",
    actor_name: str = "",
    message: str = "",
) -> AuditEntry:
    """A login, a logout, a failed login (等保 §8.1.4.3 b: date and time, user, event type, outcome).

    ``actor_name`` names who tried when there is no account (a failed login with an unknown name).
    """
    fields = _actor_fields(actor)
    if actor_name and fields["actor"] is None:
        fields["actor_name"] = actor_name[:150]
    return AuditEntry.objects.create(
        **fields,
        request_id=current_request_id(),
        action=AuditEntry.Action.LOGIN,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        area_path=area_path,
        message=message,
        success=success,
    )


def record_bulk(
    *,
    actor: Any,
    object_type: str,
    verb: str,
    area_path: str,
    message: str,
    after: Snapshot | None = None,
) -> AuditEntry:
    """The summary row of a bulk operation; the per-row rows share its request id."""
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        request_id=current_request_id(),
        action=AuditEntry.Action.IMPORT,
        verb=verb,
        object_type=object_type,
        area_path=area_path,
        after=after,
        message=message,
    )


def record_access(
    *,
    actor: Any,
    kind: str,
    object_type: str,
    object_id: str = "",
    subject_id: int | None = None,
    area_path: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
    row_count: int = 1,
    query: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        **_actor_fields(actor),
        request_id=current_request_id(),
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        subject_id=subject_id,
        area_path=area_path,
        fields=list(fields),
        reason=reason[:500],
        row_count=row_count,
        query=search_tokens.conceal_query(query)[:1000],
        client_ip=current_client_ip(),
    )
