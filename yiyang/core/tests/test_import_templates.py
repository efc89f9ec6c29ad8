"""Every registered import offers a template that downloads, opens as a workbook and reads back.

The certification template was a 500 (its example rows were tuples where the writer expects dicts),
and only the elder template had a test: so this one covers the whole importer registry.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from yiyang.accounts.roles import permissions_for
from yiyang.core.importing.reader import open_table
from yiyang.core.importing.registry import import_permission, registered_importers
from yiyang.core.testing import STANDING_USERS, World

IMPORTERS = registered_importers()


def test_the_registry_holds_every_import() -> None:
    kinds = {importer.kind for importer in IMPORTERS}
    assert {"people.elder", "benefits.certification"} <= kinds


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.kind)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_template_downloads_opens_and_reads_back(
    world: World, client: Any, importer: Any, language: str
) -> None:
    who = next(
        u.username for u in STANDING_USERS if import_permission(importer.kind) in permissions_for(u.role)
    )
    client.force_login(world.users[who])
    client.cookies["django_language"] = language
    response = client.get(reverse("core:import_template", args=[importer.kind]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [str(c.value) for c in sheet[2] if c.value is not None]
    # A Chinese spreadsheet whatever the interface language: the labels the reader matches.
    assert header == [("*" if c.required else "") + c.label for c in importer.columns]

    reader = open_table(response.content, filename="模板.xlsx", columns=importer.columns)
    assert set(reader.header.columns) == {c.field for c in importer.columns}
    examples = list(reader.rows())
    assert len(examples) == len(importer.example_rows)
    for row, example in zip(examples, importer.example_rows, strict=True):
        assert {k: str(v) for k, v in row.values.items() if v is not None} == {
            k: str(v) for k, v in example.items()
        }


def test_an_unknown_template_is_a_404_not_a_500(world: World, client: Any) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("core:import_template", args=["nothing.here"])).status_code == 404
    assert client.get(reverse("core:import_template", args=["nodot"])).status_code == 404


def test_a_template_needs_the_import_permission(world: World, client: Any) -> None:
    client.force_login(world.grace)  # the auditor reads, never imports
    assert client.get(reverse("core:import_template", args=["people.elder"])).status_code == 403
