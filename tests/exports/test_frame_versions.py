"""`load_responses` on a database holding several versions of a questionnaire: one category
per value, as the CSV writes it.

Version 4 of the companies' questionnaire renamed the code `partner_job` of
`talent_barrier_main` to `spouse_job` and kept its label, "Emploi du conjoint": with
`labels=True` both codes are that one label, as in `surveybot export --labels`, not
two categories of one name (which pandas refuses). The older version is made here from
the bundled file, as the bot records each version it runs (`keep_flow_versions`).

A question whose kind changed (`recruit_difficulty`: a scale in version 1, a five-point
single choice in version 4) holds 3 from one version and "3" from the other: the CSV
writes both "3", and so the frame has one category "3" (one count, one `== "3"`).
"""

from __future__ import annotations

from pathlib import Path

from conversation import keep_flow_versions
from exports import ExportOptions, export_csv, load_responses
from flows import Flow, bundled_path, load_flow
from tests.conftest import MINI
from tests.exports.conftest import Survey, read_csv
from tests.exports.test_stata_recipe import everything

SPOUSE = "Emploi du conjoint"
RANKED = {"obstacles": ["cost", "time"]}


def version_3(tmp_path: Path) -> Flow:
    """The bundled questionnaire as version 3 had `talent_barrier_main`: `partner_job`."""
    text = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    assert "\nversion: 6\n" in text and "code: spouse_job" in text
    text = text.replace("\nversion: 6\n", "\nversion: 3\n").replace("spouse_job", "partner_job")
    path = tmp_path / "questionnaire_v3.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


async def test_two_codes_of_one_label_are_one_category_as_in_the_csv(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    old, new = version_3(tmp_path), load_flow(bundled_path("questionnaire.yaml"))
    await keep_flow_versions(survey.store, [old], now=survey.clock.tick())
    await survey.respond(old, everything(old, {"talent_barrier_main": "partner_job"}))
    await keep_flow_versions(survey.store, [new], now=survey.clock.tick())
    await survey.respond(new, everything(new, {"talent_barrier_main": "spouse_job"}))

    frame = load_responses(db_path, labels=True)  # the analysts' page's first line
    main = frame["talent_barrier_main"]
    assert main.tolist() == [SPOUSE, SPOUSE]
    assert list(main.cat.categories).count(SPOUSE) == 1
    assert main.value_counts()[SPOUSE] == 2
    csv = read_csv(export_csv(db_path, new, ExportOptions(labels=True)).data)
    assert csv["talent_barrier_main"].tolist() == main.astype(str).tolist()
    # Without labels, each code is its own category, the renamed one after the file's.
    codes = load_responses(db_path)["talent_barrier_main"]
    assert codes.tolist() == ["partner_job", "spouse_job"]
    assert list(codes.cat.categories)[-1] == "partner_job"


IMPORTANCE_SCALE = """      - id: importance
        type: scale
        text: {fr: "Importance ?", en: "Importance?"}
        min_label: {fr: Faible, en: Low}
        max_label: {fr: Forte, en: High}
        dont_know: true
"""
IMPORTANCE_CHOICE = """      - id: importance
        type: single_choice
        text: {fr: "Importance ?", en: "Importance?"}
        choices:
""" + "".join(
    f'          - {{code: "{n}", label: {{fr: "Niveau {n}", en: "Level {n}"}}}}\n'
    for n in range(1, 6)
)
EMAIL_SHOWN = "        show_if: {question: importance, min: 4}\n"


def importance_as_choice(tmp_path: Path) -> Flow:
    """Version 2 of the mini flow: `importance` a five-point single choice (codes "1" to
    "5"), no longer a scale, as `recruit_difficulty` became in the companies' version 4."""
    text = MINI.read_text(encoding="utf-8")
    assert IMPORTANCE_SCALE in text and EMAIL_SHOWN in text
    text = text.replace("version: 1", "version: 2").replace(IMPORTANCE_SCALE, IMPORTANCE_CHOICE)
    path = tmp_path / "mini_v2.yaml"
    path.write_text(text.replace(EMAIL_SHOWN, ""), encoding="utf-8")
    return load_flow(path)


async def test_a_question_that_changed_kind_has_one_category_per_value_as_in_the_csv(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path
) -> None:
    new = importance_as_choice(tmp_path)
    await keep_flow_versions(survey.store, [mini], now=survey.clock.tick())
    for rating in (3, 5, "dont_know"):  # a scale stores its points as numbers
        await survey.respond(mini, everything(mini, {"importance": rating, **RANKED}))
    await keep_flow_versions(survey.store, [new], now=survey.clock.tick())
    for code in ("3", "1"):  # a choice, its codes as texts
        await survey.respond(new, everything(new, {"importance": code, **RANKED}))

    importance = load_responses(db_path, new)["importance"]
    csv = read_csv(export_csv(db_path, new).data)["importance"]
    assert csv.tolist() == ["3", "5", "dont_know", "3", "1"]
    assert importance.astype(str).tolist() == csv.tolist()
    assert list(importance.cat.categories) == ["1", "2", "3", "4", "5", "dont_know"]
    assert (importance == "3").sum() == 2
    assert importance.value_counts()["3"] == 2
    assert len(importance.value_counts()) == len(importance.cat.categories)
