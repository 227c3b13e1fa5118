"""Telegram's own words: how a question reads in a chat, its buttons, the organiser commands
(those about stages, `org`, naming them as the stages file calls them).

What every channel says the same way is in `conversation.words`; this is only
what belongs to a chat with buttons.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversation import Words, stage_words
from flows import StageDef, shared_called

WORDS: dict[str, dict[str, str]] = {
    "tg_header": {
        "fr": "Question {n}/{total} · {section}",
        "en": "Question {n}/{total} · {section}",
    },
    "tg_hint_type": {
        "fr": "Écrivez votre réponse.",
        "en": "Type your answer.",
    },
    "tg_hint_type_long": {
        "fr": "Écrivez votre réponse, {max} caractères au plus.",
        "en": "Type your answer, {max} characters at most.",
    },
    # Joined to its word: a phone wraps "en %." badly, the "%." alone on the next line.
    "tg_hint_type_unit": {
        "fr": "Écrivez un nombre, en\u00a0{unit}.",
        "en": "Type a number, in\u00a0{unit}.",
    },
    "tg_hint_type_count": {
        "fr": "Écrivez le nombre {of}{unit}.",
        "en": "Type the number of {unit}.",
    },
    "tg_hint_type_percent": {
        "fr": "Écrivez un pourcentage.",
        "en": "Type a percentage.",
    },
    "tg_hint_multi": {
        "fr": "Plusieurs réponses possibles, puis « Valider ».",
        "en": "Several answers allowed, then “Confirm”.",
    },
    "tg_hint_multi_max": {
        "fr": "Jusqu’à {max} réponses, puis « Valider ».",
        "en": "Up to {max} answers, then “Confirm”.",
    },
    "tg_hint_multi_min": {
        "fr": "Au moins {min} réponses{alone}, puis « Valider ».",
        "en": "At least {min} answers{alone}, then “Confirm”.",
    },
    "tg_hint_multi_between": {
        "fr": "De {min} à {max} réponses{alone}, puis « Valider ».",
        "en": "{min} to {max} answers{alone}, then “Confirm”.",
    },
    "tg_hint_multi_exactly": {
        "fr": "Exactement {min} réponses{alone}, puis « Valider ».",
        "en": "Exactly {min} answers{alone}, then “Confirm”.",
    },
    # After the count: the "none of these" choice, which answers alone (flows/values.py).
    "tg_or_only": {"fr": ", ou seulement « {label} »", "en": ", or only “{label}”"},
    "tg_hint_ranking": {
        "fr": "Touchez {count} éléments dans l’ordre, du plus important au moins important, puis « Valider ». Touchez à nouveau pour retirer.",
        "en": "Tap {count} items in order, most important first, then “Confirm”. Tap again to remove.",
    },
    "tg_hint_current": {
        "fr": "Réponse actuelle : {value}",
        "en": "Current answer: {value}",
    },
    "tg_keep": {
        "fr": "Garder « {value} »",
        "en": "Keep “{value}”",
    },
    "tg_continue": {
        "fr": "Continuer ▶",
        "en": "Continue ▶",
    },
    "tg_confirm": {
        "fr": "Valider ({count})",
        "en": "Confirm ({count})",
    },
    "tg_confirm_ranking": {
        "fr": "Valider ce classement",
        "en": "Confirm this ranking",
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
    "org_help_title": {
        "fr": "Commandes d’organisateur (vous seul les voyez) :",
        "en": "Organiser commands (only you see them):",
    },
    "org_colon": {"fr": " : ", "en": ": "},
    "org_stats_title": {
        "fr": "Réponses au {day}",
        "en": "Responses on {day}",
    },
    "org_total": {
        "fr": "Total",
        "en": "Total",
    },
    "org_figures": {
        "fr": "{started} · {completed} ({rate}) · {abandoned} · médiane {median} · aujourd’hui {started_today}/{completed_today}",
        "en": "{started} · {completed} ({rate}) · {abandoned} · median {median} · today {started_today}/{completed_today}",
    },
    "org_started_one": {"fr": "{count} commencée", "en": "{count} started"},
    "org_started_many": {"fr": "{count} commencées", "en": "{count} started"},
    "org_channels": {"fr": "dont {detail}", "en": "of which {detail}"},
    "org_declined_one": {"fr": "{count} refus de la notice", "en": "{count} declined the notice"},
    "org_declined_many": {"fr": "{count} refus de la notice", "en": "{count} declined the notice"},
    "org_no_answers_yet": {
        "fr": "Pas encore de réponse : {names}",
        "en": "No answers yet: {names}",
    },
    "org_links_title": {
        "fr": "Liens d’invitation",
        "en": "Invitation links",
    },
    # Counted words, "_one" and "_many": `counted` picks one (French 0 and 1 take the singular).
    "org_status_completed_one": {"fr": "{count} terminée", "en": "{count} completed"},
    "org_status_completed_many": {"fr": "{count} terminées", "en": "{count} completed"},
    # Joined by hand: "en" is too short for the table's rule (flows.typeset_table).
    "org_status_in_progress_one": {"fr": "{count}\u00a0en cours", "en": "{count} in progress"},
    "org_status_in_progress_many": {"fr": "{count}\u00a0en cours", "en": "{count} in progress"},
    "org_status_abandoned_one": {"fr": "{count} abandonnée", "en": "{count} abandoned"},
    "org_status_abandoned_many": {"fr": "{count} abandonnées", "en": "{count} abandoned"},
    "org_responses_one": {"fr": "{count} réponse", "en": "{count} response"},
    "org_responses_many": {"fr": "{count} réponses", "en": "{count} responses"},
    "org_export_caption": {
        "fr": "{responses} ({detail}). Fichier pour Excel : UTF-8, « ; », virgule décimale.",
        # The CSV an English organiser gets is for Excel in English: ',' and a decimal point.
        "en": "{responses} ({detail}). File for Excel: UTF-8, ',', decimal point.",
    },
    "org_codebook_caption": {
        "fr": "Codebook de {name} : une ligne par colonne (question, type, codes et libellés).",
        "en": "Codebook of {name}: one row per column (question, type, codes and labels).",
    },
    "org_export_empty": {
        "fr": "Pas encore de réponse à exporter",
        "en": "No responses to export yet",
    },
    "org_for": {"fr": " pour {what}", "en": " for {what}"},
    "org_questionnaire": {"fr": "le questionnaire « {code} »", "en": "the “{code}” questionnaire"},
    "org_export_personal": {
        "fr": "⚠️ Cet export contient des données personnelles (réponses à : {questions}). "
        "Ne le partagez pas et supprimez-le une fois l’analyse faite.",
        "en": "⚠️ This export holds personal data (answers to: {questions}). "
        "Do not share it, and delete it once the analysis is done.",
    },
    "org_export_zipped": {
        "fr": "Trop gros pour Telegram en CSV : le CSV et son codebook sont dans ce zip.",
        "en": "Too big for Telegram as a CSV: the CSV and its codebook are in this zip.",
    },
    "org_export_failed": {
        "fr": "Telegram a refusé le fichier de l’export. Sur le serveur, lancez "
        "<code>surveybot export --excel -o reponses.csv</code>, ou réessayez avec /export CODE.",
        "en": "Telegram refused the export's file. On the server, run "
        "<code>surveybot export --bom -o responses.csv</code>, or try /export CODE.",
    },
    "org_export_started": {
        "fr": "Export en cours : vous recevrez le fichier ici.",
        "en": "Export in progress: you will get the file here.",
    },
    "org_stats_started": {
        "fr": "Calcul des statistiques en cours : vous les recevrez ici.",
        "en": "Computing the statistics: you will get them here.",
    },
    "org_job_already_export": {
        "fr": "Cet export est déjà en préparation : son fichier arrive ici dans un instant.",
        "en": "This export is already being prepared: its file will arrive here shortly.",
    },
    "org_job_already_stats": {
        "fr": "Ces statistiques sont déjà en calcul : elles arrivent ici dans un instant.",
        "en": "These statistics are already being computed: they will arrive here shortly.",
    },
    "org_job_resumed_export": {
        "fr": "L’export interrompu par un redémarrage reprend : vous recevrez le fichier ici.",
        "en": "The export interrupted by a restart is starting again: you will get the file here.",
    },
    "org_job_resumed_stats": {
        "fr": "Les statistiques interrompues par un redémarrage sont recalculées : "
        "vous les recevrez ici.",
        "en": "The statistics interrupted by a restart are being computed again: "
        "you will get them here.",
    },
    "org_job_failed": {
        "fr": "Désolé, cette demande a échoué. Réessayez ; sur le serveur, "
        "<code>surveybot export --excel -o reponses.csv</code> fait l’export.",
        "en": "Sorry, this request failed. Try again; on the server, "
        "<code>surveybot export --bom -o responses.csv</code> does the export.",
    },
    "org_job_given_up": {
        "fr": "Une demande interrompue plusieurs fois par un redémarrage est abandonnée. "
        "Sur le serveur, <code>surveybot export --excel -o reponses.csv</code> fait l’export.",
        "en": "A request interrupted by a restart several times is given up. "
        "On the server, <code>surveybot export --bom -o responses.csv</code> does the export.",
    },
    "org_words_more_one": {"fr": " … et {count} autre", "en": " … and {count} more"},
    "org_words_more_many": {"fr": " … et {count} autres", "en": " … and {count} more"},
    "org_codes_more_one": {
        "fr": " … et {count} autre (/links les donne tous)",
        "en": " … and {count} more (/links lists them all)",
    },
    "org_codes_more_many": {
        "fr": " … et {count} autres (/links les donne tous)",
        "en": " … and {count} more (/links lists them all)",
    },
    "org_qr_too_long": {
        "fr": "Ce lien ({length} caractères) est trop long pour un QR code : raccourcissez "
        "l’adresse du chat web (SURVEYBOT_PUBLIC_URL).",
        "en": "This link ({length} characters) is too long for a QR code: shorten the web "
        "chat's address (SURVEYBOT_PUBLIC_URL).",
    },
    # `/qr CODE AUDIENCE` for a stage tied to another questionnaire (`flow:`), before its code.
    "org_qr_tied": {
        "fr": "Pour {city}, seul le questionnaire « {audience} » est proposé : voici son QR code.",
        "en": "For {city}, only the “{audience}” questionnaire is offered: here is its QR code.",
    },
    "org_qr_audiences": {"fr": " ; questionnaires : {codes}", "en": "; questionnaires: {codes}"},
    "org_quoted": {"fr": "« {word} »", "en": "“{word}”"},
    "org_audiences_are": {"fr": "Questionnaires : {codes}", "en": "Questionnaires: {codes}"},
    "org_usage": {"fr": "Utilisation : /{command} {shape}", "en": "Usage: /{command} {shape}"},
    "org_links_ignored_one": {
        "fr": "/links ne prend pas d’argument : {words} ignoré.\n",
        "en": "/links takes no argument: {words} ignored.\n",
    },
    "org_links_ignored_many": {
        "fr": "/links ne prend pas d’argument : {words} ignorés.\n",
        "en": "/links takes no argument: {words} ignored.\n",
    },
    # Under /stats, when some responses were closed as abandoned (SURVEYBOT_ABANDON_AFTER_DAYS).
    "org_abandoned_legend_one": {
        "fr": "Abandonnée : non terminée et sans nouvelle depuis {count} jour.",
        "en": "Abandoned: unfinished and untouched for {count} day.",
    },
    "org_abandoned_legend_many": {
        "fr": "Abandonnée : non terminée et sans nouvelle depuis {count} jours.",
        "en": "Abandoned: unfinished and untouched for {count} days.",
    },
    "org_abandoned_legend_off": {
        "fr": "Abandonnée : fermée par le bot, non terminée, quand il fermait les réponses "
        "restées sans nouvelle ; il n’en ferme plus (SURVEYBOT_ABANDON_AFTER_DAYS=0).",
        "en": "Abandoned: closed by the bot, unfinished, when it closed responses left "
        "untouched; it closes none now (SURVEYBOT_ABANDON_AFTER_DAYS=0).",
    },
    "org_unlisted": {
        "fr": "{code}, plus dans le fichier des étapes",
        "en": "{code}, no longer in the stages file",
    },
    "tg_refused": {
        "fr": "Désolé, Telegram n’a pas accepté ce message. Vos réponses sont enregistrées ; "
        "envoyez /start pour reprendre.",
        "en": "Sorry, Telegram did not accept this message. Your answers are saved; "
        "send /start to carry on.",
    },
    "tg_page_next": {
        "fr": "Suite ▶",
        "en": "More ▶",
    },
    "tg_page_previous": {
        "fr": "◀ Précédents",
        "en": "◀ Previous",
    },
    "tg_page_expired": {
        "fr": "Cette liste n’est plus disponible : envoyez /start pour continuer.",
        "en": "This list is no longer available: send /start to carry on.",
    },
    "tg_usage": {
        "fr": "Répondez en touchant les boutons, ou en écrivant quand on vous le demande. "
        "Pour corriger une réponse écrite plus haut, répondez à sa question (« Répondre ») "
        "avec la bonne réponse.",
        "en": "Answer by tapping the buttons, or by typing when asked. To correct an answer "
        "typed further up, reply to its question (“Reply”) with the right one.",
    },
}


tg = Words(WORDS)
"""The text `key` in `lang`, with values filled in."""


# The organiser's texts about stages: they say what the stages file calls them (`called:`),
# with the forms of `conversation.stage_words` ("{un_stage}", "{Stages}", "{a_stage}"). Only
# `org` reads them, and it fills those forms in: none can be said without them. (The /help
# lines that name no stage are here too: /help says every `org_help_*` the same way.)
ORGANISER_WORDS: dict[str, dict[str, str]] = {
    "org_help_stats": {
        "fr": "réponses par {stage}, taux, médiane, aujourd’hui",
        "en": "responses per {stage}, rate, median, today",
    },
    "org_help_links": {"fr": "les liens d’invitation", "en": "the invitation links"},
    "org_help_qr": {
        "fr": "le QR code {d_un_stage}, à montrer ou imprimer",
        "en": "{a_stage}'s QR code, to show or print",
    },
    "org_help_export": {
        "fr": "les réponses dans un classeur Excel (en CSV si l’export est très gros), "
        "et le codebook",
        "en": "the responses as an Excel workbook (a CSV when the export is very big), "
        "and the codebook",
    },
    "org_no_stage": {"fr": "Sans {stage}", "en": "No {stage}"},
    "org_no_stages": {
        "fr": "{Aucun} {stage} dans le fichier des étapes.",
        "en": "No {stage} in the stages file.",
    },
    "org_links_qr_hint": {
        "fr": "/qr CODE envoie le QR code {d_un_stage}.",
        "en": "/qr CODE sends the QR code of {a_stage}.",
    },
    "org_links_qr_hint_several": {
        "fr": "/qr CODE envoie les QR codes {d_un_stage}, un par questionnaire ; "
        "/qr CODE AUDIENCE, celui d’un seul.",
        "en": "/qr CODE sends the QR codes of {a_stage}, one per questionnaire; "
        "/qr CODE AUDIENCE, one questionnaire's only.",
    },
    "org_export_too_large": {
        "fr": "L’export fait {size}\u00a0Mo même compressé : Telegram n’accepte pas plus de 50\u00a0Mo. "
        "Sur le serveur, lancez <code>surveybot export --excel -o reponses.csv</code>, "
        "ou exportez {un_stage} à la fois : /export CODE.",
        "en": "The export is {size} MB even compressed: Telegram accepts at most 50 MB. "
        "On the server, run <code>surveybot export --bom -o responses.csv</code>, "
        "or export one {stage} at a time: /export CODE.",
    },
    "org_qr_usage": {
        "fr": "Utilisation : /qr {shape} ({stages} : {codes}{audiences})",
        "en": "Usage: /qr {shape} ({stages}: {codes}{audiences})",
    },
    "org_qr_which_stage": {
        "fr": "Précisez {le_stage} : /qr CODE {audience} ({stages} : {codes})",
        "en": "Name the {stage}: /qr CODE {audience} ({stages}: {codes})",
    },
    "org_unknown_stage_one": {"fr": "{Stage} {words} {inconnu}.", "en": "Unknown {stage} {words}."},
    "org_unknown_stage_many": {
        "fr": "{Stages} {words} {inconnus}.",
        "en": "Unknown {stages} {words}.",
    },
    "org_audience_not_run": {
        "fr": "{word} est le lien du questionnaire {audience}, que ce bot ne pose pas "
        "(questionnaires : {codes}) : donnez le code {du_stage} seul, {code}.",
        "en": "{word} is a link to the questionnaire {audience}, which this bot does not run "
        "(questionnaires: {codes}): give the {stage}'s code alone, {code}.",
    },
    "org_unknown_either_one": {
        "fr": "{words} n’est ni {un_stage} ni un questionnaire.",
        "en": "{words} is neither {a_stage} nor a questionnaire.",
    },
    "org_unknown_either_many": {
        "fr": "{words} ne sont ni {des_stages} ni des questionnaires.",
        "en": "{words} are neither {stages} nor questionnaires.",
    },
    "org_one_each": {
        "fr": "{Un_stage} et un questionnaire à la fois au plus : {words} en trop.",
        "en": "At most one {stage} and one questionnaire at a time: {words} is one too many.",
    },
    "org_one_stage": {
        "fr": "{Un_stage} à la fois au plus : {words} en trop.",
        "en": "At most one {stage} at a time: {words} is one too many.",
    },
    "org_stages_are": {"fr": "{Stages} : {codes}", "en": "{Stages}: {codes}"},
}
_organiser = Words(ORGANISER_WORDS)


def org(key: str, lang: str, stages: Sequence[StageDef], **values: object) -> str:
    """The organiser's text `key` in `lang`, naming stages as the bot's `stages` are called:
    "Journée « x » inconnue.", "réponses par salon"; "atelier" when they share no noun."""
    return _organiser(key, lang, **(stage_words(lang, shared_called(stages)) | values))


def counted(key: str, count: int, lang: str) -> str:
    """`key`'s text for `count`: "1 terminée", "2 terminées", "0 terminée"; "1 response".

    French puts 0 and 1 in the singular, English only 1; other languages get the
    French texts, so the French rule.
    """
    singular = count == 1 if lang == "en" else count <= 1
    return tg(f"{key}_{'one' if singular else 'many'}", lang, count=count)
