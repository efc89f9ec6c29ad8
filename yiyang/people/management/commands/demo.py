from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.areas.loader import DivisionDataError
from yiyang.core.context import unit_of_work
from yiyang.people import demo


class Command(BaseCommand):
    help = (
        "生成演示区县：区划与网格、各角色演示账号、合成老年人数据 "
        "(demo district: areas and grids, one user per role, synthetic elders)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--elders",
            type=int,
            default=demo.DEFAULT_ELDERS,
            help=f"number of synthetic elders (default {demo.DEFAULT_ELDERS})",
        )
        parser.add_argument(
            "--district",
            default=demo.DEMO_DISTRICT,
            help=f"6-digit district code (default {demo.DEMO_DISTRICT} 南通市通州区)",
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first empty elders, contacts, certifications, statistics and every table pointing at them "
            "(TRUNCATE … CASCADE)",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=demo.CHUNK_SIZE, help="rows per COPY/INSERT batch"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes building rows in parallel (default: one per spare core from "
            f"{demo.PARALLEL_MIN:,} elders; 0 = none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["elders"] < 0:
            raise CommandError("--elders 不能为负数")
        total = options["elders"]
        step = max(total // 10, options["chunk_size"])
        next_report = [step]

        def progress(done: int, seconds: float) -> None:
            if options["verbosity"] >= 1 and (done >= next_report[0] or done == total):
                self.stdout.write(f"  … {done:,} / {total:,} 名老人，{seconds:.1f} 秒")
                next_report[0] = done + step

        try:
            with unit_of_work():
                result = demo.run_demo(
                    elders=total,
                    district=options["district"],
                    seed=options["seed"],
                    reset=options["reset"],
                    chunk_size=options["chunk_size"],
                    workers=options["workers"],
                    progress=progress,
                )
        except DivisionDataError as exc:
            raise CommandError(str(exc)) from exc
        self._summary(result)

    def _summary(self, r: demo.DemoResult) -> None:
        out = self.stdout.write
        plan = r.plan
        communities = len(plan.communities)
        out(
            self.style.SUCCESS(
                f"演示区县 {plan.district.full_name()}（{plan.district.code}）：{len(plan.streets)} 个街道/镇，"
                f"{communities} 个社区/村，{plan.grid_count} 个网格"
            )
        )
        if r.cleared:
            out(f"--reset 同时清空了引用老人的数据表：{', '.join(r.cleared)}")
        if r.load.skipped:
            out("已有老年人数据，未重新生成（如需重建请加 --reset）")
        else:
            rate = r.load.elders / r.load.seconds if r.load.seconds else 0
            out(
                f"老年人 {r.load.elders:,}，联系人 {r.load.contacts:,}，经济类别认定 {r.load.certifications:,}："
                f"{r.load.seconds:.1f} 秒（{rate:,.0f} 人/秒；生成与写入 {r.load.write_seconds:.1f} 秒，"
                f"索引、约束与 ANALYZE {r.load.index_seconds:.1f} 秒）"
            )
        out(f"统计汇总 {r.stat_cells} 格；系统分类台账 {r.filters} 个")
        steps = "，".join(f"{name} {seconds:.1f}s" for name, seconds in r.timings.items())
        out(f"总耗时 {r.seconds:.1f} 秒（{steps}）")
        out("")
        out("演示账号 (demo logins):")
        width = max(len(x.username) for x in r.logins)
        for login in r.logins:
            out(f"  {login.username:<{width}}  {login.password}  {login.role}  {login.area}")
