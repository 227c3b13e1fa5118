"""Telegram's own words: how a question reads in a chat, its buttons, the organiser commands.

What every channel says the same way is in `conversation.words`; this is only
what belongs to a chat with buttons.
"""

from __future__ import annotations

from conversation import Words

WORDS: dict[str, dict[str, str]] = {
    "tg_header": {
        "fr": "Question {n}/{total} · {section}",
        "en": "Question {n}/{total} · {section}",
    },
    "tg_hint_type": {
        "fr": "Écrivez votre réponse.",
        "en": "Type your answer.",
    },
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
        "fr": "Touchez {count} éléments dans l'ordre, du plus important au moins important. Touchez à nouveau pour retirer.",
        "en": "Tap {count} items in order, most important first. Tap again to remove.",
    },
    "tg_hint_current": {
        "fr": "Réponse actuelle : {value}",
        "en": "Current answer: {value}",
    },
    "tg_continue": {
        "fr": "Continuer ▶",
        "en": "Continue ▶",
    },
    "tg_confirm": {
        "fr": "Valider ({count})",
        "en": "Confirm ({count})",
    },
    "tg_back": {
        "fr": "↩ Retour",
        "en": "↩ Back",
    },
    "tg_skip": {
        "fr": "Passer ⏭",
        "en": "Skip ⏭",
    },
    "tg_group": {
        "fr": "Ce questionnaire se remplit en conversation privée avec moi : {link}",
        "en": "This questionnaire is answered in a private chat with me: {link}",
    },
    "tg_error": {
        "fr": "Désolé, un problème est survenu de mon côté. Vos réponses précédentes sont enregistrées ; réessayez dans un instant.",
        "en": "Sorry, something went wrong on my side. Your previous answers are saved; please try again in a moment.",
    },
    # --- organiser commands
    "org_stats_title": {
        "fr": "Réponses au {day}",
        "en": "Responses on {day}",
    },
    "org_no_stage": {
        "fr": "Sans atelier",
        "en": "No workshop",
    },
    "org_total": {
        "fr": "Total",
        "en": "Total",
    },
    "org_figures": {
        "fr": "{started} commencées · {completed} terminées ({rate}) · médiane {median} · aujourd'hui {started_today}/{completed_today}",
        "en": "{started} started · {completed} completed ({rate}) · median {median} · today {started_today}/{completed_today}",
    },
    "org_channels": {"fr": "dont {detail}", "en": "of which {detail}"},
    "org_no_answers_yet": {
        "fr": "Pas encore de réponse : {names}",
        "en": "No answers yet: {names}",
    },
    "org_no_stages": {
        "fr": "Aucun atelier dans le fichier des étapes.",
        "en": "No workshop in the stages file.",
    },
    "org_links_title": {
        "fr": "Liens d'invitation",
        "en": "Invitation links",
    },
    "org_links_qr_hint": {
        "fr": "/qr CODE envoie le QR code d'un atelier.",
        "en": "/qr CODE sends the QR code of a workshop.",
    },
    "org_status_completed": {
        "fr": "terminées",
        "en": "completed",
    },
    "org_status_in_progress": {
        "fr": "en cours",
        "en": "in progress",
    },
    "org_status_abandoned": {
        "fr": "abandonnées",
        "en": "abandoned",
    },
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
    "tg_usage": {
        "fr": "Répondez en touchant les boutons, ou en écrivant quand on vous le demande.",
        "en": "Answer by tapping the buttons, or by typing when asked.",
    },
}


tg = Words(WORDS)
"""The text `key` in `lang`, with values filled in."""
