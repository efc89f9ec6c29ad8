"""Which device a serial number names: one cheap query per batch for the listener.

Ingestion needs only a few columns of a device (its id, elder, kind, status and the elder's area
path), never the model instance: :class:`DeviceRef` carries them. :func:`lookup` answers a batch by
serial number with one query (the HTTP endpoint, tests, the demo).

:class:`DeviceDirectory` is the MQTT listener's long-lived cache of serial → device id. Each batch
then costs one primary-key look-up of the devices it names (``id = ANY(…)``, binary parameters, no
model instances), which also reads their *current* status and elder, so nothing about a device can
be stale: a device removed or moved to another elder on a web server is honoured by the next batch.
The id itself is checked too: a serial renamed or a device deleted no longer comes back from the
look-up under that serial, and is looked up again by serial like any serial not in the cache.

Serials not in the registry are never cached (unknown devices are random garbage: caching them would
let a misbehaving sender grow the listener's memory), and the cache holds at most ``max_entries``
serials, so memory is bounded whatever the size of the registry. It is filled at start-up with the
whole registry (100,000 devices: well under a second and a few MB) so that memory is flat from the
first minute rather than creeping up as devices report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection

from yiyang.core.sql import execute_bound
from yiyang.people.models import Elder
from yiyang.safety.models import Device

_FIELDS = ("serial", "id", "elder_id", "kind", "status", "elder__area_path")


class DeviceRef:
    """The columns of a device that ingestion and the per-event rules read."""

    __slots__ = ("area_path", "elder_id", "id", "kind", "serial", "status")

    def __init__(self, serial: str, id: int, elder_id: int, kind: str, status: str, area_path: str) -> None:
        self.serial, self.id, self.elder_id = serial, id, elder_id
        self.kind, self.status, self.area_path = kind, status, area_path

    def __repr__(self) -> str:
        return f"DeviceRef({self.serial!r}, id={self.id}, status={self.status!r})"


def _refs(rows: Iterable[tuple[str, int, int, str, str, str]]) -> list[DeviceRef]:
    return [DeviceRef(*row) for row in rows]


def lookup(serials: Collection[str]) -> dict[str, DeviceRef]:
    """The devices named by ``serials``, with one query."""
    if not serials:
        return {}
    rows = Device.objects.filter(serial__in=list(serials)).values_list(*_FIELDS)
    return {ref.serial: ref for ref in _refs(rows)}


def by_ids(ids: Collection[int]) -> list[DeviceRef]:
    """The devices with these primary keys, as they are now, with one query."""
    if not ids:
        return []
    if connection.vendor != "postgresql":
        return _refs(Device.objects.filter(pk__in=list(ids)).values_list(*_FIELDS))
    device, elder = Device._meta.db_table, Elder._meta.db_table
    sql = f"""
        SELECT d.serial, d.id, d.elder_id, d.kind, d.status, e.area_path
        FROM {device} d JOIN {elder} e ON e.id = d.elder_id
        WHERE d.id = ANY(%b::bigint[])
    """
    return _refs(execute_bound(sql, [list(ids)], returning=True))


class DeviceDirectory:
    """serial → device id for a long-running process; bounded; the rest read fresh (see above)."""

    def __init__(self, *, max_entries: int = 500_000, warm: bool = True) -> None:
        self.max_entries, self.warm = max_entries, warm
        self._ids: dict[str, int] = {}
        self._warmed = False
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._ids)

    def clear(self) -> None:
        self._ids = {}
        self._warmed = False

    def resolve(self, serials: Collection[str]) -> dict[str, DeviceRef]:
        """The devices named by ``serials`` as they are now: one look-up by id, plus one by serial
        for the serials the cache does not know (or knew wrongly)."""
        if self.warm and not self._warmed:
            self._fill()
        known = {s: self._ids[s] for s in serials if s in self._ids}
        found: dict[str, DeviceRef] = {}
        for ref in by_ids(set(known.values())):
            if known.get(ref.serial) == ref.id:
                found[ref.serial] = ref
        self.hits += len(found)
        missing = [s for s in serials if s not in found]
        if missing:
            self.misses += len(missing)
            for s in missing:
                self._ids.pop(s, None)  # renamed or deleted, if it was known
            fetched = lookup(missing)
            self._remember((ref.serial, ref.id) for ref in fetched.values())
            found.update(fetched)
        return found

    def _remember(self, pairs: Iterable[tuple[str, int]]) -> None:
        for serial, pk in pairs:
            if len(self._ids) >= self.max_entries:
                self._ids = {}  # start over rather than grow: the devices that report come back at once
            self._ids[serial] = pk

    def _fill(self) -> None:
        self._ids = {}
        rows = Device.objects.order_by().values_list("serial", "id")[: self.max_entries]
        self._remember(rows.iterator(chunk_size=20_000))
        self._warmed = True
