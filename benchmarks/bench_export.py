"""How fast is the analyst export? 100,000 responses × 40 questions (4 million answers).

Builds a synthetic database reproducibly (a fixed seed, a generated 40-question
flow with a realistic mix of kinds), then times, in the same run:

- `surveybot export` (wide layout, formula neutralisation on, to a file), in a
  subprocess, with its peak memory (its worker processes' included: `--jobs`, two
  on a machine of two cores or more);
- the baseline: SQLite's own shell dumping the raw long table,
  `sqlite3 DB -csv "SELECT * FROM answers" > out.csv` (Python's sqlite3 and csv
  modules stand in when the shell is not installed, and the output says so).

    python benchmarks/bench_export.py                     # 100,000 responses
    python benchmarks/bench_export.py --responses 2000    # a quick smoke run

With `--db postgresql://user@host/empty_db`, the same database is also copied
there (`surveybot migrate-db`'s copier, timed) and exported from PostgreSQL,
side by side with SQLite in the same run: the two CSV files must be identical.
PostgreSQL's baseline is `psql -c "COPY answers TO STDOUT WITH CSV"` (when
psql is installed). The database must be empty; put its password in PGPASSWORD.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import Kind, Step, load_flow  # noqa: E402
from flows.model import (  # noqa: E402
    MultipleChoiceStep,
    NumberStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
)
from storage import Store, describe_target  # noqa: E402
from storage.transfer import copy_database  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = 40
# 40 questions: the mix of the bundled questionnaire, scaled up.
KINDS = (
    [Kind.SINGLE_CHOICE] * 12
    + [Kind.MULTIPLE_CHOICE] * 8
    + [Kind.SCALE] * 6
    + [Kind.YES_NO] * 6
    + [Kind.NUMBER] * 3
    + [Kind.TEXT] * 3
    + [Kind.RANKING] * 2
)


def write_flow(path: Path) -> None:
    choices = "\n".join(f"          - {{code: c{i}, label: Choix {i}}}" for i in range(5))
    steps = []
    for index, kind in enumerate(KINDS):
        step = [
            f"      - id: q{index:02d}",
            f"        type: {kind.value}",
            f"        text: Question {index} ?",
        ]
        if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.RANKING):
            if kind != Kind.RANKING:
                step.append("        other: true")
            step.append("        choices:\n" + choices)
        if kind == Kind.SCALE:
            step.append("        dont_know: true")
        if kind == Kind.NUMBER and index % 2:
            step.append("        integer: false")
        steps.append("\n".join(step))
    path.write_text(
        "id: bench\nversion: 1\ntitle: Bench\nsections:\n  - id: all\n    title: Tout\n"
        "    steps:\n" + "\n".join(steps) + "\n",
        encoding="utf-8",
    )


def answer_for(step: Step, rnd: random.Random, index: int) -> tuple[Any, str | None]:
    """A valid random answer to `step` (and its "Other" text)."""
    kind = step.type
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        codes = [choice.code for choice in step.choices if not choice.exclusive]
        if isinstance(step, RankingStep):
            return rnd.sample(codes, step.needed), None
        if step.other:
            codes.append("other")
        if isinstance(step, SingleChoiceStep):
            value = rnd.choice(codes)
            return value, ("Autre réponse, précisée" if value == "other" else None)
        most = min(step.max_selected or 3, 3, len(codes))
        picked = rnd.sample(codes, rnd.randint(1, most))
        return picked, ("Précision libre" if "other" in picked else None)
    if isinstance(step, ScaleStep):
        values: list[Any] = list(range(step.min, step.max + 1))
        return rnd.choice([*values, "dont_know"] if step.dont_know else values), None
    if kind == Kind.YES_NO:
        return rnd.choice(["yes", "no"]), None
    if isinstance(step, NumberStep):
        low, high = int(step.min if step.min is not None else -5), int(step.max or 500)
        if step.integer:
            return rnd.randint(low, high), None
        return round(rnd.uniform(low, high), 2), None
    if kind == Kind.EMAIL:
        return f"contact{index}@example.org", None
    # Some free texts start like formulas, so the neutralisation really works.
    return rnd.choice(
        ["Réponse libre é à ç", "=SOMME(A1:A3)", "-2 sites", "Texte, avec virgule"]
    ), None


def build_database(path: Path, flow_path: Path, responses: int, seed: int = 2019) -> int:
    """A synthetic database of completed responses to the flow; returns the number of answers."""

    async def migrate() -> None:
        store = await Store.open(path)
        await store.close()

    asyncio.run(migrate())
    flow = load_flow(flow_path)
    steps = [step for step in flow.steps() if step.type != Kind.INFO]
    rnd = random.Random(seed)
    start = dt.datetime(2019, 6, 5, 8, tzinfo=dt.UTC)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")  # building the fixture, not measuring it
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO stages (code, city, date) VALUES (?, ?, ?)",
        [(f"etape{n:02d}", f"Ville-exemple {n}", "2019-06-05") for n in range(STAGES)],
    )
    answers = 0
    rows: list[tuple[Any, ...]] = []
    for number in range(1, responses + 1):
        began = start + dt.timedelta(seconds=37 * number)
        done = began + dt.timedelta(seconds=rnd.randint(240, 1500))
        stage = f"etape{number % STAGES:02d}"
        connection.execute(
            "INSERT INTO respondents (id, channel, external_id, created_at) VALUES (?, ?, ?, ?)",
            (number, "telegram", str(10_000 + number), began.isoformat()),
        )
        connection.execute(
            "INSERT INTO responses (id, key, respondent_id, flow_id, flow_version, stage_code, "
            "language, status, state_json, started_at, updated_at, completed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'fr', 'completed', ?, ?, ?, ?)",
            (
                number,
                f"{rnd.getrandbits(64):016x}",
                number,
                flow.id,
                flow.version,
                stage,
                '{"current": null, "finished": true}',
                began.isoformat(),
                done.isoformat(),
                done.isoformat(),
            ),
        )
        for index, step in enumerate(steps):
            value, other = answer_for(step, rnd, index)
            rows.append(
                (
                    number,
                    step.id,
                    json.dumps(value, ensure_ascii=False),
                    other,
                    flow.id,
                    flow.version,
                    stage,
                    began.isoformat(),
                )
            )
        if len(rows) >= 200_000:
            answers += _flush(connection, rows)
    answers += _flush(connection, rows)
    connection.commit()
    connection.close()
    # Written without syncing, hundreds of megabytes would still be on their way to
    # the disk: the bot's first sync of the file (its first checkpoint) would wait for
    # them all, a stall of a fresh fixture that a database of last week never has.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return answers


def _flush(connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
    connection.executemany(
        "INSERT INTO answers (response_id, question_id, value_json, other_text, flow_id, "
        "flow_version, stage_code, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    count = len(rows)
    rows.clear()
    return count


def timed_child(
    command: list[str], stdout: Any = subprocess.DEVNULL, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process, with the worker processes it starts.

    The peak is the largest sum, sampled every 25 ms, of the resident memory of the child
    and all its descendants (`surveybot export --jobs`). The kernel's own peak for the
    child (`ru_maxrss`), reported where /proc is missing, counts this process's memory
    too, copied when the child was forked, before it ran its command.
    """
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env)
    sums: list[float] = []
    done = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, command, sums, done))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    done.set()
    sampler.join()
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {errors}")
    return seconds, max(sums) if sums else usage.ru_maxrss / 1024


def _sample_tree(pid: int, command: list[str], sums: list[float], done: threading.Event) -> None:
    started = "\0".join(command).encode() + b"\0"
    while not done.wait(0.025):
        try:  # not before the command runs: until then, the child is a copy of this process
            if Path(f"/proc/{pid}/cmdline").read_bytes() != started:
                continue
        except OSError:
            return
        sums.append(tree_rss_mb(pid))


def tree_rss_mb(pid: int) -> float:
    """The resident memory of a process and all its descendants, in MB (Linux's /proc; 0
    elsewhere, where the child's own peak is what is reported)."""
    pages, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            pages += int(Path(f"/proc/{current}/statm").read_text().split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):  # ended meanwhile, or no /proc
            continue
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def python_baseline(db: Path, out: Path) -> None:
    """Stand-in for the sqlite3 shell: the same raw dump with Python's own modules."""
    connection = sqlite3.connect(db)
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerows(connection.execute("SELECT * FROM answers"))
    connection.close()


def measure_postgres(url: str, db: Path, flow_path: Path, workdir: Path) -> dict[str, Any]:
    """Copy the SQLite database into `url`, then time the same export from there."""
    began = time.perf_counter()
    asyncio.run(copy_database(db, url))
    copied = time.perf_counter() - began
    figures: dict[str, Any] = {
        "postgres": describe_target(url),
        "postgres_copy_seconds": round(copied, 1),
    }
    psql = shutil.which("psql")
    if psql:
        with (workdir / "raw_pg.csv").open("wb") as out:
            seconds, _ = timed_child(
                [psql, "-X", "-q", url, "-c", "COPY answers TO STDOUT WITH CSV"], stdout=out
            )
        figures["postgres_baseline"] = "psql COPY answers TO STDOUT"
        figures["postgres_baseline_seconds"] = round(seconds, 2)
    wide = workdir / "wide_pg.csv"
    export = [sys.executable, "-m", "bot", "export", "--flow", str(flow_path), "-o", str(wide)]
    # The URL through the environment, not the command line, where others could read it.
    environment = {**os.environ, "SURVEYBOT_DB": url}
    seconds, peak = timed_child(export, env=environment)
    if wide.read_bytes() != (workdir / "wide.csv").read_bytes():
        raise SystemExit("the export from PostgreSQL differs from SQLite's")
    alone, alone_peak = timed_child([*export, "--force", "--jobs", "1"], env=environment)
    figures["postgres_export_wide_seconds"] = round(seconds, 2)
    figures["postgres_export_peak_rss_mb"] = round(peak, 1)
    figures["postgres_export_one_process_seconds"] = round(alone, 2)
    figures["postgres_export_one_process_peak_rss_mb"] = round(alone_peak, 1)
    if "postgres_baseline_seconds" in figures:
        figures["postgres_ratio_export_to_baseline"] = round(
            seconds / figures["postgres_baseline_seconds"], 2
        )
    return figures


def measure(responses: int, workdir: Path, postgres: str | None = None) -> dict[str, Any]:
    flow_path = workdir / "bench_flow.yaml"
    write_flow(flow_path)
    db = workdir / "bench.sqlite3"
    began = time.perf_counter()
    answers = build_database(db, flow_path, responses)
    built = time.perf_counter() - began

    shell = shutil.which("sqlite3")
    raw = workdir / "raw.csv"
    if shell:
        with raw.open("wb") as out:
            base_seconds, base_mb = timed_child(
                [shell, str(db), "-csv", "SELECT * FROM answers"], stdout=out
            )
        baseline = "sqlite3 shell"
    else:
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from benchmarks.bench_export import python_baseline; from pathlib import Path; "
            f"python_baseline(Path({str(db)!r}), Path({str(raw)!r}))"
        )
        base_seconds, base_mb = timed_child([sys.executable, "-c", code])
        baseline = "python sqlite3+csv (no sqlite3 shell installed)"

    wide, alone = workdir / "wide.csv", workdir / "wide-one-process.csv"
    export = [sys.executable, "-m", "bot", "export", "--db", str(db), "--flow", str(flow_path)]
    # As an analyst runs it (two worker processes on two cores or more), then in one process.
    export_seconds, export_mb = timed_child([*export, "-o", str(wide)])
    alone_seconds, alone_mb = timed_child([*export, "-o", str(alone), "--jobs", "1"])
    if alone.read_bytes() != wide.read_bytes():
        raise SystemExit("the export in one process differs from the one with workers")
    with wide.open(encoding="utf-8") as file:
        rows = sum(1 for _ in file) - 1
    assert rows == responses, f"the export has {rows} rows, expected {responses}"
    result = {
        "responses": responses,
        "answers": answers,
        "questions": len(KINDS),
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "build_seconds": round(built, 1),
        "baseline": baseline,
        "baseline_seconds": round(base_seconds, 2),
        "baseline_peak_rss_mb": round(base_mb, 1),
        "export_wide_seconds": round(export_seconds, 2),
        "ratio_export_to_baseline": round(export_seconds / base_seconds, 2),
        "export_peak_rss_mb": round(export_mb, 1),
        "export_one_process_seconds": round(alone_seconds, 2),
        "ratio_one_process_to_baseline": round(alone_seconds / base_seconds, 2),
        "export_one_process_peak_rss_mb": round(alone_mb, 1),
        "export_mb": round(wide.stat().st_size / 1e6, 1),
        "raw_dump_mb": round(raw.stat().st_size / 1e6, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}",
    }
    if postgres is not None:
        result |= measure_postgres(postgres, db, flow_path, workdir)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--json", type=Path, default=RESULTS / "bench_export.json")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="also copy the data into this empty PostgreSQL database and export from there",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = measure(args.responses, Path(workdir), args.db)
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
