"""Benchmark: the cross-department duplicate check of a condolence campaign, on PostgreSQL.

    BENCH_VISITS_DB=yiyang_visits2_bench .venv/bin/python bench/visits_duplicates.py [--recipients 300000] [--repeat 5]

Runs on the database ``bench/visits_generate.py --keep`` leaves (its elders); makes one campaign with
``--recipients`` recipients and 5 contributors, each registering one gift to every recipient of a
fifth of the list plus 10 % overlap (the duplicates), in set-based inserts. Measured side by side,
medians of ``--repeat``:

* baseline: the bare ``GROUP BY recipient_id HAVING count(*) > 1`` over the campaign's contributions;
* check: what the campaign page and the purchase gate run (``campaigns.flagged`` counted through
  ``Recipient``, and the street's ``duplicates`` count for the district admin).

Target (issue 13): under 5 s for 300,000 recipients from 5 contributors.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_VISITS_DB", "yiyang_visits_bench")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["YIYANG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ["YIYANG_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from common import machine, save
    from django.db import connection
    from django.utils import timezone

    from yiyang.accounts.models import User
    from yiyang.areas.models import Area, AreaLevel
    from yiyang.visits import campaigns
    from yiyang.visits.models import Campaign, Contribution, Contributor, Recipient

    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path").first()
    assert district is not None
    today = timezone.localdate()
    Campaign.objects.filter(name="bench 重阳").delete()
    campaign = Campaign.objects.create(name="bench 重阳", festival="chongyang", area=district, budget=10**9,
                                       standard=10**6, start_date=today, end_date=today)  # fmt: skip
    givers = [
        Contributor.objects.get_or_create(name=f"bench 单位{i}", defaults={"kind": "union"})[0]
        for i in range(5)
    ]
    n = args.recipients
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Recipient._meta.db_table} (campaign_id, elder_id, area_path, source, reason, signer_name) "
            "SELECT %s, id, area_path, 'rule', '', '' FROM people_elder WHERE status = 'living' ORDER BY id LIMIT %s",
            [campaign.pk, n],
        )
        share = n // 5
        for i, giver in enumerate(givers):
            lo, hi = i * share, (i + 1) * share + share // 10  # 10 % overlap with the next contributor
            cur.execute(
                f"INSERT INTO {Contribution._meta.db_table} (campaign_id, recipient_id, elder_id, contributor_id, "
                "area_path, kind, description, amount, status, override_reason, resolution_note, created_at) "
                "SELECT campaign_id, id, elder_id, %s, area_path, 'goods', '米油', 100, 'registered', '', '', now() "
                "FROM (SELECT r.*, row_number() OVER (ORDER BY id) - 1 AS k FROM visits_recipient r WHERE campaign_id = %s) x "
                "WHERE k >= %s AND k < %s",
                [giver.pk, campaign.pk, lo, hi],
            )
        cur.execute("ANALYZE visits_recipient, visits_contribution")
    contributions = Contribution.objects.filter(campaign=campaign).count()
    admin = User.objects.filter(role="district_admin").first() or User.objects.create(
        username="bench_admin", role="district_admin", password="!"
    )
    from yiyang.accounts.models import AreaAssignment

    AreaAssignment.objects.get_or_create(user=admin, area=district)

    def baseline() -> tuple[float, int]:
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM (SELECT recipient_id FROM visits_contribution WHERE campaign_id = %s "
                "GROUP BY recipient_id HAVING count(*) > 1) d",
                [campaign.pk],
            )
            found = cur.fetchone()[0]
        return time.perf_counter() - t0, found

    def check() -> tuple[float, float, int]:
        t0 = time.perf_counter()
        found = Recipient.objects.filter(pk__in=campaigns.flagged(campaign)).count()
        gate = time.perf_counter() - t0
        t1 = time.perf_counter()
        shown = campaigns.duplicates(campaign, admin).count()
        page = time.perf_counter() - t1
        assert shown == found, (shown, found)
        return gate, page, found

    runs: dict[str, list[float]] = {"baseline": [], "gate": [], "page": []}
    found = 0
    for i in range(args.repeat):
        b, found_b = baseline()
        g, p, found = check()
        assert found == found_b
        runs["baseline"].append(b)
        runs["gate"].append(g)
        runs["page"].append(p)
        print(
            f"run {i + 1}: baseline {b:.3f} s, gate {g:.3f} s, page count {p:.3f} s ({found:,} duplicates)",
            flush=True,
        )
    medians = {k: round(statistics.median(v), 3) for k, v in runs.items()}
    result = {"recipients": n, "contributions": contributions, "duplicates": found, "median_s": medians,
              "ratio_gate_to_baseline": round(medians["gate"] / medians["baseline"], 2), "runs": runs,
              "load_after": machine()["load_1m"]}  # fmt: skip
    print(result)
    print(f"saved {save('visits_duplicates', result)}")
    Campaign.objects.filter(pk=campaign.pk).delete()


if __name__ == "__main__":
    main()
