"""Benchmark: the district's 公示 list (issue 11: "the district list in under 10 s").

    .venv/bin/python bench/documents.py [--rows 3079] [--repeat 3]

No database: the list's rows are made up with the longest names a list carries, as many as the demo
district's monthly 高龄津贴 roll has (3,079 lines, 78 pages). Side by side in the same run, medians of
``--repeat`` runs, wall time and CPU seconds (this process and its workers):

* one part: the whole list laid out as one document in one process (what the page did before);
* parts: the list as the page makes it now, in parts laid out side by side (DOCUMENT_PROCESSES);
* floor: the same number of pages with one line each, in the same processes — the fixed cost of
  starting the workers, loading the fonts and writing the pages, whatever the rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3079)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from yiyang.benefits import documents
    from yiyang.core.i18n import records_language
    from yiyang.core.pdf import render_pdf_parts

    roll = SimpleNamespace(
        area=SimpleNamespace(name="通州区"),
        programme=SimpleNamespace(name="高龄津贴"),
        area_path="320612",
        month=datetime.date(2026, 11, 1),
    )
    rows = [
        {
            "n": n,
            "name": "欧阳*华",
            "id": f"320612********{n % 10000:04d}",
            "community": "经济技术开发区新世纪花园社区",
            "amount": 100 + n % 7 * 100,
            "change": "续发",
            "months": 1,
        }
        for n in range(1, args.rows + 1)
    ]
    with records_language():
        parts = documents.public_list_parts_of(roll, rows)
        pages = len(documents.paginate(rows))
        per_part, documents.MIN_PAGES_PER_PART = documents.MIN_PAGES_PER_PART, 10**6
        (one,) = documents.public_list_parts_of(roll, rows)  # all pages in one document
        documents.MIN_PAGES_PER_PART = per_part
        per_part = max(1, pages // len(parts))
        floor_parts = [
            "<html><body style='font-family: \"Noto Sans CJK SC\"'>"
            + "".join(f"<p style='break-before: page'>第{i}页</p>" for i in range(per_part))
            + "</body></html>"
            for _ in parts
        ]

    def timed(label: str, html_parts: list[str], processes: int) -> dict[str, float]:
        walls, cpus = [], []
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), cpu_seconds()
            render_pdf_parts(html_parts, processes=processes)
            walls.append(time.perf_counter() - start)
            cpus.append(cpu_seconds() - cpu)
        result = {"wall_median_s": statistics.median(walls), "cpu_median_s": statistics.median(cpus)}
        print(
            f"{label:<34} wall {result['wall_median_s']:6.2f} s   cpu {result['cpu_median_s']:6.2f} s",
            flush=True,
        )
        return result

    load_before = os.getloadavg()[0]
    print(
        f"{args.rows} rows, {pages} pages, {len(parts)} parts, {settings.DOCUMENT_PROCESSES} processes; load {load_before:.1f}"
    )
    results = {
        "one_part_one_process": timed("one part, one process (before)", [one], 1),
        "parts": timed(f"{len(parts)} parts side by side (now)", parts, settings.DOCUMENT_PROCESSES),
        "floor": timed("floor: same pages, one line each", floor_parts, settings.DOCUMENT_PROCESSES),
    }
    ratio = results["parts"]["wall_median_s"] / results["one_part_one_process"]["wall_median_s"]
    print(f"parts / one part: {ratio:.2f}×; load after {os.getloadavg()[0]:.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "documents.json").write_text(
        json.dumps(
            {"rows": args.rows, "pages": pages, "load": load_before, **results, "ratio": ratio}, indent=1
        )
    )


if __name__ == "__main__":
    main()
