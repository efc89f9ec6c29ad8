"""yiyang keys rotate: re-encrypt personal data under the current key and cipher (docs/deploy.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yiyang.core import audit, crypto, keys


class Command(BaseCommand):
    help = "用当前密钥（YIYANG_FIELD_KEY_ID）和算法（YIYANG_CRYPTO_SUITE）分批重新加密个人信息；可中断、可重复运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")
        parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait between batches")
        parser.add_argument("--check", action="store_true", help="only count the values still to rotate")
        parser.add_argument(
            "--hashes",
            action="store_true",
            help="recompute the look-up digests under the current hash key (YIYANG_HASH_KEY) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hashes"]:
            if not settings.AUDIT_KEY:
                # The audit chains are keyed from the hash key unless told otherwise: rotating it without
                # pinning their key first would make every row chained so far fail verification.
                raise CommandError(
                    "先把原来的 YIYANG_HASH_KEY 设为 YIYANG_AUDIT_KEY（审计链的密钥不随查找摘要密钥轮换），再运行本命令"
                )
            self._run(
                options,
                remaining=keys.digests_left,
                rotate=keys.rotate_hashes,
                verb="keys.rotate_hashes",
                left_label="待重算 digests still to recompute",
                message="{total} 条记录的查找摘要已按当前密钥重算",
                done="重算完成 recomputed {total} rows; {still} left (rerun if not 0; at 0 remove YIYANG_FIELD_OLD_HASH_KEYS)",
            )
            return
        target = crypto.current_prefix()
        self._run(
            options,
            remaining=keys.remaining,
            rotate=keys.rotate,
            verb="keys.rotate",
            left_label=f"待轮换 still to rotate to {target}",
            message=f"{{total}} 个加密字段值已改用 {target}",
            done=f"轮换完成 rotated {{total}} values to {target}; {{still}} left (rerun if not 0)",
        )

    def _run(
        self,
        options: dict[str, Any],
        *,
        remaining: Callable[..., dict[str, int]],
        rotate: Callable[..., dict[str, int]],
        verb: str,
        left_label: str,
        message: str,
        done: str,
    ) -> None:
        """``--check`` counts what is left; otherwise rotate in batches, audit the total once, say what is left."""
        if options["check"]:
            left = remaining()
            for label, count in left.items():
                self.stdout.write(f"{label}: {count}")
            self.stdout.write(f"{left_label}: {sum(left.values())}")
            return
        counts = rotate(
            batch=options["batch"],
            pause=options["pause"],
            progress=lambda label, n: self.stdout.write(f"{label}: {n}"),
        )
        total = sum(counts.values())
        audit.record_bulk(
            actor=None,
            object_type="core.keys",
            verb=verb,
            area_path=audit.whole_deployment_path(),
            message=message.format(total=total),
            after={"rows": total},
        )
        still = sum(remaining().values())
        self.stdout.write(done.format(total=total, still=still))
