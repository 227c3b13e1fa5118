"""The conversation's words at the end: the thanks, the summary, changing an answer
(at the end, or in passing).

Part of `conversation.words.WORDS` (which `say` looks them up in), kept apart for size.
"""

from __future__ import annotations

END_WORDS: dict[str, dict[str, str]] = {
    "already_done": {
        "fr": "Vous avez déjà répondu à ce questionnaire, merci ! Voici vos réponses ; "
        "vous pouvez encore en modifier une.",
        "en": "You have already answered this questionnaire, thank you! Here are your answers; "
        "you can still change one.",
    },
    "revised": {"fr": "Réponse modifiée, merci !", "en": "Answer changed, thank you!"},
    # An earlier answer given again in passing (a chat's reply quoting its question).
    "changed_in_passing": {
        "fr": "C’est noté : votre réponse à « {question} » est modifiée. Voici la suite.",
        "en": "Noted: your answer to “{question}” is changed. Here is what comes next.",
    },
    "not_changed": {
        "fr": "Votre réponse à « {question} » n’a pas changé. {why}",
        "en": "Your answer to “{question}” has not changed. {why}",
    },
    "changed_with_buttons": {
        "fr": "Elle se donne avec les boutons : pour la changer, revenez à cette question "
        "(« Retour »).",
        "en": "It is given with the buttons: to change it, go back to that question (“Back”).",
    },
    "changed_with_buttons_end": {
        "fr": "Elle se donne avec les boutons : pour la changer, touchez « {revise} ».",
        "en": "It is given with the buttons: to change it, tap “{revise}”.",
    },
    "revise_opened": {
        "fr": "Votre modification appelle aussi cette question :",
        "en": "Your change also calls for this question:",
    },
    "already_done_open": {
        "fr": "Vous avez déjà répondu à ce questionnaire, merci ! Votre dernière modification "
        "appelle aussi cette question :",
        "en": "You have already answered this questionnaire, thank you! Your last change also "
        "calls for this question:",
    },
    "revise_kept": {"fr": "Réponse inchangée.", "en": "Answer unchanged."},
    "skipped": {"fr": "(sans réponse)", "en": "(no answer)"},
    "already_done_as_given": {
        "fr": "Vous avez déjà répondu à ce questionnaire, merci ! Il a changé depuis : votre "
        "réponse est conservée telle que vous l’avez donnée. Voici vos réponses.",
        "en": "You have already answered this questionnaire, thank you! It has changed since: "
        "your response is kept as you gave it. Here are your answers.",
    },
    "summary_title": {"fr": "Récapitulatif de vos réponses :", "en": "Summary of your answers:"},
    "revise": {"fr": "✏️ Modifier une réponse", "en": "✏️ Change an answer"},
    "revise_this": {"fr": "Modifier", "en": "Change"},
    "revise_pick": {
        "fr": "Quelle réponse voulez-vous modifier ? (numéros du récapitulatif)",
        "en": "Which answer would you like to change? (numbers from the summary)",
    },
    "revise_cancel": {"fr": "Annuler", "en": "Cancel"},
    "summary_brief": {
        "fr": "Vos réponses sont enregistrées.",
        "en": "Your answers are saved.",
    },
    "summary_whole": {"fr": "📋 Revoir toutes mes réponses", "en": "📋 See all my answers"},
    "nothing_erased": {"fr": "Rien n’a été effacé.", "en": "Nothing was erased."},
}
