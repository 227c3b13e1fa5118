"""`called:` in a stages file: what its stages are called, loaded onto each stage, and checked.

A broken block is reported the way `surveybot validate` prints it: every problem
in one pass, each on its line, naming the language and the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conversation import stage_words
from flows import FlowFileError, load_stages, shared_called, stage_noun, validate_file
from flows.stages import Called
from tests.support.stage_nouns import write_stages


def report(folder: Path, text: str) -> list[str]:
    path = folder / "stages.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in validate_file(path)]


def french(**noun: object) -> Called:
    return Called.model_validate({"fr": noun})


# --- loading -------------------------------------------------------------------------


def test_each_stage_holds_the_files_noun_and_a_stage_may_say_its_own(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(
        "called:\n"
        "  fr: {one: salon, many: salons, gender: m}\n"
        "  en: {one: trade fair, many: trade fairs}\n"
        "stages:\n"
        "  - code: a\n"
        "    city: Pithiviers\n"
        "  - code: b\n"
        "    city: Évreux\n"
        "    called:\n"
        "      fr: {one: journée portes ouvertes, many: journées portes ouvertes, gender: f}\n",
        encoding="utf-8",
    )

    first, second = load_stages(path)

    assert stage_noun(first.called, "fr").one == "salon"
    assert stage_noun(first.called, "en").one == "trade fair"
    # Its own French noun, and the file's English one where it says none.
    assert stage_noun(second.called, "fr").one == "journée portes ouvertes"
    assert stage_noun(second.called, "en").one == "trade fair"


def test_a_file_that_says_nothing_keeps_atelier_and_workshop(tmp_path: Path) -> None:
    (stage, _) = load_stages(write_stages(tmp_path, "atelier"))

    assert stage.called is None
    assert stage_noun(stage.called, "fr").one == "atelier"
    assert stage_noun(stage.called, "en").one == "workshop"


# --- the grammar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noun", "forms"),
    [
        (
            french(one="journée portes ouvertes", many="journées portes ouvertes", gender="f"),
            "la journée portes ouvertes|à la journée portes ouvertes|de la journée portes "
            "ouvertes|cette journée portes ouvertes|aucune|connue|la vôtre|"
            "Journée portes ouvertes|journées portes ouvertes",
        ),
        (
            french(one="salon", many="salons", gender="m"),
            "le salon|au salon|du salon|ce salon|aucun|connu|le vôtre|Salon|salons",
        ),
        (
            french(one="événement", many="événements", gender="m"),
            "l’événement|à l’événement|de l’événement|cet événement|aucun|connu|le vôtre|"
            "Événement|événements",
        ),
        (
            french(one="exposition", many="expositions", gender="f"),
            "l’exposition|à l’exposition|de l’exposition|cette exposition|aucune|connue|"
            "la vôtre|Exposition|expositions",
        ),
        (
            None,
            "l’atelier|à l’atelier|de l’atelier|cet atelier|aucun|connu|le vôtre|Atelier|ateliers",
        ),
        # Before an h, French varies: the file says.
        (
            french(
                one="hôtel d’entreprises", many="hôtels d’entreprises", gender="m", elision=True
            ),
            "l’hôtel d’entreprises|à l’hôtel d’entreprises|de l’hôtel d’entreprises|"
            "cet hôtel d’entreprises|aucun|connu|le vôtre|Hôtel d’entreprises|hôtels d’entreprises",
        ),
        (
            french(one="hackathon", many="hackathons", gender="m"),
            "le hackathon|au hackathon|du hackathon|ce hackathon|aucun|connu|le vôtre|"
            "Hackathon|hackathons",
        ),
    ],
)
def test_french_says_the_article_the_contraction_and_the_agreement(
    noun: Called | None, forms: str
) -> None:
    said = stage_words("fr", noun)
    keys = ("le_stage", "au_stage", "du_stage", "ce_stage", "aucun", "connu", "le_votre")
    assert "|".join(said[key] for key in (*keys, "Stage", "stages")) == forms


@pytest.mark.parametrize(
    ("en", "said"),
    [
        ({"one": "open day", "many": "open days"}, "an open day"),
        ({"one": "trade fair", "many": "trade fairs"}, "a trade fair"),
        ({"one": "event", "many": "events"}, "an event"),
        ({"one": "user day", "many": "user days", "an": False}, "a user day"),
        ({"one": "hour of code", "many": "hours of code", "an": True}, "an hour of code"),
    ],
)
def test_english_says_a_or_an(en: dict[str, object], said: str) -> None:
    assert stage_words("en", Called.model_validate({"en": en}))["a_stage"] == said
    assert stage_words("en", None)["a_stage"] == "a workshop"


def test_a_language_the_bots_words_do_not_speak_reads_the_french_noun() -> None:
    called = Called.model_validate(
        {
            "fr": {"one": "salon", "many": "salons", "gender": "m"},
            "de": {"one": "Messe", "many": "Messen"},
        }
    )
    assert stage_words("de", called)["au_stage"] == "au salon"


# --- validate ------------------------------------------------------------------------


def test_every_problem_of_a_broken_called_block_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr: {one: journée portes ouvertes, many: journées portes ouvertes}\n"  # 2
        "  en: {one: open day, gender: f}\n"  # 3
        "  DE: {one: Tag, many: Tage}\n"  # 4
        "  es: {one: jornada, many: jornadas, an: true}\n"  # 5
        "stages:\n"
        "  - code: a\n"
        "    city: Évreux\n"
        "    called:\n"
        "      fr: {one: hackathon, many: hackathons, gender: x}\n"  # 10
        "      en: salon\n"  # 11
        "  - code: b\n"
        "    city: Vitré\n"
        "    called: salon\n"  # 14
        "  - code: c\n"
        "    city: Gien\n"
        "    called:\n"
        "      fr: {one: salon, many: salons, gendre: m, gender: m}\n"  # 18
    )
    assert report(tmp_path, text) == [
        "2: called fr: missing required key 'gender': m (le salon) or f (la journée)",
        "3: called en: 'gender' is French grammar: it goes under fr only",
        "3: called en: missing required key 'many'",
        "4: 'DE' is not a language code: two lowercase letters, like fr or en",
        "5: called es: 'an' is English grammar: it goes under en only",
        "5: warning: surveybot's own words exist in fr and en only: respondents answering "
        "in es read them in French, with the fr noun",
        "10: warning: stage 'a': 'hackathon' starts with an h: say whether French elides "
        "before it, elision: true (l’hôtel) or elision: false (le hangar); read as false",
        "10: stage 'a': called fr: 'gender' should be 'm' or 'f', got 'x'",
        "11: stage 'a': called en: must be a mapping, like {one: open day, many: open days}",
        "14: stage 'b': 'called' must be a mapping of language to noun, like "
        "fr: {one: salon, many: salons, gender: m}",
        "18: stage 'c': called fr: unknown key 'gendre'; did you mean 'gender'?",
    ]
    with pytest.raises(FlowFileError):
        load_stages(tmp_path / "stages.yaml")


def test_a_noun_that_is_empty_too_long_or_read_as_a_boolean_is_located(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr:\n"
        "    one: ''\n"  # 3
        f"    many: {'x' * 41}\n"  # 4
        "    gender: m\n"
        "  en:\n"
        "    one: on\n"  # 7
        "    many: ons\n"
        "    an: yes\n"
        "stages:\n"
        "  - {code: a, city: Gien}\n"
    )
    problems = report(tmp_path, text)
    assert [problem.split(":")[0] for problem in problems] == ["3", "4", "7"]
    assert "'one' is empty: give it a value" in problems[0]
    assert "'many': string should have at most 40 characters" in problems[1]
    assert "'on' is read as a boolean" in problems[2]


def test_a_language_of_the_bot_left_out_is_a_warning_and_the_file_loads(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr: {one: salon, many: salons, gender: m}\n"
        "stages:\n"
        "  - {code: a, city: Gien}\n"
        "  - code: b\n"  # 5
        "    city: Évreux\n"
        "    called:\n"  # 7
        "      de: {one: Messe, many: Messen}\n"  # 8
    )
    assert report(tmp_path, text) == [
        "1: warning: no en noun: respondents reading en read 'workshop'; add "
        "en: {one: open day, many: open days} if your flows are in that language",
        "7: warning: stage 'b': no en noun: respondents reading en read 'workshop'; add "
        "en: {one: open day, many: open days} if your flows are in that language",
        "8: warning: stage 'b': surveybot's own words exist in fr and en only: respondents "
        "answering in de read them in French, with the fr noun",
    ]
    _, second = load_stages(tmp_path / "stages.yaml")
    assert stage_noun(second.called, "fr").one == "salon"


def test_the_schema_tells_an_editor_the_keys_of_called(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from flows import StagesFile

    schema = StagesFile.model_json_schema(by_alias=True)
    validator = jsonschema.Draft202012Validator(schema)
    good = {
        "called": {"fr": {"one": "salon", "many": "salons", "gender": "m"}},
        "stages": [{"code": "a", "city": "Gien"}],
    }
    validator.validate(good)
    assert not validator.is_valid({**good, "called": {"FR": {"one": "a", "many": "b"}}})
    assert not validator.is_valid({**good, "called": {"fr": {"one": "salon", "many": "s"}}})
    noun = schema["$defs"]["FrenchNoun"]["properties"]
    assert "m or f" in noun["gender"]["description"]


def test_a_noun_too_long_for_the_go_on_without_button_is_warned_of_once(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr: {one: journée portes ouvertes, many: journées portes ouvertes, gender: f}\n"
        "  en:\n"
        "    one: international trade fair\n"  # 4
        "    many: international trade fairs\n"
        "stages:\n"
        "  - code: a\n"
        "    city: Gien\n"
        "    called:\n"
        "      fr: {one: rencontre régionale des fablabs, many: rencontres, gender: f}\n"  # 10
        "      en: {one: regional meeting of the innovative companies, many: meetings}\n"  # 11
    )
    assert report(tmp_path, text) == [
        "4: warning: 'international trade fair' is 24 characters: the button that goes on "
        "without one (for a link naming no known stage) would pass the 40 a phone shows; "
        "22 at most reads whole",
        "10: warning: stage 'a': 'rencontre régionale des fablabs' is 31 characters: the "
        "button that goes on without one (for a link naming no known stage) would pass the "
        "40 a phone shows; 25 at most reads whole",
        # Past 40 characters the schema refuses it: said once, not warned of as well.
        "11: stage 'a': called en: 'one': string should have at most 40 characters "
        "(got 'regional meeting of the innovative companies')",
    ]


def test_an_empty_language_is_warned_of_as_one_left_out(tmp_path: Path) -> None:
    text = (
        "called:\n  fr: {one: salon, many: salons, gender: m}\n  en:\n"
        "stages:\n  - {code: a, city: Gien}\n"
    )
    assert report(tmp_path, text) == [
        "1: warning: no en noun: respondents reading en read 'workshop'; add "
        "en: {one: open day, many: open days} if your flows are in that language",
    ]


@pytest.mark.parametrize(
    ("one", "guess"), [("hour of code", "a"), ("university fair", "an"), ("8-hour day", "a")]
)
def test_english_a_or_an_not_told_by_the_first_letter_is_asked(
    tmp_path: Path, one: str, guess: str
) -> None:
    text = (
        "called:\n  fr: {one: salon, many: salons, gender: m}\n"
        f"  en: {{one: {one}, many: days}}\nstages:\n  - {{code: a, city: Gien}}\n"
    )
    assert report(tmp_path, text) == [
        f"3: warning: say whether English puts a or an before '{one}': an: true (an hour) "
        f"or an: false (a university); read as '{guess}'",
    ]
    said = "an: true" if guess == "a" else "an: false"
    fixed = text.replace("many: days}", f"many: days, {said}}}")
    assert report(tmp_path, fixed) == []


def test_stages_agreeing_in_one_language_share_its_noun_there(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(
        "called:\n"
        "  fr: {one: journée, many: journées, gender: f}\n"
        "  en: {one: Fab Day, many: Fab Days}\n"
        "stages:\n"
        "  - {code: gien, city: Gien}\n"
        "  - code: arles\n"
        "    city: Arles\n"
        "    called:\n"
        "      fr: {one: salon, many: salons, gender: m}\n",
        encoding="utf-8",
    )
    shared = shared_called(load_stages(path))

    # English: every stage is a "Fab Day"; French: a "journée" and a "salon", so the file's.
    assert stage_words("en", shared)["a_stage"] == "a Fab Day"
    assert stage_words("fr", shared)["stage"] == "journée"


def test_stages_called_differently_without_the_files_own_noun_are_the_default(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(
        "called:\n"
        "  en: {one: site visit, many: site visits}\n"
        "stages:\n"
        "  - {code: cork, city: Cork}\n"
        "  - code: tralee\n"
        "    city: Tralee\n"
        "    called:\n"
        "      en: {one: trade fair, many: trade fairs}\n"
        "      fr: {one: salon, many: salons, gender: m}\n",
        encoding="utf-8",
    )
    stages = load_stages(path)
    shared = shared_called(stages)

    # English: a "trade fair" among the file's "site visits": the texts about none say the
    # file's. French: the file says none, one stage a "salon": the default.
    assert stage_words("en", shared)["a_stage"] == "a site visit"
    assert stage_words("fr", shared)["stage"] == "atelier"
    assert stage_words("en", stages[1].called)["a_stage"] == "a trade fair"


def test_a_noun_starting_with_oe_elides_as_a_vowel() -> None:
    words = stage_words("fr", french(one="œuvre collective", many="œuvres", gender="f"))
    assert (words["au_stage"], words["ce_stage"]) == (
        "à l’œuvre collective",
        "cette œuvre collective",
    )


def test_a_language_yaml_reads_as_no_text_is_said_once_on_its_line(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr: {one: salon, many: salons, gender: m}\n"
        "  en: {one: fair, many: fairs}\n"
        "  no: {one: messe, many: messer}\n"  # 4: Norwegian, a boolean to YAML
        "stages:\n"
        "  - code: a\n"
        "    city: Gien\n"
        "    called:\n"
        "      1: {one: x, many: y}\n"  # 9
        "      true: {one: x, many: y}\n"  # 10: the same key as 1 to Python, still said
    )
    assert report(tmp_path, text) == [
        "4: 'no' is not read as text, so not as a language code; quote it: 'no'",
        "9: stage 'a': '1' is not read as text, so not as a language code; quote it: '1'",
        "10: stage 'a': 'true' is not read as text, so not as a language code; quote it: 'true'",
    ]


def test_an_empty_english_noun_is_the_schemas_error_alone(tmp_path: Path) -> None:
    text = (
        "called:\n"
        "  fr: {one: salon, many: salons, gender: m}\n"
        "  en: {one: '', many: fairs}\n"  # 3
        "stages:\n  - {code: a, city: Gien}\n"
    )
    assert report(tmp_path, text) == [
        "3: called en: 'one' is empty: give it a value",
    ]
