"""Rotation of the look-up (blind-index) hash key (issue 18 item 9): ``yiyang keys rotate --hashes``
recomputes every digest from its encrypted value in batches, can stop and be run again, keeps exact
searches working meanwhile, leaves the audit chains verifiable, and leaves no digest under the old key."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from yiyang.core import audit_chain, crypto, keys
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db
OLD, NEW = "old-hash-secret-0123456789abcdef", "new-hash-secret-0123456789abcdef"
ROTATING = {"FIELD_HASH_KEY": NEW, "FIELD_OLD_HASH_KEYS": [OLD], "AUDIT_KEY": OLD}


def _elders(world: World, n: int) -> list[Elder]:
    with override_settings(FIELD_HASH_KEY=OLD):
        made = [
            ElderFactory.create(area=world.areas.community_a1, phone=f"1390000{i:04d}", health="高血压")
            for i in range(n)
        ]
        AuditEntry.objects.create(
            request_id="00000000-0000-0000-0000-000000000001",
            action="update",
            verb="x",
            object_type="x",
            area_path="320612",
        )
        audit_chain.seal()
        return made


def _found(id_number: str) -> bool:
    return Elder.objects.filter(elder_search_q(id_number)).exists()


def test_rotation_is_batched_resumable_and_leaves_nothing_under_the_old_key(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    elders = _elders(world, 7)
    numbers = [e.id_number for e in elders]
    old_digest = Elder.objects.get(pk=elders[0].pk).id_number_hash
    with override_settings(**ROTATING):
        assert crypto.hash_rotation_pending()
        assert all(_found(n) for n in numbers)  # found through the retired key meanwhile
        assert keys.digests_left()["people.elder"] == 7

        # Stopped after the first batch of three (a crash, a Ctrl-C) …
        real = keys._digest_pages

        def stop_after_first(*args: Any, **kwargs: Any) -> Any:
            pages = real(*args, **kwargs)
            yield next(pages)
            raise KeyboardInterrupt

        monkeypatch.setattr(keys, "_digest_pages", stop_after_first)
        with pytest.raises(KeyboardInterrupt):
            keys.rotate_hashes(batch=3)
        monkeypatch.setattr(keys, "_digest_pages", real)
        assert keys.digests_left()["people.elder"] == 4
        assert all(_found(n) for n in numbers)  # half rotated, every one still found

        # … and run again: the rest, then nothing more.
        out = StringIO()
        call_command("keys_rotate", "--hashes", "--batch", "3", stdout=out)
        assert "0 left" in out.getvalue()
        assert keys.rotate_hashes(batch=3)["people.elder"] == 0
        assert audit_chain.verify().ok  # the chain keeps its own key

    with override_settings(FIELD_HASH_KEY=NEW, FIELD_OLD_HASH_KEYS=[], AUDIT_KEY=OLD):
        assert not crypto.hash_rotation_pending()
        assert all(_found(n) for n in numbers)  # under the new key alone
        assert not Elder.objects.filter(id_number_hash=old_digest).exists()
        rows = list(Elder.objects.filter(pk__in=[e.pk for e in elders]))
        assert all(r.id_number_hash == crypto.lookup_hash(r.id_number) for r in rows)
        assert all(r.phone_hash == crypto.lookup_hash(r.phone) for r in rows)
        assert all(r.health_hash == crypto.note_digest(r.id_number_hash, "高血压") for r in rows)
        assert len({r.health_hash for r in rows}) == 7


def test_a_value_saved_during_the_rotation_is_not_overwritten(world: World) -> None:
    (elder,) = _elders(world, 1)
    with override_settings(**ROTATING):
        d = next(x for x in keys.digest_models() if x.label == "people.elder")
        (page,) = list(keys._digest_pages(d, "default", 10))[:1]
        # a user saves a new phone (under the new key) after the batch was read
        elder.refresh_from_db()
        elder.set_phone("13700001111")
        elder.save()
        saved = Elder.objects.get(pk=elder.pk).phone_hash
        pages = iter([page])
        original = keys._digest_pages
        keys._digest_pages = lambda *a, **k: pages
        try:
            keys.rotate_digests(d)
        finally:
            keys._digest_pages = original
        assert Elder.objects.get(pk=elder.pk).phone_hash == saved == crypto.lookup_hash("13700001111")


def test_the_command_refuses_until_the_audit_key_is_pinned(world: World) -> None:
    pinned = override_settings(FIELD_HASH_KEY=NEW, FIELD_OLD_HASH_KEYS=[OLD], AUDIT_KEY="")
    with pinned, pytest.raises(CommandError, match="YIYANG_AUDIT_KEY"):
        call_command("keys_rotate", "--hashes")


def test_imports_wait_while_a_rotation_is_pending(world: World, tmp_path: Any) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_text("姓名,身份证号码\n张三,320612195003011019\n", encoding="utf-8")
    with override_settings(**ROTATING), pytest.raises((CommandError, SystemExit)):
        call_command("import_elders", str(sheet), "--as", world.alice.username, stdout=StringIO())
