"""The ``yiyang`` console script: short subcommands over the Django management commands.

``yiyang demo``, ``yiyang import elders FILE``, ``yiyang stats rebuild`` …; anything it does not know
goes to ``manage.py`` unchanged (``yiyang migrate``, ``yiyang check``). The exit code is the command's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

# (words, management command, 中文说明, English)
COMMANDS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (
        ("demo",),
        "demo_all",
        "生成演示区县、演示账号、合成老年人及各模块演示数据（--elders N）",
        "build the demo district, logins, elders and every module's demo data",
    ),
    (
        ("areas", "load"),
        "areas_load",
        "载入区县的街道、社区区划（--district 320612）",
        "load a district's streets and communities",
    ),
    (
        ("import", "elders"),
        "import_elders",
        "从 Excel/CSV 导入老年人信息（FILE [--dry-run] [--json] [--skip-invalid] [--as USER]）",
        "import elders from a spreadsheet",
    ),
    (
        ("import", "certifications"),
        "import_certifications",
        "导入经济类别认定名单（FILE [--dry-run] [--json] [--skip-invalid] [--as USER]）",
        "import a civil-affairs certification list",
    ),
    (
        ("export", "elders"),
        "export_elders",
        "导出老年人信息（[--area CODE] [--query QS] [-o FILE] [--as USER]）",
        "export elders to a spreadsheet",
    ),
    (
        ("users", "create"),
        "users_create",
        "新建或更新用户（--username --role --area --name）",
        "create or update a user",
    ),
    (
        ("stats", "rebuild"),
        "stats_rebuild",
        "重算经济类别与统计汇总（每日定时任务）",
        "recompute categories and statistics (nightly)",
    ),
    (
        ("roll", "generate"),
        "roll_generate",
        "生成月度发放名册（--programme 高龄津贴 --month 2026-12 --area 320612）",
        "generate a monthly payment roll",
    ),
    (
        ("devices", "listen"),
        "devices_listen",
        "接收智能设备消息（MQTT，长期运行）",
        "receive device messages from the MQTT broker",
    ),
    (
        ("devices", "simulate"),
        "devices_simulate",
        "模拟设备上报（--homes N --rate R）",
        "publish simulated device traffic",
    ),
    (
        ("coverage", "compute"),
        "coverage_compute",
        "计算一刻钟服务圈覆盖",
        "compute 15-minute service-circle coverage",
    ),
    (
        ("plans", "generate"),
        "plans_generate",
        "按周期计划生成服务工单",
        "generate work orders from recurring plans",
    ),
    (
        ("settlement", "generate"),
        "settlement_generate",
        "生成服务商月度结算（--month 2026-11）",
        "generate providers' monthly settlements",
    ),
    (("assessments", "due"), "assessments_due", "列出到期需复评的老人", "list elders due for re-assessment"),
    (("worker",), "worker", "运行后台任务进程", "run the background task worker"),
    (
        ("backup",),
        "backup",
        "备份数据库和上传文件（不含密钥）",
        "back up the database and uploaded files (not the keys)",
    ),
    (
        ("restore",),
        "restore",
        "从备份恢复数据库和上传文件（--noinput）",
        "restore the database and uploaded files",
    ),
    (
        ("audit", "verify"),
        "audit_verify",
        "校验变更日志链和个人信息访问日志链，报告第一条被篡改的记录（--archive FILE 校验归档文件）",
        "verify the audit and access-log chains and report the first broken row",
    ),
    (
        ("audit", "archive"),
        "audit_archive",
        "把超过保存期限的变更日志归档为带签名的文件后移除",
        "archive audit rows older than the retention to signed files",
    ),
    (
        ("imports", "purge"),
        "imports_purge",
        "删除超过保存期限的导入上传文件及标注副本（每日定时任务）",
        "delete uploaded import files past their retention (nightly)",
    ),
    (
        ("keys", "rotate"),
        "keys_rotate",
        "用当前密钥和算法分批重新加密个人信息（可中断、可重复运行；--hashes 重算查找摘要）",
        "re-encrypt personal data under the current key and cipher, in batches",
    ),
    (("serve",), "runserver", "启动开发服务器", "run the development web server"),
)

HELP = """\
用法 usage: yiyang <命令 command> [参数 options]

{commands}

其他命令原样交给 manage.py，例如 yiyang migrate、yiyang check、yiyang createsuperuser。
Any other command is passed to manage.py as is, e.g. yiyang migrate.
每个命令的参数见 yiyang <命令> --help. See yiyang <command> --help for its options.
"""


def usage() -> str:
    width = max(len(" ".join(words)) for words, *_ in COMMANDS)
    lines = [f"  {' '.join(words):<{width}}  {zh}\n  {'':<{width}}  {en}" for words, _, zh, en in COMMANDS]
    return HELP.format(commands="\n".join(lines))


def translate(args: Sequence[str]) -> list[str] | None:
    """The manage.py argument list for ``args``; None when a group word lacks its subcommand."""
    for words, command, *_ in COMMANDS:
        if tuple(args[: len(words)]) == words:
            return [command, *args[len(words) :]]
    groups = {words[0] for words, *_ in COMMANDS if len(words) > 1}
    if args and args[0] in groups:
        return None
    return list(args)


def _setup_path() -> None:
    """Let the script work from a checkout without installing: the project root holds ``config``."""
    root = Path(__file__).resolve().parent.parent
    if (root / "config" / "settings.py").exists() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(usage())
        return 0
    command = translate(args)
    if command is None:
        sys.stderr.write(f"yiyang {args[0]}: 缺少子命令 missing subcommand\n\n{usage()}")
        return 2
    _setup_path()
    from django.core.management import ManagementUtility

    try:
        ManagementUtility(["yiyang", *command]).execute()
    except SystemExit as exc:  # CommandError and argparse errors end here with their code
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        sys.stderr.write(f"{exc.code}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
