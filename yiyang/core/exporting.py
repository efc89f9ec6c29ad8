"""Export of any filtered, scoped list to .xlsx, with masking and an access-log row.

The file is written in the records' language (Chinese) whatever language the page is shown in: its
headers are the import headers, and choice labels and computed values must match them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

from yiyang.core import audit
from yiyang.core.i18n import records_language
from yiyang.core.importing.writer import write_rows_xlsx
from yiyang.core.models import AccessLog
from yiyang.core.scoping import user_area_paths

Accessor = str | Callable[[Any], Any]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(obj: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    if isinstance(value, models.Model):
        return str(value)
    return value


def iter_rows(qs: models.QuerySet[Any], columns: Sequence[tuple[str, Accessor]]) -> Iterator[list[Any]]:
    for obj in qs.iterator(chunk_size=2000):
        yield [_value(obj, accessor) for _, accessor in columns]


def export_response(
    qs: models.QuerySet[Any],
    columns: Sequence[tuple[str, Accessor]],
    *,
    filename: str | Promise,
    user: Any,
    object_type: str,
    query: str = "",
) -> HttpResponse:
    buffer = io.BytesIO()
    with records_language():
        filename = str(filename)
        count = write_rows_xlsx(
            [str(h) for h, _ in columns], iter_rows(qs, columns), buffer, sheet_title=filename[:31]
        )
    audit.record_access(
        actor=user,
        kind=AccessLog.Kind.EXPORT,
        object_type=object_type,
        area_path=min(user_area_paths(user), key=len, default=""),
        row_count=count,
        query=query,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.xlsx')}"
    return response
