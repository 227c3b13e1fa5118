"""How fast does the command line start? Against `python -c pass`, in the same run.

python benchmarks/bench_startup.py            # 20 runs of each
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "surveybot --help": [sys.executable, "-m", "bot", "--help"],
    "surveybot validate": [sys.executable, "-m", "bot", "validate"],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path, default=RESULTS / "bench_startup.json")
    args = parser.parse_args()
    # Interleaved rounds, so a burst of load on the machine hits every command alike.
    medians = {name: median_seconds(command, args.runs) for name, command in COMMANDS.items()}
    base = medians["python -c pass"]
    result: dict[str, object] = {
        f"{name} (ms)": round(seconds * 1000, 1) for name, seconds in medians.items()
    }
    result["--help minus python -c pass (ms)"] = round(
        (medians["surveybot --help"] - base) * 1000, 1
    )
    result["validate minus python -c pass (ms)"] = round(
        (medians["surveybot validate"] - base) * 1000, 1
    )
    result["runs"] = args.runs
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
