"""A flow written in English says so with `language: en` alone, and is told to when it does not.

An organisation writing its questionnaire in English left out `language:`:
`validate` said "ok", and its respondents read "✅ J’accepte", "Répondez oui ou
non" and "Vos réponses sont enregistrées" around the English questions. And
`language: en` alone was refused: "the default language 'en' is not in
languages ['fr']", a list the author never wrote.
"""

from __future__ import annotations

from pathlib import Path

from flows import load_flow, validate_file

QUESTIONS = """\
sections:
  - id: firm
    title: "About your firm"
    steps:
      - id: name
        type: text
        text: "What is the name of your company?"
        help: "It is used to group the answers of one firm."
      - id: staff
        type: number
        text: "How many people do you employ in the region?"
      - id: exports
        type: yes_no
        text: "Do you sell to customers outside the country?"
      - id: plans
        type: text
        text: "What are your plans for the year and for the next?"
"""


def flow_file(tmp_path: Path, top: str, questions: str = QUESTIONS) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(f"id: cluster_survey\nversion: 1\n{top}{questions}", encoding="utf-8")
    return path


def said(path: Path) -> list[tuple[int | None, str, bool]]:
    return [(p.line, p.message, p.warning) for p in validate_file(path)]


def test_an_english_flow_without_its_language_is_told_to_say_it(tmp_path: Path) -> None:
    path = flow_file(tmp_path, 'title: "Cluster survey of the year"\n')

    assert load_flow(path).languages == ["fr"]  # it runs, in French words, as before
    assert said(path) == [
        (
            1,
            "the flow's texts read as English, but it does not say its language, so "
            "surveybot's own words around them (buttons, hints, error messages, dates) are "
            "French: add 'language: en' at its top",
            True,
        )
    ]


def test_language_en_alone_is_an_english_only_flow(tmp_path: Path) -> None:
    path = flow_file(tmp_path, 'title: "Cluster survey of the year"\nlanguage: en\n')

    flow = load_flow(path)

    assert (flow.language, flow.languages) == ("en", ["en"])
    assert said(path) == []


def test_a_french_flow_without_its_language_is_not_warned_of(tmp_path: Path) -> None:
    french = (
        QUESTIONS.replace(
            "What is the name of your company?", "Quel est le nom de votre entreprise ?"
        )
        .replace(
            "It is used to group the answers of one firm.", "Il sert à regrouper vos réponses."
        )
        .replace("How many people do you employ in the region?", "Combien de salariés avez-vous ?")
        .replace("Do you sell to customers outside the country?", "Vendez-vous à l'étranger ?")
        .replace("What are your plans for the year and for the next?", "Et vos projets ?")
        .replace("About your firm", "Votre entreprise")
    )
    path = flow_file(tmp_path, 'title: "Enquête de la filière"\n', french)

    assert said(path) == []


def test_a_few_english_words_are_not_enough_to_say_anything(tmp_path: Path) -> None:
    # "Fab Day", "Company name?": words of any language; "the" twice proves nothing.
    short = (
        "sections:\n  - id: s\n    title: Visit\n    steps:\n      - id: name\n"
        "        type: text\n        text: Company name?\n        help: The name on the door\n"
        "      - id: size\n        type: number\n        text: Staff in the firm\n"
    )
    path = flow_file(tmp_path, 'title: "Fab Day"\n', short)

    assert said(path) == []


def test_texts_given_per_language_say_their_own_and_are_not_guessed(tmp_path: Path) -> None:
    path = flow_file(
        tmp_path,
        'title: {fr: "Enquête", en: "The survey of the year"}\nlanguages: [fr, en]\n',
        QUESTIONS.replace('text: "', 'text: {fr: "Une question ?", en: "').replace('?"\n', '?"}\n'),
    )

    assert [message for _, message, _ in said(path) if "read as English" in message] == []


def test_a_french_flow_offering_english_jargon_is_not_taken_for_english() -> None:
    # "Internet of Things", "Go to market", "State of the art" among French questions.
    path = Path(__file__).parent / "fixtures" / "french_with_english_labels.yaml"
    assert said(path) == []
