"""What a newcomer organiser meets in `surveybot validate`, said once, whole and plainly.

Made-up files of a made-up fablab network, each checked through the command an
organiser types (`surveybot validate FILE`): every problem in one pass, a missing
`languages:` said once with its fix, suggestions of the right kind of key, the
line an indentation slip is really on, a duplicate's first line, a plain unit.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main


def validate(tmp_path: Path, text: str, name: str = "file.yaml") -> list[str]:
    """The lines `surveybot validate` prints for `text` written to a file, without the
    file's name (each starts with its line number)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    prefix = f"{path}:"
    return [
        line.removeprefix(prefix) for line in result.stdout.splitlines() if line.startswith(prefix)
    ]


# --- a stage code given twice ------------------------------------------------------


def test_an_exact_duplicate_stage_code_names_the_first_ones_line(tmp_path: Path) -> None:
    text = (
        "stages:\n"
        "  - code: lerac\n"
        "    city: Lérac-sur-Ise\n"
        "  - code: valbrune\n"
        "    city: Valbrune\n"
        "  - code: lerac\n"
        "    city: Lérac-sur-Ise\n"
    )

    assert validate(tmp_path, text) == [
        "6: stage 'lerac': duplicate stage code 'lerac' (line 2)",
    ]


# --- a key a stage does not have ----------------------------------------------------


def test_a_stages_unknown_key_is_matched_with_a_stages_keys_only(tmp_path: Path) -> None:
    """`titel` is near a flow's `title`, which a stage does not have: not suggested."""
    text = "stages:\n  - code: hautbois\n    city: Hautbois\n    dat: 2027-04-10\n    titel: X\n"

    assert validate(tmp_path, text) == [
        "4: stage 'hautbois': unknown key 'dat'; did you mean 'date'?",
        "5: stage 'hautbois': unknown key 'titel'",
    ]


def test_a_stage_key_written_in_french_is_given_in_english(tmp_path: Path) -> None:
    text = "stages:\n  - code: lerac\n    city: Lérac\n    ville: Lérac\n    région: Val\n"

    assert validate(tmp_path, text) == [
        "4: stage 'lerac': unknown key 'ville'; did you mean 'city'? (keys are written in English)",
        "5: stage 'lerac': unknown key 'région'; did you mean 'region'? "
        "(keys are written in English)",
    ]


# --- a line indented less than the next ones -----------------------------------------


def test_a_list_item_moved_left_is_named_with_the_line_the_parser_stops_at(
    tmp_path: Path,
) -> None:
    """The parser stops at the second item, indented like the list should be: the first,
    moved left, may be the slip; both lines are named."""
    text = (
        "id: portes_ouvertes\n"
        "version: 1\n"
        "title: Portes ouvertes\n"
        "sections:\n"
        "  - id: visite\n"
        "    title: Votre visite\n"
        "    steps:\n"
        "      - id: frequence\n"
        "        type: single_choice\n"
        "        text: À quelle fréquence ?\n"
        "        choices:\n"
        "        - {code: rare, label: Rarement}\n"
        "          - {code: mensuel, label: Tous les mois}\n"
        "          - {code: hebdo, label: Toutes les semaines}\n"
    )

    assert validate(tmp_path, text) == [
        "13: invalid YAML: the indentation of this line does not match the line above it "
        "(line 12), which is indented less: if this line is right, indent line 12 as much "
        "(10 spaces); if not, give this line the same number of spaces as the other keys "
        "of its block",
    ]


# --- a unit written plainly ----------------------------------------------------------

TWO_LANGUAGES = (
    "id: portes_ouvertes\n"
    "version: 1\n"
    "language: fr\n"
    "languages: [fr, en]\n"
    "title: {fr: Portes ouvertes, en: Open days}\n"
    "sections:\n"
    "  - id: visite\n"
    "    title: {fr: Votre visite, en: Your visit}\n"
    "    steps:\n"
)


def test_a_plain_unit_is_the_same_in_every_language(tmp_path: Path) -> None:
    text = TWO_LANGUAGES + (
        "      - id: distance\n"
        "        type: number\n"
        '        text: {fr: "Combien de kilomètres ?", en: "How many kilometres?"}\n'
        "        unit: km\n"
    )

    assert validate(tmp_path, text) == []


def test_a_plain_word_elsewhere_still_wants_its_translation(tmp_path: Path) -> None:
    text = TWO_LANGUAGES + (
        "      - id: distance\n"
        "        type: number\n"
        '        text: {fr: "Combien de kilomètres ?", en: "How many kilometres?"}\n'
        "        help: Aller simple\n"
        "        unit: {fr: km}\n"
    )

    assert validate(tmp_path, text) == [
        "13: question 'distance': missing translation (en): write it as a mapping fr: …, en: …",
        "14: question 'distance': missing translation (en)",
    ]


# --- texts in a language the flow does not list --------------------------------------


def test_a_missing_languages_line_is_said_once_with_the_line_to_add(tmp_path: Path) -> None:
    """Without `languages:`, a flow lists only French: its English texts are said once."""
    text = TWO_LANGUAGES.replace("languages: [fr, en]\n", "") + (
        "      - id: deja_venu\n"
        "        type: yes_no\n"
        '        text: {fr: "Déjà venu ?", en: "Been before?"}\n'
        "      - id: distance\n"
        "        type: number\n"
        '        text: {fr: "Combien de kilomètres ?", en: "How many kilometres?"}\n'
    )

    assert validate(tmp_path, text) == [
        "4: this text is written in en too, but `languages` lists only fr (the default, as "
        "the file has no `languages:` line): add `languages: [fr, en]`; 3 more texts are "
        "in en too (said here once)",
    ]


def test_a_language_left_out_of_languages_is_said_once(tmp_path: Path) -> None:
    text = TWO_LANGUAGES + (
        "      - id: deja_venu\n"
        "        type: yes_no\n"
        '        text: {fr: "Déjà venu ?", en: "Been before?", de: "Schon da?"}\n'
        "      - id: encore\n"
        "        type: yes_no\n"
        '        text: {fr: "Reviendrez-vous ?", en: "Back again?", de: "Wieder?"}\n'
    )

    assert validate(tmp_path, text) == [
        "12: question 'deja_venu': language 'de' is not in the flow's languages ['fr', 'en']: "
        "add it, `languages: [fr, en, de]`, or remove the texts in de; 1 more text is in de "
        "too (said here once)",
    ]


# --- a question with a broken part: its other problems in the same pass -----------------

PROFILE = (
    "      - id: deja_venu\n"
    "        type: yes_no\n"
    '        text: {fr: "Déjà venu ?", en: "Been before?"}\n'
    "      - id: profil\n"  # 13
    "        type: single_choice\n"
    '        text: {fr: "Vous êtes…"}\n'  # 15
    '        show_if: {question: deja_venu, equals: "peut-etre"}\n'
    "        choices:\n"
    '          - {code: Sans emploi, label: {fr: "Sans emploi", en: "Unemployed"}}\n'  # 18
    '          - {code: salarie, label: {fr: "Salarié"}}\n'
)


def test_a_question_with_a_bad_choice_code_has_its_other_problems_said_too(
    tmp_path: Path,
) -> None:
    """The bad code sets the question aside (one choice left is too few); its texts and
    its condition are still checked, so the four problems come in one pass."""
    assert validate(tmp_path, TWO_LANGUAGES + PROFILE) == [
        "15: question 'profil': missing translation (en)",
        "16: question 'profil': unknown choice 'peut-etre' in condition on 'deja_venu' "
        "(choices: no, yes)",
        "18: question 'profil': code 'Sans emploi' must be lowercase ASCII letters, digits and '_'",
        "19: question 'profil': missing translation (en)",
    ]


def test_a_choice_set_aside_still_has_its_label_checked(tmp_path: Path) -> None:
    text = (
        TWO_LANGUAGES
        + PROFILE.replace(
            '        text: {fr: "Vous êtes…"}\n',
            '        text: {fr: "Vous êtes…", en: "You are…"}\n',
        )
        .replace('equals: "peut-etre"', 'equals: "yes"')
        .replace(
            '{code: Sans emploi, label: {fr: "Sans emploi", en: "Unemployed"}}',
            '{code: Sans emploi, label: {fr: "Sans emploi"}}',
        )
        + '          - {code: retraite, label: {fr: "Retraité", en: "Retired"}}\n'
    )

    assert validate(tmp_path, text) == [
        "18: question 'profil': code 'Sans emploi' must be lowercase ASCII letters, digits and '_'",
        "18: question 'profil': missing translation (en)",
        "19: question 'profil': missing translation (en)",
    ]


def test_a_question_of_an_unknown_type_has_its_text_and_condition_checked(
    tmp_path: Path,
) -> None:
    text = TWO_LANGUAGES + (
        "      - id: deja_venu\n"
        "        type: yes_no\n"
        '        text: {fr: "Déjà venu ?", en: "Been before?"}\n'
        "      - id: profil\n"
        "        type: choix\n"  # 14
        '        text: {fr: "Vous êtes…"}\n'
        '        show_if: {question: deja_vu, equals: "yes"}\n'
    )

    assert validate(tmp_path, text) == [
        "14: question 'profil': unknown step type 'choix'; expected one of: info, text, "
        "long_text, number, single_choice, multiple_choice, scale, yes_no, email, ranking, "
        "code",
        "15: question 'profil': missing translation (en)",
        "16: question 'profil': condition uses unknown question 'deja_vu'; did you mean "
        "'deja_venu'?",
    ]
