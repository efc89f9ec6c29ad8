"""`make bench`: every benchmark script in this folder, one after another, results in bench/results/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"common.py", "run.py"}


def main() -> int:
    scripts = [
        HERE / "registry.py",
        *sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and p.name != "registry.py"),
    ]
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)]).returncode != 0:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
