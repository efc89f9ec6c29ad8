"""The access matrix of what core keeps itself: import batches and documents printed in the background (the audit logs are in people's)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.models import DocumentJob, ImportBatch
from yiyang.core.testing import AccessMatrix, Endpoint, World, next_number


def make_batch(world: World, area: Any) -> ImportBatch:
    return ImportBatch.objects.create(
        kind="people.elder",
        filename=f"台账{next_number()}.xlsx",
        area_path=area.path,
        request_id=uuid.uuid4(),
    )


BATCHES = AccessMatrix(
    ImportBatch, make_batch, [Endpoint("detail", lambda b: reverse("core:importbatch_detail", args=[b.pk]))]
)


@pytest.mark.parametrize(("who", "endpoint"), BATCHES.cases())
def test_import_batch_access(client: Client, world: World, who: str, endpoint: str) -> None:
    BATCHES.check(client, world, who, endpoint)


def make_document(world: World, area: Any) -> DocumentJob:
    return DocumentJob.objects.create(
        kind="benefits.public_list",
        title=f"公示名单{next_number()}",
        filename="公示.pdf",
        area_path=area.path,
    )


DOCUMENTS = AccessMatrix(
    DocumentJob,
    make_document,
    [Endpoint("detail", lambda d: reverse("core:documentjob_detail", args=[d.pk]))],
)


@pytest.mark.parametrize(("who", "endpoint"), DOCUMENTS.cases())
def test_document_job_access(client: Client, world: World, who: str, endpoint: str) -> None:
    DOCUMENTS.check(client, world, who, endpoint)
