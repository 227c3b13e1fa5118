"""The terminal chat's own words: how to answer by typing, and its hints, in French and English.

What every channel says the same way is in `conversation.words`.
"""

from __future__ import annotations

from conversation import Words

WORDS: dict[str, dict[str, str]] = {
    "header": {
        "fr": "── {section} · Question {n}/{total} ──",
        "en": "── {section} · Question {n}/{total} ──",
    },
    "script_stopped": {
        "fr": "Ligne {line} refusée : le script s’arrête là, pour que les réponses suivantes "
        "ne glissent pas d’une question. Les réponses d’avant sont enregistrées : relancez "
        "la même commande avec cette ligne corrigée et les suivantes.",
        "en": "Line {line} refused: the script stops there, so that the answers after it do "
        "not slip by one question. The answers before it are saved: run the same command "
        "again with that line corrected and the ones after it.",
    },
    "saved_resume": {
        "fr": "Vos réponses sont enregistrées. Relancez la même commande pour reprendre.",
        "en": "Your answers are saved. Run the same command again to resume.",
    },
    "consent_question": {
        "fr": "Répondez oui ou non (ou tapez le numéro d’un choix) :",
        "en": "Answer yes or no (or type the number of a choice):",
    },
    "left_before_start": {
        "fr": "À bientôt : rien n’a été enregistré.",
        "en": "See you soon: nothing was stored.",
    },
    # Left at a notice by someone whose answers to another questionnaire (one no longer
    # run, say) stay stored: not "nothing was stored".
    "left_kept": {
        "fr": "À bientôt : rien de nouveau n’a été enregistré. Les réponses que vous aviez "
        "données auparavant restent enregistrées : relancez la même commande et tapez "
        "/mydata pour les consulter, /delete pour les effacer.",
        "en": "See you soon: nothing new was stored. The answers you gave before stay "
        "stored: run the same command again and type /mydata to see them, /delete to erase "
        "them.",
    },
    # After declining a notice, the same answers given before: the chat ends, so how to
    # reach them is by running it again.
    "kept_commands": {
        "fr": "Pour les consulter ou les effacer, relancez la même commande et tapez /mydata "
        "ou /delete.",
        "en": "To see or erase them, run the same command again and type /mydata or /delete.",
    },
    "empty_required": {
        "fr": "Cette question est obligatoire : merci de répondre.",
        "en": "This question is required: please answer.",
    },
    "type_number": {
        "fr": "Tapez un numéro de 1 à {count}.",
        "en": "Type a number from 1 to {count}.",
    },
    "type_one_or_two": {"fr": "Tapez 1 ou 2.", "en": "Type 1 or 2."},
    "type_numbers": {
        "fr": "Tapez des numéros de 1 à {count}, séparés par des espaces.",
        "en": "Type numbers from 1 to {count}, separated by spaces.",
    },
    "terminal_help": {
        "fr": "Répondez puis Entrée. « retour » : question précédente · « passer » : question facultative · « quitter » : reprendre plus tard.",
        "en": "Answer, then Enter. 'back': previous question · 'skip': optional question · 'quit': resume later.",
    },
    "scale_dont_know": {
        "fr": " · ? = Ne sait pas",
        "en": " · ? = Don't know",
    },
    "hint_enter": {
        "fr": "Entrée pour continuer",
        "en": "Press Enter to continue",
    },
    "hint_other": {
        "fr": "écrivez votre réponse",
        "en": "type your answer",
    },
    "hint_multi": {
        "fr": "plusieurs réponses possibles : numéros séparés par des espaces",
        "en": "several answers allowed: numbers separated by spaces",
    },
    # Back at ticks given: typed numbers are the whole new answer, not ticks added.
    "hint_ticks_kept": {
        "fr": "Entrée garde les cases cochées ; des numéros les remplacent toutes",
        "en": "Enter keeps the ticked boxes; numbers replace them all",
    },
    "hint_multi_max": {
        "fr": "jusqu’à {max} réponses : numéros séparés par des espaces",
        "en": "up to {max} answers: numbers separated by spaces",
    },
    "hint_multi_min": {
        "fr": "au moins {min} réponses : numéros séparés par des espaces",
        "en": "at least {min} answers: numbers separated by spaces",
    },
    "hint_multi_between": {
        "fr": "de {min} à {max} réponses : numéros séparés par des espaces",
        "en": "{min} to {max} answers: numbers separated by spaces",
    },
    "hint_multi_exactly": {
        "fr": "exactement {min} réponses : numéros séparés par des espaces",
        "en": "exactly {min} answers: numbers separated by spaces",
    },
    "hint_or_only": {
        "fr": "ou seulement {number} (« {label} »)",
        "en": "or only {number} (“{label}”)",
    },
    "hint_ranking": {
        "fr": "classez {count} éléments : numéros dans l’ordre, du plus important au moins important",
        "en": "rank {count} items: numbers in order, most important first",
    },
    "hint_scale": {
        "fr": "tapez une valeur",
        "en": "type a value",
    },
    "hint_single": {
        "fr": "tapez un numéro",
        "en": "type a number",
    },
    # Answers that are ranges of a count ("10 à 49"): a number past the list is a count.
    "hint_count": {
        "fr": "tapez un numéro, ou le nombre exact s’il dépasse {count}",
        "en": "type a number, or the exact count if over {count}",
    },
    "hint_unit": {
        "fr": "en {unit}",
        "en": "in {unit}",
    },
    "hint_current": {
        "fr": "réponse actuelle : {value} (Entrée pour la garder)",
        "en": "current answer: {value} (Enter keeps it)",
    },
    "hint_skip": {
        "fr": "« passer » pour ne pas répondre",
        "en": "'skip' to leave it blank",
    },
    "hint_back": {
        "fr": "« retour » pour revenir",
        "en": "'back' to go back",
    },
    "saved_done": {
        "fr": "Vos réponses sont enregistrées. Merci !",
        "en": "Your answers are saved. Thank you!",
    },
    "menu_hint": {"fr": "tapez un numéro", "en": "type a number"},
    "menu_default": {"fr": "Entrée : {label}", "en": "Enter: {label}"},
    "summary_done": {"fr": "Entrée pour terminer", "en": "Enter to finish"},
    "summary_hint": {
        "fr": "tapez le numéro d’une réponse pour la modifier · Entrée pour terminer",
        "en": "type an answer's number to change it · Enter to finish",
    },
    # A line that fits no answer: said once, under the summary still on screen.
    "summary_unclear": {
        "fr": "Tapez le numéro d’une réponse, de 1 à {count}, pour la modifier · "
        "Entrée pour terminer.",
        "en": "Type an answer's number, 1 to {count}, to change it · Enter to finish.",
    },
    # The engine's refusals that speak of buttons ("touchez « Continuer »"), in a terminal's
    # terms (`display.own_words`).
    "info_typed": {
        "fr": "Il n’y a rien à répondre ici : appuyez sur Entrée pour continuer, "
        "ou tapez « retour » pour corriger la réponse précédente.",
        "en": "There is nothing to answer here: press Enter to go on, "
        "or type 'back' to correct the previous answer.",
    },
    "info_typed_first": {
        "fr": "Il n’y a rien à répondre ici : appuyez sur Entrée pour commencer.",
        "en": "There is nothing to answer here: press Enter to begin.",
    },
    "type_number_or_count": {
        "fr": "Tapez le numéro d’une réponse, de 1 à {count}, ou le nombre exact s’il dépasse "
        "{count}.",
        "en": "Type an answer's number, from 1 to {count}, or the exact count if over {count}.",
    },
    "use_numbers": {
        "fr": "Tapez le numéro d’une réponse.",
        "en": "Type the number of an answer.",
    },
}


term = Words(WORDS)
"""The text `key` in `lang`, with values filled in."""


def type_a_number(count: int, lang: str) -> str:
    """ "Tapez un numéro de 1 à 11.", and of two choices "Tapez 1 ou 2." (not "de 1 à 2")."""
    return term("type_one_or_two", lang) if count == 2 else term("type_number", lang, count=count)
