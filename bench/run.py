"""`make bench`: every benchmark script in this folder, one after another, results in bench/results/.

    .venv/bin/python bench/run.py [--only load,registry] [--load-duration 60s]

``make bench BENCH_ARGS="--only load --load-duration 60s"`` runs the load benchmark alone, for a minute
instead of five.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"common.py", "run.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description="every benchmark in bench/")
    parser.add_argument("--only", default="", help="comma-separated script names without .py")
    parser.add_argument("--load-duration", default="5m", help="of bench/load.py's load phase (5m)")
    args = parser.parse_args()
    scripts = [
        HERE / "registry.py",
        *sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and p.name != "registry.py"),
    ]
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        scripts = [s for s in scripts if s.stem in wanted]
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        extra = ["--duration", args.load_duration] if script.name == "load.py" else []
        if subprocess.run([sys.executable, str(script), *extra]).returncode != 0:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
