"""The transports' own words (terminal and Telegram), in French and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "header": {
        "fr": "── {section} · Question {n}/{total} ──",
        "en": "── {section} · Question {n}/{total} ──",
    },
    "resuming": {
        "fr": "Reprise de « {title} » là où vous vous étiez arrêté.",
        "en": 'Resuming "{title}" where you left off.',
    },
    "new_response": {
        "fr": "Vous avez déjà terminé ce questionnaire : voici une nouvelle réponse.",
        "en": "You already completed this questionnaire: this is a new response.",
    },
    "unknown_stage": {
        "fr": "Étape « {code} » inconnue (étapes connues : {known}) ; la réponse ne sera rattachée à aucune étape.",
        "en": 'Unknown stage "{code}" (known stages: {known}); the response will not be tagged with a stage.',
    },
    "stage_line": {"fr": "Étape : {city} {date}", "en": "Stage: {city} {date}"},
    "saved_resume": {
        "fr": "Vos réponses sont enregistrées. Relancez la même commande pour reprendre.",
        "en": "Your answers are saved. Run the same command again to resume.",
    },
    "consent_question": {
        "fr": "Répondez oui ou non :",
        "en": "Answer yes or no:",
    },
    "consent_changed": {
        "fr": "L'information sur vos données a changé depuis votre dernière visite :",
        "en": "The information about your data has changed since your last visit:",
    },
    "left_before_start": {
        "fr": "À bientôt : rien n'a été enregistré.",
        "en": "See you soon: nothing was stored.",
    },
    "declined": {
        "fr": "C'est noté : vous ne participez pas, et aucune réponse n'est enregistrée.",
        "en": "Noted: you are not taking part, and no answer is stored.",
    },
    "summary_title": {"fr": "Vos réponses :", "en": "Your answers:"},
    "no_back": {"fr": "Vous êtes à la première question.", "en": "This is the first question."},
    "empty_required": {
        "fr": "Cette question est obligatoire : merci de répondre.",
        "en": "This question is required: please answer.",
    },
    "type_number": {
        "fr": "Tapez un numéro de 1 à {count}.",
        "en": "Type a number from 1 to {count}.",
    },
    "type_numbers": {
        "fr": "Tapez des numéros de 1 à {count}, séparés par des espaces.",
        "en": "Type numbers from 1 to {count}, separated by spaces.",
    },
    "terminal_help": {
        "fr": "Répondez puis Entrée. « retour » : question précédente · « passer » : "
        "question facultative · « quitter » : reprendre plus tard.",
        "en": "Answer, then Enter. 'back': previous question · 'skip': optional question · "
        "'quit': resume later.",
    },
    "scale_dont_know": {"fr": " · ? = Ne sait pas", "en": " · ? = Don't know"},
    "hint_enter": {"fr": "Entrée pour continuer", "en": "Press Enter to continue"},
    "hint_other": {"fr": "écrivez votre réponse", "en": "type your answer"},
    "hint_multi": {
        "fr": "plusieurs réponses possibles : numéros séparés par des espaces",
        "en": "several answers allowed: numbers separated by spaces",
    },
    "hint_multi_max": {
        "fr": "jusqu'à {max} réponses : numéros séparés par des espaces",
        "en": "up to {max} answers: numbers separated by spaces",
    },
    "hint_ranking": {
        "fr": "classez {count} éléments : numéros dans l'ordre, du plus important au moins important",
        "en": "rank {count} items: numbers in order, most important first",
    },
    "hint_scale": {"fr": "tapez une valeur", "en": "type a value"},
    "hint_single": {"fr": "tapez un numéro", "en": "type a number"},
    "hint_unit": {"fr": "en {unit}", "en": "in {unit}"},
    "hint_current": {
        "fr": "réponse actuelle : {value} (Entrée pour la garder)",
        "en": "current answer: {value} (Enter keeps it)",
    },
    "hint_skip": {"fr": "« passer » pour ne pas répondre", "en": "'skip' to leave it blank"},
    "hint_back": {"fr": "« retour » pour revenir", "en": "'back' to go back"},
    # --- Telegram ---------------------------------------------------------------
    "tg_header": {
        "fr": "Question {n}/{total} · {section}",
        "en": "Question {n}/{total} · {section}",
    },
    "tg_hint_type": {"fr": "Écrivez votre réponse.", "en": "Type your answer."},
    "tg_hint_type_unit": {
        "fr": "Écrivez votre réponse, en {unit}.",
        "en": "Type your answer, in {unit}.",
    },
    "tg_hint_multi": {
        "fr": "Plusieurs réponses possibles, puis « Valider ».",
        "en": "Several answers allowed, then “Confirm”.",
    },
    "tg_hint_multi_max": {
        "fr": "Jusqu'à {max} réponses, puis « Valider ».",
        "en": "Up to {max} answers, then “Confirm”.",
    },
    "tg_hint_ranking": {
        "fr": "Touchez {count} éléments dans l'ordre, du plus important au moins important. "
        "Touchez à nouveau pour retirer.",
        "en": "Tap {count} items in order, most important first. Tap again to remove.",
    },
    "tg_hint_current": {"fr": "Réponse actuelle : {value}", "en": "Current answer: {value}"},
    "tg_continue": {"fr": "Continuer ▶", "en": "Continue ▶"},
    "tg_confirm": {"fr": "Valider ({count})", "en": "Confirm ({count})"},
    "tg_back": {"fr": "↩ Retour", "en": "↩ Back"},
    "tg_skip": {"fr": "Passer ⏭", "en": "Skip ⏭"},
    "tg_skipped": {"fr": "(sans réponse)", "en": "(no answer)"},
    "tg_stage_welcome": {
        "fr": "Bienvenue ! Vos réponses seront rattachées à l'atelier de {city}{date}.",
        "en": "Welcome! Your answers will be linked to the {city} workshop{date}.",
    },
    "tg_unknown_stage": {
        "fr": "Ce lien d'invitation ne correspond à aucun atelier connu. "
        "Choisissez votre atelier dans la liste, ou continuez sans atelier.",
        "en": "This invitation link does not match any known workshop. "
        "Pick your workshop from the list, or go on without one.",
    },
    "tg_no_stage": {"fr": "Continuer sans atelier", "en": "Go on without a workshop"},
    "tg_resume_offer": {
        "fr": "Vous avez un questionnaire en cours ({answered} réponses sur {total}). "
        "Voulez-vous reprendre là où vous en étiez ?",
        "en": "You have a questionnaire in progress ({answered} of {total} answered). "
        "Would you like to continue where you left off?",
    },
    "tg_resume": {"fr": "Reprendre ▶", "en": "Continue ▶"},
    "tg_restart": {"fr": "Recommencer", "en": "Start over"},
    "tg_restart_confirm": {
        "fr": "Recommencer efface toutes vos réponses à ce questionnaire. Confirmez-vous ?",
        "en": "Starting over erases all your answers to this questionnaire. Are you sure?",
    },
    "tg_restart_yes": {"fr": "Oui, recommencer", "en": "Yes, start over"},
    "tg_restart_no": {"fr": "Non, continuer", "en": "No, keep going"},
    "tg_restarted": {
        "fr": "C'est reparti depuis le début.",
        "en": "Starting again from the beginning.",
    },
    "tg_already_done": {
        "fr": "Vous avez déjà répondu à ce questionnaire, merci ! Voici vos réponses ; "
        "vous pouvez encore en modifier une.",
        "en": "You have already answered this questionnaire, thank you! Here are your answers; "
        "you can still change one.",
    },
    "tg_revise": {"fr": "✏️ Modifier une réponse", "en": "✏️ Change an answer"},
    "tg_revise_pick": {
        "fr": "Quelle réponse voulez-vous modifier ? (numéros du récapitulatif)",
        "en": "Which answer would you like to change? (numbers from the summary)",
    },
    "tg_summary_title": {"fr": "Récapitulatif de vos réponses :", "en": "Summary of your answers:"},
    "tg_help": {
        "fr": "Répondez en touchant les boutons, ou en écrivant quand on vous le demande.\n\n"
        "/back : revenir à la question précédente\n"
        "/skip : passer une question facultative\n"
        "/restart : recommencer depuis le début\n"
        "/language : changer de langue (français / anglais)\n"
        "/mydata : voir les données vous concernant\n"
        "/delete : effacer vos réponses\n"
        "/start : reprendre le questionnaire\n\n"
        "Vos réponses sont enregistrées au fur et à mesure : vous pouvez vous arrêter "
        "et reprendre plus tard.",
        "en": "Answer by tapping the buttons, or by typing when asked.\n\n"
        "/back: go back to the previous question\n"
        "/skip: skip an optional question\n"
        "/restart: start again from the beginning\n"
        "/language: change language (French / English)\n"
        "/mydata: see the data stored about you\n"
        "/delete: erase your answers\n"
        "/start: resume the questionnaire\n\n"
        "Your answers are saved as you go: you can stop and resume later.",
    },
    "tg_group": {
        "fr": "Ce questionnaire se remplit en conversation privée avec moi : {link}",
        "en": "This questionnaire is answered in a private chat with me: {link}",
    },
    "tg_not_text": {
        "fr": "Je ne peux lire que du texte ou les boutons. Merci de répondre à la question ci-dessous.",
        "en": "I can only read text or the buttons. Please answer the question below.",
    },
    "tg_stale": {
        "fr": "Ce bouton n'est plus actif : répondez à la dernière question.",
        "en": "This button is no longer active: please answer the latest question.",
    },
    "tg_forged": {"fr": "Ce bouton n'est pas reconnu.", "en": "This button is not recognised."},
    "tg_language_pick": {"fr": "Choisissez votre langue :", "en": "Choose your language:"},
    "tg_language_set": {"fr": "Langue : français.", "en": "Language: English."},
    "tg_unknown_command": {
        "fr": "Je ne connais pas cette commande. /help pour l'aide.",
        "en": "I don't know that command. /help for help.",
    },
    "tg_error": {
        "fr": "Désolé, un problème est survenu de mon côté. Vos réponses précédentes sont "
        "enregistrées ; réessayez dans un instant.",
        "en": "Sorry, something went wrong on my side. Your previous answers are saved; "
        "please try again in a moment.",
    },
    "tg_no_back": {"fr": "Vous êtes à la première question.", "en": "This is the first question."},
    "tg_nothing_open": {
        "fr": "Aucun questionnaire en cours. Tapez /start pour commencer.",
        "en": "No questionnaire in progress. Type /start to begin.",
    },
    "tg_recorded": {"fr": "Réponse enregistrée", "en": "Answer saved"},
    # --- organiser commands ------------------------------------------------------
    "org_stats_title": {"fr": "Réponses au {day}", "en": "Responses on {day}"},
    "org_no_stage": {"fr": "Sans atelier", "en": "No workshop"},
    "org_total": {"fr": "Total", "en": "Total"},
    "org_figures": {
        "fr": "{started} commencées · {completed} terminées ({rate}) · médiane {median} · "
        "aujourd'hui {started_today}/{completed_today}",
        "en": "{started} started · {completed} completed ({rate}) · median {median} · "
        "today {started_today}/{completed_today}",
    },
    "org_no_answers_yet": {
        "fr": "Pas encore de réponse : {names}",
        "en": "No answers yet: {names}",
    },
    "org_no_stages": {
        "fr": "Aucun atelier dans le fichier des étapes.",
        "en": "No workshop in the stages file.",
    },
    "org_links_title": {"fr": "Liens d'invitation", "en": "Invitation links"},
    "org_links_qr_hint": {
        "fr": "/qr CODE envoie le QR code d'un atelier.",
        "en": "/qr CODE sends the QR code of a workshop.",
    },
    "org_status_completed": {"fr": "terminées", "en": "completed"},
    "org_status_in_progress": {"fr": "en cours", "en": "in progress"},
    "org_status_abandoned": {"fr": "abandonnées", "en": "abandoned"},
    "org_export_caption": {
        "fr": "{count} réponses ({detail}). Fichier pour Excel : UTF-8, « ; », virgule décimale.",
        "en": "{count} responses ({detail}). File for Excel: UTF-8, ';', decimal comma.",
    },
    "org_qr_usage": {
        "fr": "Utilisation : /qr CODE (ateliers : {codes})",
        "en": "Usage: /qr CODE (workshops: {codes})",
    },
    "org_qr_unknown": {
        "fr": "Atelier « {code} » inconnu. Ateliers : {codes}",
        "en": 'Unknown workshop "{code}". Workshops: {codes}',
    },
    # --- consent and the respondent's rights -------------------------------------------
    "tg_consent_accept": {"fr": "✅ J'accepte", "en": "✅ I agree"},
    "tg_consent_decline": {"fr": "Je refuse", "en": "I decline"},
    "tg_consent_changed": {
        "fr": "L'information sur vos données a changé depuis votre dernière visite. "
        "Merci de la relire avant de continuer :",
        "en": "The information about your data has changed since your last visit. "
        "Please read it again before going on:",
    },
    "tg_declined": {
        "fr": "C'est noté : vous ne participez pas, et aucune réponse n'est enregistrée. "
        "Merci de votre attention. Si vous changez d'avis, tapez /start.",
        "en": "Noted: you are not taking part, and no answer is stored. Thank you for your "
        "time. If you change your mind, type /start.",
    },
    "tg_consent_first": {
        "fr": "Merci de répondre d'abord à l'information sur vos données, ci-dessus.",
        "en": "Please first answer the information about your data, above.",
    },
    "tg_mydata_intro": {
        "fr": "Voici toutes les données enregistrées vous concernant (le fichier joint les "
        "contient en entier) :",
        "en": "Here is all the data stored about you (the attached file holds all of it):",
    },
    "tg_mydata_none": {
        "fr": "Nous ne conservons aucune réponse de votre part.",
        "en": "We keep no answer from you.",
    },
    "tg_mydata_response": {
        "fr": "• Questionnaire commencé le {started}{stage} : {status}, {count} réponse(s)",
        "en": "• Questionnaire started on {started}{stage}: {status}, {count} answer(s)",
    },
    "tg_mydata_delete_hint": {
        "fr": "Pour tout effacer : /delete",
        "en": "To erase everything: /delete",
    },
    "tg_status_in_progress": {"fr": "en cours", "en": "in progress"},
    "tg_status_completed": {"fr": "terminé", "en": "completed"},
    "tg_status_abandoned": {"fr": "abandonné", "en": "abandoned"},
    "tg_delete_confirm": {
        "fr": "Effacer définitivement toutes vos réponses et les données vous concernant ? "
        "Cette action ne peut pas être annulée.",
        "en": "Permanently erase all your answers and the data about you? This cannot be undone.",
    },
    "tg_delete_yes": {"fr": "Oui, tout effacer", "en": "Yes, erase everything"},
    "tg_delete_no": {"fr": "Non, garder", "en": "No, keep it"},
    "tg_deleted": {
        "fr": "C'est fait : vos réponses et les données vous concernant ont été effacées. "
        "Merci d'avoir participé.",
        "en": "Done: your answers and the data about you have been erased. "
        "Thank you for taking part.",
    },
    "tg_kept": {"fr": "Rien n'a été effacé.", "en": "Nothing was erased."},
    "tg_reminder": {
        "fr": "Bonjour ! Votre questionnaire « {title} » n'est pas terminé ({answered} réponses "
        "sur {total}). Vos réponses sont enregistrées : vous pouvez reprendre là où vous en étiez.",
        "en": 'Hello! Your questionnaire "{title}" is not finished ({answered} of {total} '
        "answered). Your answers are saved: you can continue where you left off.",
    },
}


def ui(key: str, lang: str, **values: object) -> str:
    """A transport text in `lang` (French when unknown), with values filled in."""
    texts = TEXTS[key]
    return texts.get(lang, texts["fr"]).format(**values)
