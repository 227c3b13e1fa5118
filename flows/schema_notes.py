"""What each key of a flow or stages file is for, as `surveybot schema` tells an editor.

The models' JSON Schema gives an editor the keys and their types; these notes
are the `description` it shows beside each key, in the words of
docs/flow-format.md. `describe` is the models' `json_schema_extra`; a key with
no note here fails `tests/flows/test_new_organisation.py`.
"""

from __future__ import annotations

from typing import Any, Final

_TEXT: Final = "A text, or a mapping of one text per language (fr: …, en: …)."

NOTES: Final[dict[str, str]] = {
    # The flow
    "Flow.id": "The questionnaire's id: lowercase letters, digits and _, at most 24.",
    "Flow.version": "Bump it whenever questions or choices change: every answer records it.",
    "Flow.title": f"The questionnaire's title, shown first. {_TEXT}",
    "Flow.language": "The default language (fr, en…): plain strings are in it.",
    "Flow.languages": "Every text must be given in each of these; the bot's own words exist "
    "in fr and en.",
    "Flow.intro": f"Shown before the notice; a blank line starts a new message. {_TEXT}",
    "Flow.consent": "The information notice, with 'I agree' and 'I decline' buttons "
    f"(docs/privacy.md says what it must say). {_TEXT}",
    "Flow.outro": f"Shown at the end; may pipe answers: {{question|fallback}}. {_TEXT}",
    "Flow.audience": "Only when the bot runs several flows: who this one is for.",
    "Flow.sections": "The sections, in order, each with its steps.",
    "Audience.code": "Ends the invitation links straight to this flow (?start=<stage>__<code>).",
    "Audience.label": f"This flow's button under 'dites-nous pour qui vous répondez :'. {_TEXT}",
    "Section.id": "The section's id: lowercase letters, digits and _.",
    "Section.title": f"Shown above each of its questions, with the progress. {_TEXT}",
    "Section.show_if": "Show the whole section only when this condition on earlier answers holds.",
    "Section.steps": "The questions (and information steps) of the section, in order.",
    # Every step
    "id": "The question's id, unique in the flow: lowercase letters, digits and _, at most 24; "
    "it names the export's column, so not one of its metadata columns (status, language…).",
    "type": "info, text, long_text, number, single_choice, multiple_choice, scale, yes_no, "
    "email, ranking or code.",
    "text": f"The question as respondents read it; may pipe answers: {{question|fallback}}. {_TEXT}",
    "help": f"A line under the question. {_TEXT}",
    "required": "false lets the respondent leave it blank (default true).",
    "show_if": "Ask it only when this condition on earlier answers holds.",
    "personal": "The answer can identify someone (a name, an e-mail): exports leave it out "
    "unless asked.",
    # By type
    "TextStep.min_length": "The shortest answer taken, in characters (default 1).",
    "TextStep.max_length": "The longest answer taken, in characters (default 200, 2000 for "
    "long_text; at most 4000).",
    "TextStep.placeholder": f"An example in the web page's empty field. {_TEXT}",
    "NumberStep.integer": "Whole numbers only (default true); false takes 3,5.",
    "NumberStep.min": "The smallest number taken.",
    "NumberStep.max": "The largest number taken.",
    "NumberStep.unit": "Shown after the answer ('42 €') and under the question ('en €'). A "
    "plain unit (km, %, €) is the same in every language; a mapping (fr: …, en: …) when it "
    "is a word that changes.",
    "choices": "The choices, at least 2, each {code: …, label: …}.",
    "other": "Adds 'Other, please specify', then asks for the text (its own export column).",
    "other_label": f"That choice's label, instead of 'Autre (précisez)'. {_TEXT}",
    "columns": "Buttons per row on a phone, 1 to 4; chosen from the labels' lengths when absent.",
    "except_chosen_in": "An earlier choice question: its answer's codes are not offered again here.",
    "min_selected": "The fewest choices to tick; an exclusive choice alone is enough.",
    "max_selected": "The most choices that can be ticked.",
    "ScaleStep.min": "The scale's first value: 0 or 1 (default 1).",
    "ScaleStep.max": "The scale's last value: 2 to 10 (default 5).",
    "min_label": f"What the first value means ('Pas du tout'). {_TEXT}",
    "max_label": f"What the last value means ('Tout à fait'). {_TEXT}",
    "dont_know": "Adds a 'Je ne sais pas' answer, stored as dont_know.",
    "top": "Rank only the first N choices; all of them when absent.",
    "codes": "A list's name (departements), or a mapping of code to name {'74': Haute-Savoie}.",
    "examples": "Codes quoted when a typed answer is refused.",
    "CodeStep.source": "Where the list comes from, which the codebook says (a list file's own).",
    # A choice
    "Choice.code": "Stored and exported: lowercase letters, digits and _, at most 16 bytes.",
    "Choice.label": f"The button's text. {_TEXT}",
    "Choice.exclusive": "In a multiple choice, 'None of these': ticking it clears the others.",
    "Choice.range": "In a single choice, the whole numbers a typed count stands for: [min, max], "
    "null for no upper end.",
    # A condition
    "Compare.question": "An earlier question's id.",
    "Compare.equals": "True when the answer is this code (or value); quote 'yes' and 'no'.",
    "Compare.in": "True when the answer is one of these codes.",
    "Compare.answered": "true: when the question was answered (not skipped, not hidden).",
    "Compare.min": "True when the number or scale answer is at least this.",
    "Compare.max": "True when the number or scale answer is at most this.",
    "Not.not": "True when this condition is false.",
    "All.all": "True when every one of these conditions holds.",
    "AnyOf.any": "True when at least one of these conditions holds.",
    # The stages file
    "StagesFile.stages": "One entry per workshop; its code travels in the invitation link.",
    "StageDef.code": "In the link (?start=<code>): letters, digits, _ and -, at most 64; unique, "
    "even ignoring case.",
    "StageDef.city": "The workshop's town, shown to respondents and in the statistics.",
    "StageDef.region": "The administrative region, printed on the invitation card.",
    "StageDef.territory": "A wider area the stage belongs to, printed on the invitation card.",
    "StageDef.date": "The workshop's day, YYYY-MM-DD.",
    "StageDef.flow": "The id of the flow this stage's link opens, when the bot runs several.",
    "StageDef.example": "true: a made-up stage, labelled '(exemple)' on the invitations.",
    "StageDef.called": "What this stage is called, over the file's 'called' (same keys).",
    # What the stages are called
    "StagesFile.called": "What the stages are called, per language (fr: {one: salon, many: "
    "salons, gender: m}); 'atelier' / 'workshop' when absent.",
    "Called.fr": "The French noun: one, many, gender (m or f), and elision if needed.",
    "Called.en": "The English noun: one, many, and an if 'a' would be wrong.",
    "one": "The noun for one stage, as in the middle of a sentence: 'journée portes ouvertes'.",
    "many": "The noun for several: 'journées portes ouvertes'.",
    "gender": "m or f: 'au salon', 'à la journée', 'aucune journée connue'.",
    "elision": "true: 'l’…' and 'cet …' before it; read from its first letter when absent "
    "(a vowel elides, an h does not).",
    "an": "true: 'an …'; read from its first letter when absent (a vowel takes 'an').",
}


def describe(schema: dict[str, Any], model: type[Any]) -> None:
    """Give each key of `model`'s schema its note (by model, else by key)."""
    for key, value in schema.get("properties", {}).items():
        note = NOTES.get(f"{model.__name__}.{key}") or NOTES.get(key)
        if note is not None and isinstance(value, dict):
            value["description"] = note
