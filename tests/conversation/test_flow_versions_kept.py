"""Flow versions kept: stored the first time they run; a file changed under its version is refused.

The refusal is checked where an organiser meets it: `surveybot chat`, `run`
and `serve` started as real processes on one database, each ending with the
one-line message and exit status 1, no traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conversation import Conversation, FlowVersionChanged, canonical_content
from flows import load_flow
from storage import Store
from tests.conftest import MINI, Clock, Peek
from tests.support.bot_api_server import BotAPIServer
from tests.web.test_serve_command import free_port

ROOT = Path(__file__).resolve().parents[2]
CHANGED_LABEL = ("{fr: Industrie, en: Industry}", "{fr: Industrie et BTP, en: Industry}")


def rewrite(path: Path, text: str, *pairs: tuple[str, str]) -> Path:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """mini.yaml as given; reworded (comments, key order, quoting, a notice); a label changed."""
    text = MINI.read_text(encoding="utf-8")
    return {
        "same": rewrite(tmp_path / "same.yaml", text),
        "reworded": rewrite(
            tmp_path / "reworded.yaml",
            "# the same questions, written differently\n" + text,
            ("id: mini\nversion: 1\n", 'version: 1   # unchanged\nid: "mini"\n'),
            ("{fr: Industrie, en: Industry}", "{en: Industry, fr: 'Industrie'}"),
            # A notice has a version of its own: respondents are asked to agree again.
            (
                "intro: {fr: Bonjour, en: Hello}\n",
                "intro: {fr: Bonjour, en: Hello}\n"
                "consent: {fr: Vos réponses restent ici., en: Your answers stay here.}\n",
            ),
        ),
        "changed": rewrite(tmp_path / "changed.yaml", text, CHANGED_LABEL),
    }


async def start(store: Store, path: Path, clock: Clock) -> None:
    await Conversation(store, load_flow(path), [], clock=clock).sync_with_files()


async def test_the_first_start_stores_the_version_and_a_rewording_is_no_change(
    store: Store, files: dict[str, Path], clock: Clock, db_path: Path
) -> None:
    await start(store, files["same"], clock)
    first_use = clock.now
    clock.tick(86400 * 3)
    await start(store, files["reworded"], clock)  # no change to the questions
    [kept] = await store.flow_versions("mini")
    assert (kept.version, kept.first_used_at) == (1, first_use)
    assert kept.content == canonical_content(load_flow(files["reworded"]))
    assert load_flow(files["same"]).model_validate_json(kept.content) == load_flow(files["same"])
    assert Peek(db_path).query("SELECT COUNT(*) FROM flow_versions") == [(1,)]


async def test_changed_questions_under_the_same_version_are_refused(
    store: Store, files: dict[str, Path], clock: Clock
) -> None:
    clock.now = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)
    await start(store, files["same"], clock)
    clock.tick(86400 * 10)
    with pytest.raises(FlowVersionChanged) as refused:
        await start(store, files["changed"], clock)
    assert str(refused.value) == (
        "flow mini: the questions changed but `version` is still 1: bump `version` to 2 "
        "(version 1 was first used on 2026-11-30; a database that only holds rehearsals can "
        "be replaced by a new one instead)"
    )
    # Bumped, it runs; the next free number is then advised past every version stored.
    bumped = files["changed"].read_text(encoding="utf-8").replace("version: 1", "version: 2")
    await start(store, rewrite(files["changed"], bumped), clock)
    assert [v.version for v in await store.flow_versions("mini")] == [1, 2]
    text = files["same"].read_text(encoding="utf-8").replace("Secteur ?", "Votre secteur ?")
    with pytest.raises(FlowVersionChanged, match="still 1: bump `version` to 3 "):
        await start(store, rewrite(files["same"], text), clock)


async def test_a_new_version_numbered_below_one_run_is_refused_an_old_one_runs_again(
    store: Store, files: dict[str, Path], clock: Clock, tmp_path: Path
) -> None:
    """A copy of an old file edited and started as it was numbered: its answers would read as
    given before those of the version already run. Putting an old version back is allowed."""
    clock.now = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)
    same = files["same"].read_text(encoding="utf-8")
    await start(
        store, rewrite(tmp_path / "v2.yaml", same.replace("version: 1", "version: 2")), clock
    )
    clock.tick(86400)

    with pytest.raises(FlowVersionChanged) as refused:
        await start(store, files["changed"], clock)  # version 1, never run here
    assert str(refused.value) == (
        "flow mini: `version` 1 was never run here, yet version 2 was (first used on "
        "2026-11-30): a new version needs a higher number: set `version` to 3"
    )
    assert [v.version for v in await store.flow_versions("mini")] == [2]
    await start(
        store, rewrite(tmp_path / "v3.yaml", same.replace("version: 1", "version: 3")), clock
    )
    await start(
        store, rewrite(tmp_path / "v2.yaml", same.replace("version: 1", "version: 2")), clock
    )
    assert [v.version for v in await store.flow_versions("mini")] == [2, 3]


def clean_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    # This checkout first, whatever an editable install elsewhere points at.
    path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, "PYTHONPATH": path, "SURVEYBOT_DB": str(db), **extra}


def surveybot(
    *args: str, env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


REFUSAL = re.compile(
    r"^error: flow mini: the questions changed but `version` is still 1: bump `version` to 2 "
    r"\(version 1 was first used on \d{4}-\d\d-\d\d; a database that only holds rehearsals "
    r"can be replaced by a new one instead\)$"
)


def test_every_start_refuses_a_changed_file_in_one_line(
    files: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "tour.sqlite3"
    env = clean_env(db)
    first = surveybot(
        "chat", "--flow", str(files["same"]), env=env, cwd=tmp_path, stdin="quitter\n"
    )
    assert first.returncode == 0, first.stderr
    assert Peek(db).query("SELECT flow_id, version FROM flow_versions") == [("mini", 1)]
    before = Peek(db).query("SELECT id, updated_at FROM responses")

    changed = ["--flow", str(files["changed"])]
    chat = surveybot("chat", *changed, env=env, cwd=tmp_path, stdin="oui\n")
    with BotAPIServer() as server:
        token = {"SURVEYBOT_TOKEN": "1234:versions", "SURVEYBOT_API_URL": server.url}
        run = surveybot("run", *changed, env=clean_env(db, **token), cwd=tmp_path)
        assert not server.state.fetches  # refused before asking Telegram for anything
    serve = surveybot("serve", "--port", str(free_port()), *changed, env=env, cwd=tmp_path)
    for name, done in (("chat", chat), ("run", run), ("serve", serve)):
        assert done.returncode == 1, (name, done.stderr)
        assert "Traceback" not in done.stderr, name
        assert REFUSAL.match(done.stderr.strip().splitlines()[-1]), (name, done.stderr)
    # Nothing was started, answered or stored under the refused file.
    assert Peek(db).query("SELECT id, updated_at FROM responses") == before
    assert Peek(db).query("SELECT COUNT(*) FROM flow_versions") == [(1,)]


def test_validate_says_what_a_start_would_refuse_before_it_does(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """`validate` compares the files with the database a start would use: the configured
    one when it exists (never created by validating), or the one --db names."""
    db = tmp_path / "tour.sqlite3"
    env = clean_env(db)
    before = surveybot("validate", str(files["changed"]), env=env, cwd=tmp_path)
    assert (before.returncode, before.stdout) == (0, "")
    assert not db.exists()  # nothing run yet: nothing to compare with, nothing created
    first = surveybot(
        "chat", "--flow", str(files["same"]), env=env, cwd=tmp_path, stdin="quitter\n"
    )
    assert first.returncode == 0, first.stderr

    for args, shown in (((), db), (("--db", str(db)), db)):
        changed = surveybot("validate", *args, str(files["changed"]), env=clean_env(tmp_path / "x")
                            if args else env, cwd=tmp_path)  # fmt: skip
        assert changed.returncode == 1, changed.stderr
        assert changed.stdout == (
            f"{files['changed']}:3: database {shown}: the questions changed but `version` is "
            "still 1: bump `version` to 2 (version 1 was first used on "
            f"{dt.datetime.now(dt.UTC).date().isoformat()}; a database that only holds "
            "rehearsals can be replaced by a new one instead)\n"
        )
        assert changed.stderr == f"{files['changed']}: 1 problem\n"
    reworded = surveybot(
        "validate", str(files["reworded"]), str(files["same"]), env=env, cwd=tmp_path
    )
    assert (reworded.returncode, reworded.stdout) == (0, "")
    missing = surveybot("validate", "--db", str(tmp_path / "nothere.sqlite3"), str(files["same"]),
                        env=env, cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 1
    assert "error: cannot read database" in missing.stderr and "Traceback" not in missing.stderr


def test_validate_passes_on_a_database_just_created_for_the_tour(
    files: dict[str, Path], tmp_path: Path, postgres_url: str
) -> None:
    """A new deployment: `createdb`, SURVEYBOT_DB set, then `validate`, as the guide goes.
    No surveybot has written there yet, so no version can differ: the files are checked."""
    env = {**clean_env(tmp_path / "unused.sqlite3"), "SURVEYBOT_DB": postgres_url}
    for args in ((), ("--db", postgres_url)):
        checked = surveybot("validate", *args, str(files["changed"]), env=env, cwd=tmp_path)
        said = (checked.returncode, checked.stdout, checked.stderr)
        assert said == (0, "", f"{files['changed']}: ok\n"), args
    assert not (tmp_path / "unused.sqlite3").exists()
