"""Moving the provider and canteen memberships into core.Membership keeps every row, both ways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("services", "0003_settlement_line_lighter_keys_visit_verified_date"), ("meals", "0001_initial")]
AFTER = [("services", "0004_memberships_into_core"), ("meals", "0002_memberships_into_core")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def rewound(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = _migrate(BEFORE)
    yield executor
    # forward again to every app's latest migration: rewinding services also unapplied the modules that
    # depend on it (complaints, institutions …), whose tables the next tests of this process need
    _migrate(executor.loader.graph.leaf_nodes())


def test_memberships_survive_the_move(rewound: MigrationExecutor) -> None:
    old = rewound.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Provider = old.get_model("services", "Provider")
    Area = old.get_model("areas", "Area")
    Canteen = old.get_model("meals", "Canteen")
    staff = [User.objects.create(username=f"m{i}", role="provider_staff") for i in range(3)]
    providers = [Provider.objects.create(name=f"服务商{i}", kind="domestic") for i in range(2)]
    area = Area.objects.create(code="320612001001", path="320612001001", name="东市社区", level=5)
    canteen = Canteen.objects.create(name="东市长者食堂", area=area, area_path=area.path)
    ProviderMembership = old.get_model("services", "ProviderMembership")
    CanteenMembership = old.get_model("meals", "CanteenMembership")
    ProviderMembership.objects.create(user=staff[0], provider=providers[0])
    ProviderMembership.objects.create(user=staff[1], provider=providers[0])
    ProviderMembership.objects.create(user=staff[1], provider=providers[1])
    CanteenMembership.objects.create(user=staff[2], canteen=canteen)
    CanteenMembership.objects.create(user=staff[0], canteen=canteen)

    executor = _migrate(AFTER)
    Membership = executor.loader.project_state(AFTER).apps.get_model("core", "Membership")
    rows = set(Membership.objects.values_list("user__username", "organisation_type", "organisation_id"))
    assert rows == {
        ("m0", "services.provider", providers[0].pk),
        ("m1", "services.provider", providers[0].pk),
        ("m1", "services.provider", providers[1].pk),
        ("m2", "meals.canteen", canteen.pk),
        ("m0", "meals.canteen", canteen.pk),
    }

    executor = _migrate(BEFORE)
    back = executor.loader.project_state([*BEFORE, ("core", "0003_membership")]).apps
    assert back.get_model("services", "ProviderMembership").objects.count() == 3
    assert back.get_model("meals", "CanteenMembership").objects.count() == 2
    assert not back.get_model("core", "Membership").objects.exists()
