"""Output files that never destroy data: `export -o/--codebook/--xlsx` and `stats --plot`.

Never over the database or its -wal/-shm; an existing file replaced only with
--force (or a yes at a terminal); devices and pipes written, not replaced;
symbolic links followed, and none at a temporary name ever written through;
nothing left behind by SIGTERM; every file mode 600. Real files, the real
command (click's runner, or `python -m bot` in a subprocess).
"""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exports import ExportOptions, Interrupted, OutputError, run_export
from tests.conftest import MINI
from tests.exports.conftest import STAGES_FILE, Filled, bench_database, invoke, read_csv

ROOT = Path(__file__).resolve().parents[2]
EXPORT = (sys.executable, "-m", "bot", "export", "--stages", str(STAGES_FILE))
"""The real command, in a process of its own."""
# The three responses a plain export of `filled` holds (completed only).
EXPORTED = 3


def stats(*args: str | Path) -> Result:
    """`surveybot stats ARGS` through click's runner."""
    from bot.cli.organiser import stats as command

    return CliRunner().invoke(
        command, ["--stages", str(STAGES_FILE), *(str(a) for a in args)], catch_exceptions=False
    )


def responses_in(db: Path) -> int:
    """Responses in the database, read as another process would."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (count,) = connection.execute("SELECT count(*) FROM responses").fetchone()
    finally:
        connection.close()
    return int(count)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder for the outputs (the database is in `tmp_path`)."""
    made = tmp_path / "out"
    made.mkdir()
    return made


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def plain_export(filled: Filled, folder: Path) -> bytes:
    """What `export -o FILE` writes, to compare with what a device or pipe received."""
    out = folder / "reference.csv"
    assert invoke("--db", filled.path, "--flow", MINI, "-o", out).exit_code == 0
    return out.read_bytes()


# --- the database and its files ----------------------------------------------------


@pytest.mark.parametrize("option", ["-o", "--codebook", "--xlsx", "--plot"])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_files_are_refused(filled: Filled, option: str, suffix: str) -> None:
    target = Path(f"{filled.path}{suffix}")
    before = target.read_bytes() if target.exists() else None
    assert responses_in(filled.path) == 4
    if option == "--plot":
        result = stats("--db", filled.path, "--flow", MINI, "--plot", target)
    else:
        result = invoke("--db", filled.path, "--flow", MINI, option, target)
    assert result.exit_code == 1
    what = f"the database's {suffix[1:]} file" if suffix else "the database"
    assert f"{target} is {what}: writing there would destroy the responses" in result.stderr
    assert "Traceback" not in result.output
    assert responses_in(filled.path) == 4
    if before is not None and suffix != "-shm":  # the shared memory moves as SQLite reads
        assert target.read_bytes() == before


def test_the_database_through_a_link_or_another_name_is_refused(
    filled: Filled, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    symbolic = elsewhere / "responses.csv"
    symbolic.symlink_to(filled.path)
    hard = elsewhere / "copy.csv"
    os.link(filled.path, hard)
    roundabout = elsewhere / ".." / filled.path.name
    for target in (symbolic, hard, roundabout):
        result = invoke("--db", filled.path, "--flow", MINI, "--force", "-o", target)
        assert result.exit_code == 1, target
        assert f"{target} is the database ({filled.path})" in result.stderr
    assert symbolic.is_symlink() and responses_in(filled.path) == 4


def test_the_library_refuses_the_database_too(filled: Filled) -> None:
    with pytest.raises(OutputError, match="is the database"):
        run_export(filled.path, MINI, csv=filled.path)
    assert responses_in(filled.path) == 4


def test_one_file_given_twice_is_refused(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "-o", out, "--codebook", out)
    assert result.exit_code == 1
    assert f"{out} is given twice: give each output its own name" in result.stderr
    assert not out.exists()


# --- existing files: --force, or a question at a terminal --------------------------


@pytest.mark.parametrize("option", ["-o", "--codebook", "--xlsx", "--plot"])
def test_an_existing_file_needs_force(filled: Filled, folder: Path, option: str) -> None:
    target = folder / "kept.out"
    target.write_text("an earlier analysis\n", encoding="utf-8")
    target.chmod(0o644)

    def run(*extra: str) -> Result:
        if option == "--plot":
            return stats("--db", filled.path, "--flow", MINI, "--plot", target, *extra)
        return invoke("--db", filled.path, "--flow", MINI, option, target, *extra)

    refused = run()
    assert refused.exit_code == 1
    assert f"error: {target} already exists; add --force to replace it" in refused.stderr
    assert target.read_text(encoding="utf-8") == "an earlier analysis\n"
    assert list(folder.iterdir()) == [target]

    replaced = run("--force")
    assert replaced.exit_code == 0, replaced.output
    data = target.read_bytes()
    start = {
        "-o": b"response_key,",
        "--codebook": b"column,",
        "--xlsx": b"PK",
        "--plot": b"\x89PNG",
    }
    assert data.startswith(start[option])
    assert mode(target) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["kept.out"]


@pytest.mark.parametrize(("answer", "replaced"), [("y", True), ("n", False)])
def test_at_a_terminal_it_asks(filled: Filled, tmp_path: Path, answer: str, replaced: bool) -> None:
    out = tmp_path / "responses.csv"
    out.write_text("an earlier analysis\n", encoding="utf-8")
    leader, follower = pty.openpty()
    try:
        os.write(leader, f"{answer}\n".encode())
        done = subprocess.run(
            [*EXPORT, "--db", str(filled.path), "--flow", str(MINI), "-o", str(out)],
            cwd=ROOT,
            stdin=follower,
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(leader)
        os.close(follower)
    stderr = done.stderr.decode()
    assert f"{out} already exists: replace it? [y/N]" in stderr
    if replaced:
        assert done.returncode == 0, stderr
        assert read_csv(out.read_bytes()).shape[0] == EXPORTED
    else:  # declined: a choice, not a failure (exit 0)
        assert done.returncode == 0, stderr
        assert stderr.endswith(f"nothing written; {out} left as it was\n")
        assert out.read_text(encoding="utf-8") == "an earlier analysis\n"


# --- devices, pipes and links ------------------------------------------------------


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device that discards what it gets: a copy of /dev/null where we may make
    one, so that a regression run as root cannot replace the machine's own."""
    copy = tmp_path / "null"
    try:
        os.mknod(copy, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        if os.geteuid() == 0:
            pytest.skip("cannot make a device here, and /dev/null is not to be risked as root")
        return Path("/dev/null")
    return copy


def test_a_character_device_stays_one(filled: Filled, null_device: Path) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "-o", null_device)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null_device).st_mode)
    assert not list(null_device.parent.glob(f".{null_device.name}*"))


def test_a_terminal_device_gets_the_data(filled: Filled, tmp_path: Path) -> None:
    expected = plain_export(filled, tmp_path)
    leader, follower = pty.openpty()
    try:
        tty.setraw(follower)  # bytes as written: no "\r\n" for "\n"
        device = Path(os.ttyname(follower))
        result = invoke("--db", filled.path, "--flow", MINI, "-o", device)
        assert result.exit_code == 0, result.stderr
        assert stat.S_ISCHR(os.stat(device).st_mode)
        received = b""
        while len(received) < len(expected):
            received += os.read(leader, 65536)
    finally:
        os.close(leader)
        os.close(follower)
    assert received == expected


def test_a_named_pipe_stays_one_and_gets_the_data(filled: Filled, tmp_path: Path) -> None:
    expected = plain_export(filled, tmp_path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    result = invoke("--db", filled.path, "--flow", MINI, "-o", pipe)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert received == [expected]


def test_a_symbolic_link_is_followed(filled: Filled, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    link = tmp_path / "responses.csv"
    link.symlink_to(shared / "latest.csv")
    result = invoke("--db", filled.path, "--flow", MINI, "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(shared / "latest.csv")
    assert read_csv((shared / "latest.csv").read_bytes()).shape[0] == EXPORTED
    assert mode(shared / "latest.csv") == 0o600

    again = invoke("--db", filled.path, "--flow", MINI, "-o", link)
    assert again.exit_code == 1 and "add --force" in again.stderr  # it now points at a file


def test_links_at_temporary_names_receive_nothing(filled: Filled, tmp_path: Path) -> None:
    """A link placed where the temporary file could go is never written through: the old
    predictable name, and others an attacker might guess."""
    victims = tmp_path / "victims"
    victims.mkdir()
    folder = tmp_path / "shared"
    folder.mkdir()
    names = [
        f".responses.csv.{os.getpid()}.part",
        ".responses.csv.part",
        ".responses.csv.tmp",
        "responses.csv.tmp",
        "responses.csv.part",
        "responses.csv~",
    ]
    for index, name in enumerate(names):
        (folder / name).symlink_to(victims / f"victim{index}")
    (victims / "victim0").write_text("private\n", encoding="utf-8")
    out = folder / "responses.csv"
    result = invoke(
        "--db", filled.path, "--flow", MINI, "-o", out, "--codebook", folder / "book.csv"
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in victims.iterdir()) == ["victim0"]
    assert (victims / "victim0").read_text(encoding="utf-8") == "private\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "book.csv", "responses.csv"])
    assert all((folder / name).is_symlink() for name in names)


# --- interrupted: nothing left behind --------------------------------------------------


class Unhandled(Exception):
    """SIGTERM reached the test's own handler: the export did not catch it."""


def test_an_interruption_in_the_library_removes_its_files(filled: Filled, folder: Path) -> None:
    out, book = folder / "responses.csv", folder / "book.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def unhandled(signum: int, frame: object) -> None:
        raise Unhandled

    def terminated(done: int, total: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        with pytest.raises(Interrupted) as stopped:
            run_export(
                filled.path,
                MINI,
                ExportOptions(batch_size=1),
                csv=out,
                codebook=book,
                progress=terminated,
            )
        assert signal.getsignal(signal.SIGTERM) is unhandled  # given back after the export
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.name == "SIGTERM"
    assert sorted(p.name for p in folder.iterdir()) == ["responses.csv"]
    assert out.read_text(encoding="utf-8") == "the previous export\n"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database of 2,000 responses × 40 questions (the benchmark's), and its flow."""
    return bench_database(tmp_path_factory, 2000)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_export_leaves_no_file(
    big: tuple[Path, Path], tmp_path: Path, signum: signal.Signals
) -> None:
    db, flow = big
    out = tmp_path / "responses.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    command = [*EXPORT, "--db", str(db), "--flow", str(flow)]
    command += ["-o", str(out), "--codebook", str(tmp_path / "book.csv"), "--xlsx"]
    command += [str(tmp_path / "book.xlsx"), "--force"]
    # openpyxl streams the sheets through temporary files of its own: they must go too.
    scratch = tmp_path.parent / f"{tmp_path.name}-tmp"
    scratch.mkdir()
    environment = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    # Wait until the export is writing: its temporary files exist.
    while not list(tmp_path.glob(".*.part")) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.002)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    message = stderr.decode()
    assert f"the export was interrupted by {signum.name}" in message
    assert "Traceback" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responses.csv"]
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert list(scratch.iterdir()) == []


# --- mode 600 ----------------------------------------------------------------------


def test_every_file_written_is_600(filled: Filled, tmp_path: Path) -> None:
    os.umask(old := os.umask(0o022))  # read the umask, and run under the usual one
    try:
        files = [tmp_path / name for name in ("r.csv", "book.csv", "r.xlsx", "chart.png")]
        result = invoke(
            "--db",
            filled.path,
            "--flow",
            MINI,
            "-o",
            files[0],
            "--codebook",
            files[1],
            "--xlsx",
            files[2],
        )
        assert result.exit_code == 0, result.stderr
        assert stats("--db", filled.path, "--flow", MINI, "--plot", files[3]).exit_code == 0
    finally:
        os.umask(old)
    assert {path.name: oct(mode(path)) for path in files} == {
        path.name: oct(0o600) for path in files
    }


@pytest.mark.parametrize("name", ["dropoff.jpg", "dropoff.PDF", "dropoff.svg"])
def test_a_chart_named_for_another_image_format_is_refused(
    filled: Filled, folder: Path, name: str
) -> None:
    result = stats("--db", filled.path, "--flow", MINI, "--plot", folder / name)
    assert result.exit_code == 2
    stem = name.split(".")[0]
    assert f"{name}: the chart is a PNG image: name it {stem}.png" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("into", ["pipe", "file"])
def test_dev_stdout_is_standard_output(filled: Filled, tmp_path: Path, into: str) -> None:
    """`-o /dev/stdout`, as a shell user writes it: piped, it was "No such file"; sent to a
    file, "already exists"."""
    command = [*EXPORT, "--db", str(filled.path), "--flow", str(MINI), "-o", "/dev/stdout"]
    if into == "pipe":
        done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60, check=False)
        data = done.stdout
    else:
        target = tmp_path / "redirected.csv"
        target.write_bytes(b"")
        with target.open("wb") as file:
            done = subprocess.run(
                command, cwd=ROOT, stdout=file, stderr=subprocess.PIPE, timeout=60, check=False
            )
        data = target.read_bytes()
    assert done.returncode == 0, done.stderr.decode()
    assert read_csv(data).shape[0] == EXPORTED
