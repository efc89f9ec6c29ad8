"""How dates and times are written into form inputs, whatever the reader's language.

Browsers accept only ISO values in ``<input type="date">`` (2026-10-04) and ``type="datetime-local"``
(2026-10-04T08:30:00); anything else is dropped and the field shows blank. Django renders an input's
value with the first of the locale's ``*_INPUT_FORMATS``, which for Chinese is 2026/10/04: every
date on an edit form came up empty in the Chinese interface and could not be saved unchanged. The
locales here (``settings.FORMAT_MODULE_PATH``) put the ISO form first for every language, so every
form — model forms, plain forms, filters — renders and reads dates the same way; the other formats
people type (2026/10/04, 2026年10月4日) are still read. Display formats are not touched.

``tests/test_edit_round_trip.py`` holds every edit page to it.
"""

from __future__ import annotations

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
]
