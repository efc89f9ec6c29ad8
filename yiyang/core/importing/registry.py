"""Importers by kind, so that the background job and the CLI can find them by name."""

from __future__ import annotations

from yiyang.core.importing.engine import Importer
from yiyang.core.models import ImportBatch

_importers: dict[str, type[Importer]] = {}


def register_importer(importer: type[Importer]) -> type[Importer]:
    _importers[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer]:
    try:
        return _importers[kind]
    except KeyError:
        raise LookupError(f"no importer registered for {kind!r}") from None


def registered_importers() -> list[type[Importer]]:
    """Every registered importer, by kind (for pages and tests that cover them all)."""
    return [_importers[kind] for kind in sorted(_importers)]


def importer_for_batch(batch: ImportBatch) -> Importer:
    """The importer a batch runs with, the same from the page, the command line and a background job."""
    return importer_for(batch.kind)(batch.actor, area_path=batch.target_path)


def import_permission(kind: str) -> str:
    """Who may import a kind, on the page or the CLI: people.elder -> people.import_elder."""
    app, model = kind.split(".")
    return f"{app}.import_{model}"
