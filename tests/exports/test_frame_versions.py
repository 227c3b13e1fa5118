"""`load_responses` on a database holding several versions of a questionnaire: one category
per value, as the CSV writes it.

Version 4 of the companies' questionnaire renamed the code `partner_job` of
`talent_barrier_main` to `spouse_job` and kept its label, "Emploi du conjoint": with
`labels=True` both codes are that one label, as in `surveybot export --labels`, not
two categories of one name (which pandas refuses). The older version is made here from
the bundled file, as the bot records each version it runs (`keep_flow_versions`).
"""

from __future__ import annotations

from pathlib import Path

from conversation import keep_flow_versions
from exports import ExportOptions, export_csv, load_responses
from flows import Flow, bundled_path, load_flow
from tests.exports.conftest import Survey, read_csv
from tests.exports.test_stata_recipe import everything

SPOUSE = "Emploi du conjoint"


def version_3(tmp_path: Path) -> Flow:
    """The bundled questionnaire as version 3 had `talent_barrier_main`: `partner_job`."""
    text = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    assert "\nversion: 4\n" in text and "code: spouse_job" in text
    text = text.replace("\nversion: 4\n", "\nversion: 3\n").replace("spouse_job", "partner_job")
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
