"""The engine's own words to respondents (rejections, fixed labels), in French and English,
and how French is printed: thousands apart (`grouped`), no-break spaces (`typeset`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_WRITTEN: dict[str, dict[str, str]] = {
    "empty": {
        "fr": "Merci d’écrire une réponse.",
        "en": "Please type an answer.",
    },
    "too_short": {
        "fr": "Votre réponse est trop courte : au moins {min} caractères.",
        "en": "Your answer is too short: at least {min} characters.",
    },
    "too_long": {
        "fr": "Votre réponse fait {length} caractères ; la limite est de {max} : {over} de trop. "
        "Merci de la raccourcir.",
        "en": "Your answer is {length} characters long; the limit is {max}: {over} too many. "
        "Please shorten it.",
    },
    "far_too_long": {
        "fr": "Votre réponse est bien trop longue : {max} caractères au plus. "
        "Merci de la raccourcir.",
        "en": "Your answer is far too long: {max} characters at most. Please shorten it.",
    },
    "not_a_number": {
        "fr": "Merci d’indiquer un nombre (par exemple {example}).",
        "en": "Please enter a number (for example {example}).",
    },
    "one_number": {
        "fr": "Merci d’indiquer un seul nombre, pas une fourchette (par exemple {example}).",
        "en": "Please enter one number, not a range (for example {example}).",
    },
    "not_whole": {
        "fr": "Merci d’indiquer un nombre entier (par exemple {example}).",
        "en": "Please enter a whole number (for example {example}).",
    },
    "too_small": {
        "fr": "Merci d’indiquer un nombre d’au moins {min}.",
        "en": "Please enter a number of at least {min}.",
    },
    "too_big": {
        "fr": "Merci d’indiquer un nombre d’au plus {max}.",
        "en": "Please enter a number of at most {max}.",
    },
    "number_range": {
        "fr": "Merci d’indiquer un nombre de {min} à {max}.",
        "en": "Please enter a number from {min} to {max}.",
    },
    "year_range": {
        "fr": "Merci d’indiquer une année de {min} à {max}.",
        "en": "Please enter a year from {min} to {max}.",
    },
    "bad_email": {
        "fr": "Cette adresse e-mail ne semble pas valide (exemple : nom@exemple.fr).",
        "en": "That email address does not look valid (for example: name@example.org).",
    },
    "off_scale": {
        "fr": "Merci de choisir une valeur de {min} à {max}.",
        "en": "Please choose a value from {min} to {max}.",
    },
    "unknown_choice": {
        "fr": "Merci de choisir l’une des réponses proposées.",
        "en": "Please choose one of the answers offered.",
    },
    "too_few_one": {
        "fr": "Merci de choisir au moins une réponse.",
        "en": "Please choose at least one answer.",
    },
    "too_few": {
        "fr": "Merci de choisir au moins {min} réponses.",
        "en": "Please choose at least {min} answers.",
    },
    "too_many": {
        "fr": "Vous pouvez choisir au plus {max} réponses.",
        "en": "You can choose at most {max} answers.",
    },
    "too_many_one": {
        "fr": "Vous pouvez choisir une seule réponse.",
        "en": "You can choose only one answer.",
    },
    # Ticked all at once (a page without scripts, the terminal): how many to take off.
    "too_many_chosen": {
        "fr": "Vous pouvez choisir au plus {max} réponses ; vous en avez choisi {count}.",
        "en": "You can choose at most {max} answers; you chose {count}.",
    },
    "too_many_chosen_one": {
        "fr": "Vous pouvez choisir une seule réponse ; vous en avez choisi {count}.",
        "en": "You can choose only one answer; you chose {count}.",
    },
    "exclusive": {
        "fr": "« {label} » ne se combine pas avec d’autres réponses : choisissez-la seule, ou "
        "seulement les autres.",
        "en": "“{label}” cannot be combined with other answers: choose it alone, or only the "
        "others.",
    },
    "rank_count": {
        "fr": "Merci de classer {count} éléments, sans doublon.",
        "en": "Please rank {count} items, each once.",
    },
    "ranked_full": {
        "fr": "Vous avez classé {count} éléments : retirez-en un pour en classer un autre, ou "
        "validez ce classement.",
        "en": "You have ranked {count} items: take one back to rank another, or confirm this "
        "ranking.",
    },
    "ranked_twice": {
        "fr": "« {label} » est classé plusieurs fois : merci de classer {count} éléments "
        "différents.",
        "en": "“{label}” is ranked more than once: please rank {count} different items.",
    },
    "unknown_code": {
        "fr": "Je ne reconnais pas cette réponse. Tapez un code ou un nom, par exemple {examples}.",
        "en": "I do not recognise that answer. Type a code or a name, for example {examples}.",
    },
    "near_code": {
        "fr": "Vouliez-vous dire {names} ?",
        "en": "Did you mean {names}?",
    },
    "or": {"fr": "ou", "en": "or"},
    "required": {
        "fr": "Cette question est obligatoire.",
        "en": "This question is required.",
    },
    "other_required": {
        "fr": "Cette question est obligatoire : précisez votre réponse, ou revenez en arrière "
        "pour en choisir une autre.",
        "en": "This question is required: please specify your answer, or go back to choose "
        "another one.",
    },
    "info_typed": {
        "fr": "Il n’y a rien à répondre ici : touchez « Continuer » pour la suite, ou « Retour » "
        "pour corriger la réponse précédente.",
        "en": "There is nothing to answer here: tap “Continue” to go on, or “Back” to correct "
        "the previous answer.",
    },
    "info_typed_first": {
        "fr": "Il n’y a rien à répondre ici : touchez « Continuer » pour commencer.",
        "en": "There is nothing to answer here: tap “Continue” to begin.",
    },
    "use_buttons": {
        "fr": "Merci de répondre avec les boutons proposés.",
        "en": "Please answer with the buttons offered.",
    },
    "choice_or_count": {
        "fr": "Merci de choisir l’une des réponses proposées ({labels}) "
        "ou d’écrire un nombre entier.",
        "en": "Please choose one of the answers offered ({labels}) or type a whole number.",
    },
    "quoted": {"fr": "« {label} »", "en": "“{label}”"},
    "not_answered": {
        "fr": "Cette question n’a pas encore de réponse à changer.",
        "en": "This question has no answer to change yet.",
    },
    "finished": {
        "fr": "Le questionnaire est terminé.",
        "en": "The questionnaire is finished.",
    },
    "other": {"fr": "Autre (précisez)", "en": "Other (please specify)"},
    "specify": {
        "fr": "« {label} » : précisez en quelques mots.",
        "en": "“{label}”: please specify in a few words.",
    },
    "specify_other": {
        "fr": "« Autre » : précisez en quelques mots.",
        "en": "“Other”: please specify in a few words.",
    },
    "yes": {"fr": "Oui", "en": "Yes"},
    "no": {"fr": "Non", "en": "No"},
    "dont_know": {"fr": "Je ne sais pas", "en": "Don’t know"},
    "skipped": {"fr": "(sans réponse)", "en": "(no answer)"},
}


def message(key: str, lang: str, **values: object) -> str:
    """A message in `lang` (French when the language is unknown), with values filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["fr"]).format(**values)


def grouped(count: int, lang: str) -> str:
    """A count of characters with its thousands apart: "10 000" in French (a narrow no-break
    space), "10,000" in English. Not for years or bounds, which read as written."""
    return f"{count:,}".replace(",", "\u202f") if lang != "en" else f"{count:,}"


def typeset(text: str, lang: str) -> str:
    """French typography: a no-break space before ":", ";", "!", "?" and "»", and after "«",
    so that a line never starts with a mark (or ends with an opening one) on a narrow
    screen. Other languages as written. For the bot's and the questionnaire's texts; a
    person's own answers are shown as they typed them."""
    if lang != "fr":
        return text
    for mark in ":;!?»":
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text.replace("« ", "«\u00a0")


COUNTED = re.compile(r"(\{(?:count|min|max|length|n|limit)\}) (?!sur\b)(?=\w{3})")
"""A count filled into a text and the word it counts: "{max} réponses", not "{min} à"."""


def typeset_table(table: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """A table of texts by key and language, typeset. Done to the texts before any value is
    filled in, so that a person's own words quoted in one ("« {label} »") stay as typed.

    In French a count also keeps the word it counts on its line ("au plus 3 réponses",
    never "3" at a line's end): only the bot's own counts, by their names, since a
    general rule on numbers split ranges ("10 à 49") oddly."""

    def set_(text: str, lang: str) -> str:
        return COUNTED.sub("\\1\u00a0", typeset(text, lang)) if lang == "fr" else text

    return {key: {lang: set_(t, lang) for lang, t in texts.items()} for key, texts in table.items()}


MESSAGES = typeset_table(_WRITTEN)
"""The engine's words by key and language, as shown: written above with plain spaces."""
