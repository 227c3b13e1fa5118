"""The terminal chat as a person uses it: a real `surveybot chat` process fed through a pipe."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import bundled_path, effective_answers, load_flow
from tests.conftest import MINI
from tests.support.scripts import script_for
from tests.support.sqlite import open_sqlite

FLOW = load_flow(bundled_path("questionnaire.yaml"))


def chat(db: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db), *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def typed(db: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """`lines` answered as a person types them: a line refused is said and asked again
    (`--keep-going`), where a script of answers would stop at it."""
    return chat(db, lines, *args, "--keep-going")


def stored(db: Path) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    with open_sqlite(db) as connection:
        responses = connection.execute(
            "SELECT status, stage_code, language FROM responses ORDER BY id"
        ).fetchall()
        answers = {
            question: json.loads(value)
            for question, value in connection.execute("SELECT question_id, value_json FROM answers")
        }
    return responses, answers


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_piping_a_full_set_of_answers_completes_the_bundled_flow(tmp_path: Path, lang: str) -> None:
    lines, end = script_for(FLOW, lang)
    result = chat(tmp_path / "s.sqlite3", lines, "--stage", "pithiviers", "--lang", lang)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    responses, answers = stored(tmp_path / "s.sqlite3")
    assert responses == [("completed", "pithiviers", lang)]
    assert answers == effective_answers(FLOW, end)
    assert ("Merci" if lang == "fr" else "Thank") in result.stdout


def test_half_then_again_resumes_at_the_right_question(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines, end = script_for(FLOW)
    half = len(lines) // 2

    first = chat(db, lines[:half])
    assert first.returncode == 0
    assert "Relancez la même commande pour reprendre" in first.stdout
    assert stored(db)[0] == [("in_progress", None, "fr")]

    # Enter takes the offer's default, "Reprendre".
    second = chat(db, ["", *lines[half:]])
    assert second.returncode == 0, second.stderr
    assert "Vous avez un questionnaire en cours" in second.stdout
    assert "Entrée\u00a0: Reprendre ▶" in second.stdout
    # The first question shown after resuming is the one after the last answer given.
    agreed = 1 if FLOW.consent_version else 0  # the first line agrees to the notice
    _, state_at_half = script_for(FLOW, limit=half - agreed)
    expected = FLOW.text(FLOW.step(state_at_half.current or "").text, "fr").split("{")[0]
    first_question = second.stdout.split("──")[2]
    assert expected in first_question
    responses, answers = stored(db)
    assert responses == [("completed", None, "fr")]
    assert answers == effective_answers(FLOW, end)


@pytest.mark.parametrize(
    ("answers_before", "wrong", "expected"),
    [
        (["", "ACME"], "douze", "Merci d’indiquer un nombre"),
        (["", "ACME", "12", "1", "oui", "1", ""], "7", "Merci de choisir une valeur de 1 à 5."),
        (
            ["", "ACME", "12", "1", "oui", "1", "", "5", "1 2", ""],
            "pas-un-email",
            "ne semble pas valide",
        ),
        (
            [""],
            "x" * 10_000,
            "Votre réponse est bien trop longue\u00a0: 20\u00a0caractères au plus.",
        ),
    ],
    ids=["text-for-number", "off-scale", "bad-email", "too-long"],
)
def test_a_wrong_answer_gets_a_clear_message_and_the_same_question(
    tmp_path: Path, answers_before: list[str], wrong: str, expected: str
) -> None:
    db = tmp_path / "s.sqlite3"
    before = typed(db, [*answers_before, "quit"], "--flow", str(MINI))
    question = before.stdout.rstrip().split("──")[-2]

    result = typed(db, ["", wrong, "quit"], "--flow", str(MINI))

    assert result.returncode == 0
    assert expected in result.stdout.replace("\u202f", "")
    after_error = result.stdout.split("⚠", 1)[1]
    assert question in after_error, "the same question is asked again"


def test_figures_that_name_no_answer_get_the_terminals_number_range(tmp_path: Path) -> None:
    # A pasted wall of digits too: past 4,300 digits Python refuses to read a number.
    figures = ["-1", "1.5", "1 2", "1,2", "1-3", "99", "9" * 5000, "0" * 5000 + "1"]
    # On the single choice "Secteur ?", then on the yes/no "Exportez-vous ?".
    lines = ["", "ACME", "12", *figures, "1", *figures, "quit"]
    result = typed(tmp_path / "s.sqlite3", lines, "--flow", str(MINI))

    warnings = [line for line in result.stdout.splitlines() if line.startswith("⚠")]
    # Both questions have three answers ("Autre" and "Ne sait pas" included).
    assert warnings == ["⚠ Tapez un numéro de 1 à 3."] * len(figures) * 2
    assert "Exportez-vous ?" in result.stdout, "a number still picks an answer"


def test_a_superscript_figure_is_refused_not_a_crash(tmp_path: Path) -> None:
    # "²" has its own key beside "1" on a French keyboard; Python calls it a digit.
    lines = ["", "ACME", "12", "²", "1", "1", "1 ²", "1 " + "9" * 5000, "quit"]
    result = typed(tmp_path / "s.sqlite3", lines, "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    warnings = [line for line in result.stdout.splitlines() if line.startswith("⚠")]
    assert warnings == [
        "⚠ Tapez un numéro de 1 à 3.",
        "⚠ Tapez des numéros de 1 à 5, séparés par des espaces.",
        "⚠ Tapez des numéros de 1 à 5, séparés par des espaces.",
    ]


def test_other_please_specify_is_asked_and_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["", "ACME", "12", "3", "Agroalimentaire", "quit"], "--flow", str(MINI))

    assert "précisez en quelques mots" in result.stdout
    with open_sqlite(db) as connection:
        row = connection.execute(
            "SELECT value_json, other_text FROM answers WHERE question_id = 'sector'"
        ).fetchone()
    assert row == ('"other"', "Agroalimentaire")


def specify_hints(stdout: str) -> list[str]:
    """The hint line under each "please specify" question shown, in order."""
    blocks = stdout.split("précisez en quelques mots.\n")[1:]
    return [block.split("\n", 1)[0] for block in blocks]


def test_other_please_specify_asks_for_text_then_offers_the_earlier_text(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    # "Autre", its text, then back to the choice: Enter keeps "Autre", Enter keeps its text.
    lines = ["", "ACME", "12", "3", "Agroalimentaire", "retour", "", "", "quit"]
    result = chat(db, lines, "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    hints = specify_hints(result.stdout)
    # First visit: nothing to keep yet, and never the choice's code.
    assert hints[0] == "  écrivez votre réponse · «\u00a0retour\u00a0» pour revenir"
    # Back again: the earlier text, once, and Enter keeps it.
    assert hints[1] == (
        "  écrivez votre réponse · réponse actuelle\u00a0: Agroalimentaire (Entrée pour la garder)"
        " · «\u00a0retour\u00a0» pour revenir"
    )
    assert "⚠" not in result.stdout
    assert len(hints) == 2, "Enter went on to the next question"
    with open_sqlite(db) as connection:
        row = connection.execute(
            "SELECT value_json, other_text FROM answers WHERE question_id = 'sector'"
        ).fetchone()
    assert row == ('"other"', "Agroalimentaire")


def test_a_new_other_text_replaces_the_earlier_one(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines = ["", "ACME", "12", "3", "Agroalimentaire", "retour", "", "Aéronautique", "quit"]
    chat(db, lines, "--flow", str(MINI))

    with open_sqlite(db) as connection:
        row = connection.execute(
            "SELECT other_text FROM answers WHERE question_id = 'sector'"
        ).fetchone()
    assert row == ("Aéronautique",)


def test_back_keeps_the_answer_as_default_and_enter_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["", "ACME", "12", "retour", "", "quit"], "--flow", str(MINI))

    assert "réponse actuelle\u00a0: 12" in result.stdout
    assert stored(db)[1] == {"company": "ACME", "staff": 12}


MORE_OBSTACLES = "Y a-t-il d’autres freins importants"


def listed_under(stdout: str, question: str) -> list[list[str]]:
    """The answers listed each time `question` was asked, as printed: "[x] Coût…"."""
    blocks = [part.split("\n> ")[0] for part in stdout.split(question)[1:]]
    return [re.findall(r"^ +\d+\. (.+)$", block, re.MULTILINE) for block in blocks]


def test_the_more_obstacles_leave_out_the_main_one_even_after_it_changed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    # The script's answers up to the main obstacle to innovation.
    steps = next(
        n for n in range(60) if script_for(FLOW, limit=n)[1].current == "innov_barrier_main"
    )
    lines, _ = script_for(FLOW, limit=steps)
    # Main: "Manque de temps"; more: the first two. Then back twice, to change the main one.
    result = chat(db, [*lines, "3", "1 2", "retour", "retour", "2", "", "quit"])

    assert result.returncode == 0, result.stderr
    first, again, changed = listed_under(result.stdout, MORE_OBSTACLES)
    assert first == [
        "[ ] Coût, financement",
        "[ ] Manque de compétences",
        "[ ] Incertitude sur le marché",
        "[ ] Normes, réglementation",
        "[ ] Manque de partenaires",
        "[ ] Pas d’autre frein",
        "[ ] Autre frein",
    ]
    assert again[:2] == ["[x] Coût, financement", "[x] Manque de compétences"]
    # Skills is the main one now: no longer listed, nor ticked, and Enter keeps the rest.
    assert changed[:3] == [
        "[x] Coût, financement",
        "[ ] Manque de temps",
        "[ ] Incertitude sur le marché",
    ]
    assert not any("Manque de compétences" in line for line in changed)
    answers = stored(db)[1]
    assert (answers["innov_barrier_main"], answers["innov_barriers_more"]) == (
        "skills",
        ["funding"],
    )


def test_an_unknown_stage_offers_the_workshops_and_going_on_untagged(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["Continuer sans atelier", "oui", "quit"], "--stage", "atlantis")

    assert "ne correspond à aucun atelier connu" in result.stdout
    assert "1. Pithiviers" in result.stdout
    assert stored(db)[0] == [("in_progress", None, "fr")]


def test_an_audiences_link_to_a_questionnaire_not_run_is_refused_with_what_to_add(
    tmp_path: Path,
) -> None:
    # An organiser trying the actors' card without --flows would answer the companies' one.
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["oui"], "--stage", "pithiviers__territoire")

    assert result.returncode == 1
    assert result.stderr == (
        "error: --stage pithiviers__territoire: 'territoire' is the audience of a "
        "questionnaire this chat does not run (it runs only 'tour_innovation_2019'): add "
        "--flows bundled for both bundled questionnaires, or --flows with each audience's "
        "flow file\n"
    )
    assert not db.exists()
    ran = chat(db, ["quit"], "--stage", "pithiviers__territoire", "--flows", "bundled")
    assert "acteurs du territoire" in ran.stdout, ran.stderr


def test_a_workshop_picked_from_the_list_tags_the_response(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["1", "oui", "quit"], "--stage", "pithivier")

    assert stored(db)[0] == [("in_progress", "pithiviers", "fr")]


@pytest.mark.parametrize(
    ("stage", "said"),
    [
        ("exemple_normandie", "d’Évreux"),
        ("exemple_grand_est", "d’Épinal"),
        ("exemple_bretagne", "de Vitré"),
    ],
)
def test_the_welcome_elides_de_before_a_town_starting_with_a_vowel(
    tmp_path: Path, stage: str, said: str
) -> None:
    result = chat(tmp_path / "s.sqlite3", ["quit"], "--stage", stage)

    assert f"Vos réponses seront rattachées à l’atelier {said} (" in result.stdout


def test_a_broken_flow_file_stops_before_anything_runs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: T\nsections: []\n", encoding="utf-8")

    result = chat(tmp_path / "s.sqlite3", [], "--flow", str(broken))

    assert result.returncode == 1
    assert f"{broken}:4:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s.sqlite3").exists()


def test_declining_the_notice_stores_nothing_but_the_refusal(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = typed(db, ["peut-être", "non"], "--stage", "pithiviers")

    assert result.returncode == 0
    assert "Répondez oui ou non" in result.stdout
    assert "aucune réponse n’est enregistrée" in result.stdout
    assert "Question 1/" not in result.stdout
    with open_sqlite(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM responses").fetchone() == (0,)
        assert connection.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)
        refusals = connection.execute(
            "SELECT consent_version, stage_code FROM consent_refusals"
        ).fetchall()
    assert refusals == [(FLOW.consent_version, "pithiviers")]


def test_agreeing_records_the_notice_version(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["oui", "quit"])

    with open_sqlite(db) as connection:
        version = connection.execute("SELECT consent_version FROM responses").fetchone()
    assert version == (FLOW.consent_version,)


def test_quitting_at_the_notice_stores_nothing_at_all(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, ["quit"])

    assert result.returncode == 0
    assert "rien n’a été enregistré" in result.stdout
    with open_sqlite(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM responses").fetchone() == (0,)
        assert connection.execute("SELECT COUNT(*) FROM consent_refusals").fetchone() == (0,)


def test_a_latin1_terminal_is_read_as_such_not_a_crash(tmp_path: Path) -> None:
    """A terminal set to Latin-1 (or Windows-1252) sends "é" as one byte that is not UTF-8."""
    db = tmp_path / "s.sqlite3"
    typed = "oui\nSociété Dupont\nquit\n".encode("cp1252")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db)],
        input=typed,
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    with open_sqlite(db) as connection:
        stored = connection.execute("SELECT value_json FROM answers").fetchall()
    assert stored == [('"Société Dupont"',)]


def test_an_argument_that_is_not_utf8_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    # A file name may hold such bytes: the database opens (and is named) as before.
    db = bytes(tmp_path) + b"/caf\xe9.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", db, "--respondent", b"Fran\xe7oise"],
        input=b"quit\n",
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    error = result.stderr.decode()
    assert error.endswith(
        "error: the argument 'Fran\ufffdoise' is not UTF-8 text; set the terminal to UTF-8\n"
    )
    assert "Traceback" not in error

    fine = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", db],
        input=b"quit\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert fine.returncode == 0 and fine.stderr == b""


# --- the same conversation as on Telegram -------------------------------------------------


def test_a_finished_respondent_gets_the_summary_and_can_change_an_answer(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines, _ = script_for(FLOW)
    chat(db, lines)

    # Back later: the summary; "modifier" asks which, "annuler" leaves the picker, then
    # the number of a line of the summary opens its question, as on every channel.
    result = chat(db, ["modifier", "annuler", "1", "Exemple Industries SAS", ""])

    assert result.returncode == 0, result.stderr
    assert "Vous avez déjà répondu à ce questionnaire" in result.stdout
    assert "Récapitulatif de vos réponses" in result.stdout
    assert "tapez le numéro d’une réponse pour la modifier · Entrée pour terminer" in (
        result.stdout
    )
    assert "Quelle réponse voulez-vous modifier" in result.stdout
    assert "Entrée\u00a0: Annuler" in result.stdout
    assert "⚠" not in result.stdout  # every line was read as meant
    responses, answers = stored(db)
    assert responses == [("completed", None, "fr")]
    assert answers["company_name"] == "Exemple Industries SAS"
    assert "voici une nouvelle réponse" not in result.stdout


def test_a_number_typed_under_the_summary_opens_that_question(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines, _ = script_for(FLOW)
    chat(db, lines)

    result = chat(db, ["3", "quit"])

    assert result.returncode == 0, result.stderr
    assert "⚠" not in result.stdout
    assert "Question 3/" in result.stdout.split("Entrée pour terminer", 1)[1]


def test_delete_in_the_terminal_erases_after_confirmation(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["oui", "ACME", "quit"])

    kept = chat(db, ["", "/delete", "non", "quit"])
    assert "Effacer définitivement" in kept.stdout
    assert stored(db)[1] == {"company_name": "ACME"}

    with open_sqlite(db) as connection:
        (key,) = [row[0] for row in connection.execute("SELECT key FROM responses")]
    erased = chat(db, ["", "/delete", "oui"])
    assert erased.returncode == 0
    # The line an erasure leaves for the operator who restores an older backup, as the bot
    # and the web chat log it: the terminal logs nothing else.
    assert erased.stderr == (
        f"erasure: a terminal respondent erased their data (responses {key}): after "
        f"restoring an older backup, erase them again with surveybot erase --response {key}\n"
    )
    assert "C’est fait\u00a0: vos réponses et les données vous concernant ont été effacées" in (
        erased.stdout
    )
    with open_sqlite(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM respondents").fetchone() == (0,)
        assert connection.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)


def test_mydata_in_the_terminal_shows_everything_stored_as_json(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["oui", "ACME", "quit"])

    result = chat(db, ["", "/mydata", "quit"])

    data = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    assert data["channel"] == "terminal"
    assert data["responses"][0]["answers"]["company_name"]["value"] == "ACME"
    assert "Pour tout effacer\u00a0: /delete" in result.stdout


def test_a_changed_questionnaire_keeps_what_still_fits(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    chat(db, ["", "ACME", "12", "quit"], "--flow", str(MINI))
    newer = tmp_path / "mini_v2.yaml"
    text = MINI.read_text(encoding="utf-8").replace("version: 1", "version: 2")
    newer.write_text(text.replace("max: 10000", "max: 10"), encoding="utf-8")

    result = chat(db, ["", "quit"], "--flow", str(newer))

    assert "Le questionnaire a été mis à jour depuis votre dernière visite" in result.stdout
    # They go on where they were; 12 staff no longer fits "at most 10": that answer goes
    # (it is asked again before the end), the name stays.
    assert "Secteur ?" in result.stdout.split("mis à jour")[1]
    with open_sqlite(db) as connection:
        (version,) = connection.execute("SELECT flow_version FROM responses").fetchone()
    assert version == 2
    assert stored(db)[1] == {"company": "ACME"}


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_ctrl_c_keeps_the_answers_and_says_so(tmp_path: Path) -> None:
    """Ctrl+C at a question: like "quitter", the answers are kept and the chat says so."""
    db = tmp_path / "chat.sqlite3"
    # As typed in a terminal, where Ctrl+C is never ignored: a test run started in the
    # background (CI, a job) ignores SIGINT, and its children would inherit that.
    heed_ctrl_c = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"{heed_ctrl_c}; import runpy; runpy.run_module('bot', run_name='__main__')",
            "chat",
            "--db",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("oui\nExemple Industries\n")
    process.stdin.flush()
    seen = ""
    while "Question 2/" not in seen:  # the company's name is stored, the sector asked
        line = process.stdout.readline()
        assert line, "the chat ended early"
        seen += line
    time.sleep(0.3)  # at the prompt, waiting for the sector

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 130
    assert out.rstrip().endswith(
        "Vos réponses sont enregistrées. Relancez la même commande pour reprendre."
    )
    assert "Traceback" not in err
    assert stored(db)[1] == {"company_name": "Exemple Industries"}


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_respondent_name_is_refused_before_anything_is_stored(
    tmp_path: Path, name: str
) -> None:
    db = tmp_path / "chat.sqlite3"
    done = chat(db, ["oui", "Exemple Industries"], "--respondent", name)

    assert done.returncode == 2
    assert "give a name, like --respondent ana" in done.stderr
    assert not db.exists()


def test_non_to_restarting_a_finished_questionnaire_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    lines, _ = script_for(FLOW, "fr")
    assert chat(db, lines, "--stage", "pithiviers").returncode == 0

    result = chat(db, ["/restart", "non", "quitter"])

    assert result.returncode == 0, result.stderr
    after_no = result.stdout.split("Répondez oui ou non")[-1]
    # Said so, and the answers shown whole: a terminal has room, and no buttons to hide them.
    assert after_no.index("Rien n’a été effacé.") < after_no.index("Récapitulatif de vos réponses")
    assert "Vous avez déjà répondu" not in after_no
    assert "⚠" not in after_no
    assert stored(db)[0] == [("completed", "pithiviers", "fr")]


def test_the_other_audiences_link_switches_questionnaire_once_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    db = tmp_path / "s.sqlite3"
    begun = chat(db, ["oui", "Exemple Industries", "quitter"], "--stage", "pithiviers__entreprise")
    assert begun.returncode == 0, begun.stderr

    result = chat(db, ["2", "oui", "oui", "quitter"], "--stage", "pithiviers__territoire")

    assert result.returncode == 0, result.stderr
    assert "⚠" not in result.stdout
    with open_sqlite(db) as connection:
        flows = connection.execute("SELECT flow_id, stage_code FROM responses").fetchall()
        names = connection.execute("SELECT COUNT(*) FROM answers").fetchone()
    assert flows == [("tour_innov_2019_acteurs", "pithiviers")]
    assert names == (0,)  # the company's name went with the company questionnaire
