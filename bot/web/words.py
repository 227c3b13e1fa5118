"""The web chat's own words: the landing card, the form controls, the page's links.

What every channel says the same way is in `conversation.words`.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversation import Words, stage_words
from flows import StageDef, shared_called

WORDS: dict[str, dict[str, str]] = {
    "workshop": {"fr": "{Stage} {of_city}", "en": "{city} {stage}"},
    "landing_lead": {
        "fr": "Répondez ici, dans votre navigateur, ou dans Telegram si vous l’utilisez. "
        "Vos réponses seront rattachées à {ce_stage}.",
        "en": "Answer here, in your browser, or in Telegram if you use it. "
        "Your answers will be linked to this {stage}.",
    },
    # Served without Telegram (no bot name): the card offers the browser only.
    "landing_lead_web": {
        "fr": "Répondez ici, dans votre navigateur. Vos réponses seront rattachées à {ce_stage}.",
        "en": "Answer here, in your browser. Your answers will be linked to this {stage}.",
    },
    "answer_here": {"fr": "Répondre ici", "en": "Answer here"},
    # Back at the card with an unfinished response in this browser (`answers`: "12 réponses").
    "landing_under_way": {
        "fr": "Vous avez commencé le questionnaire dans ce navigateur ({answers})\u00a0: "
        "« Reprendre ici » vous ramène où vous en étiez.",
        "en": "You started the questionnaire in this browser ({answers}): "
        "“Resume here” takes you back where you were.",
    },
    "landing_under_way_telegram": {
        "fr": "Dans Telegram, vous recommenceriez depuis le début.",
        "en": "In Telegram, you would start again from the beginning.",
    },
    "resume_here": {"fr": "Reprendre ici", "en": "Resume here"},
    # Back at the card after finishing in this browser: thanked, not invited to start again.
    "landing_finished": {
        "fr": "Vous avez déjà répondu au questionnaire dans ce navigateur, merci\u00a0! "
        "« Revoir mes réponses » vous les montre, et vous pouvez encore les modifier.",
        "en": "You have already answered the questionnaire in this browser, thank you! "
        "“See my answers” shows them, and you can still change them.",
    },
    "see_my_answers": {"fr": "Revoir mes réponses", "en": "See my answers"},
    # The questionnaire closed (SURVEYBOT_CLOSED): the cards offer no way to answer.
    "closed": {
        "fr": "Le questionnaire est clos : il n’est plus possible d’y répondre. Merci à "
        "toutes celles et ceux qui ont répondu !",
        "en": "The questionnaire is closed: answers are no longer taken. Thank you to "
        "everyone who took part!",
    },
    "closed_mine": {
        "fr": "Vous avez répondu depuis ce navigateur ? Vos données",
        "en": "Answered from this browser? Your data",
    },
    "open_telegram": {"fr": "Ouvrir dans Telegram", "en": "Open in Telegram"},
    "unknown_workshop": {
        "fr": "Ce lien ne correspond à {aucun} {stage} {connu}. Choisissez {le_votre}\u00a0:",
        "en": "This link does not match any known {stage}. Choose yours:",
    },
    "no_workshop": {"fr": "Répondre sans {stage}", "en": "Answer without {a_stage}"},
    "progress": {
        "fr": "Question {n}/{total} · {section}",
        "en": "Question {n}/{total} · {section}",
    },
    # The same, as a screen reader says it: "3 sur 51", not "3 barre oblique 51".
    "progress_said": {
        "fr": "Question {n} sur {total}, {section}",
        "en": "Question {n} of {total}, {section}",
    },
    "confirm": {"fr": "Valider", "en": "Confirm"},
    "send": {"fr": "Envoyer", "en": "Send"},
    "back": {"fr": "← Retour", "en": "← Back"},
    "skip": {"fr": "Passer", "en": "Skip"},
    "continue": {"fr": "Continuer", "en": "Continue"},
    "current": {"fr": "réponse actuelle", "en": "current answer"},
    # The answers so far, heard with who says what: sighted people see it by the bubbles.
    "asked": {"fr": "Question\u00a0:", "en": "Question:"},
    "given": {"fr": "Votre réponse\u00a0:", "en": "Your answer:"},
    "other_given": {"fr": "{label}\u00a0: {words}", "en": "{label}: {words}"},
    # As the bundled questionnaires' help says it, so the page does not say it twice.
    "several": {"fr": "Plusieurs réponses possibles.", "en": "Several answers possible."},
    "at_most": {"fr": "Jusqu’à {max} réponses.", "en": "Up to {max} answers."},
    # Below a minimum of several, its bounds, and what answers alone ("None of these").
    "at_least": {"fr": "Au moins {min} réponses.", "en": "At least {min} answers."},
    "between": {"fr": "De {min} à {max} réponses.", "en": "{min} to {max} answers."},
    "exactly": {"fr": "Exactement {min} réponses.", "en": "Exactly {min} answers."},
    "or_only": {"fr": "ou seulement « {label} »", "en": "or only “{label}”"},
    "rank_hint": {
        "fr": "Classez {count} éléments, du plus important au moins important.",
        "en": "Rank {count} items, most important first.",
    },
    "rank": {"fr": "{n}ᵉ", "en": "No. {n}"},
    "rank_first": {"fr": "1ᵉʳ", "en": "No. 1"},
    "choose": {"fr": "— choisir —", "en": "— choose —"},
    "your_answer": {"fr": "Votre réponse", "en": "Your answer"},
    "unit": {"fr": "en {unit}", "en": "in {unit}"},
    "transcript": {"fr": "Vos réponses jusqu’ici", "en": "Your answers so far"},
    "resume_title": {"fr": "Reprendre plus tard", "en": "Come back later"},
    # Finished: nothing is left to resume; the link is to see or change the answers.
    "resume_title_done": {
        "fr": "Revoir ou modifier vos réponses",
        "en": "See or change your answers",
    },
    "resume_lead": {
        "fr": "Gardez ce lien pour reprendre, ici ou sur un autre appareil. Il donne accès "
        "à vos réponses\u00a0: ne le partagez pas.",
        "en": "Keep this link to come back, here or on another device. It gives access to "
        "your answers: do not share it.",
    },
    "resume_lead_done": {
        "fr": "Ce lien vous permet de revoir ou de modifier vos réponses, ici ou sur un autre "
        "appareil. Il donne accès à vos réponses\u00a0: ne le partagez pas.",
        "en": "This link lets you see or change your answers, here or on another device. "
        "It gives access to your answers: do not share it.",
    },
    "copy": {"fr": "Copier le lien", "en": "Copy the link"},
    "copied": {"fr": "Lien copié", "en": "Link copied"},
    "copy_select": {
        "fr": "Lien sélectionné\u00a0: copiez-le avec le menu de votre téléphone",
        "en": "Link selected: copy it with your phone’s menu",
    },
    "show_all": {"fr": "Afficher toute la réponse", "en": "Show the whole answer"},
    "show_less": {"fr": "Réduire", "en": "Show less"},
    # "My data": under each response, its answers, folded (a response may hold fifty).
    "data_answers": {"fr": "Voir les réponses", "en": "Show the answers"},
    # Said by choices.js to a screen reader, of the boxes and lists it changed itself.
    "unticked": {"fr": "Réponses décochées\u00a0: {labels}.", "en": "Unticked: {labels}."},
    "full": {
        "fr": "Maximum atteint ({max})\u00a0: les autres cases sont désactivées.",
        "en": "Maximum reached ({max}): the other boxes are disabled.",
    },
    "swapped": {
        "fr": "«\u00a0{item}\u00a0» est maintenant {rank}, et «\u00a0{other}\u00a0» {other_rank}.",
        "en": "“{item}” is now {rank}, and “{other}” {other_rank}.",
    },
    "moved": {
        "fr": "«\u00a0{item}\u00a0» est maintenant {rank}\u00a0; choisissez à nouveau le {other_rank}.",
        "en": "“{item}” is now {rank}; choose again for {other_rank}.",
    },
    # Said by chat.js while an answer is on its way, and if the connection does not answer.
    "sending": {"fr": "Envoi…", "en": "Sending…"},
    "stalled": {
        "fr": "La connexion ne répond pas\u00a0: réessayez.",
        "en": "The connection is not responding: try again.",
    },
    # The line may break after "/" (at 200 % zoom, 180 px wide, the count is longer than
    # the line); the number stays with its unit.
    "count": {"fr": "{n}\u00a0/ {limit} caractères", "en": "{n} / {limit} characters"},
    "count_over": {
        "fr": "{n}\u00a0/ {limit} caractères\u00a0: trop long, raccourcissez",
        "en": "{n} / {limit} characters: too long, please shorten",
    },
    # The count as a screen reader says it, with the field and once over the limit.
    "count_said": {"fr": "{n}\u00a0sur\u00a0{limit} caractères", "en": "{n} of {limit} characters"},
    "count_over_said": {
        "fr": "{n}\u00a0sur\u00a0{limit} caractères\u00a0: trop long, raccourcissez",
        "en": "{n} of {limit} characters: too long, please shorten",
    },
    # The tab's title, which a screen reader announces at each page: words, not "3/51".
    "where": {"fr": "Question {n} sur {total}", "en": "Question {n} of {total}"},
    # A scale's answer as a screen reader says it in the summary: "3 sur 5", not "3 barre
    # oblique 5" (the eyes keep "3/5").
    "scale_said": {"fr": "{n} sur {max}", "en": "{n} of {max}"},
    # What a page without a question is, as its heading and the tab's title say it.
    "declined_title": {"fr": "Vous ne participez pas", "en": "You are not taking part"},
    # Declined by someone whose earlier answers stay: the footer's buttons reach them.
    "declined_kept_title": {
        "fr": "Vous ne participez pas à ce questionnaire",
        "en": "You are not taking part in this questionnaire",
    },
    "declined_kept_buttons": {
        "fr": "En bas de page\u00a0: «\u00a0{data}\u00a0» pour les consulter, «\u00a0{erase}\u00a0» "
        "pour les effacer.",
        "en": "At the foot of the page: “{data}” to see them, “{erase}” to erase them.",
    },
    "erased_title": {"fr": "Vos réponses sont effacées", "en": "Your answers are erased"},
    "restart_title": {
        "fr": "Recommencer le questionnaire\u00a0?",
        "en": "Start the questionnaire over?",
    },
    "erase_title": {"fr": "Effacer vos réponses\u00a0?", "en": "Erase your answers?"},
    "audience_title": {"fr": "Quel questionnaire\u00a0?", "en": "Which questionnaire?"},
    "switch_title": {"fr": "Changer de questionnaire\u00a0?", "en": "Switch questionnaire?"},
    "unknown_workshop_title": {"fr": "Lien inconnu", "en": "Unknown link"},
    "not_found_title": {"fr": "Page introuvable", "en": "Page not found"},
    "resume_unknown_title": {"fr": "Lien de reprise inconnu", "en": "Unknown resume link"},
    "resume_confirm_title": {
        "fr": "Reprendre ces réponses ici\u00a0?",
        "en": "Resume these answers here?",
    },
    "resume_confirm_lead": {
        "fr": "Ce lien est celui d’un questionnaire déjà commencé\u00a0:",
        "en": "This link belongs to a questionnaire already started:",
    },
    "resume_confirm": {"fr": "Reprendre ici", "en": "Resume here"},
    # The same link once its questionnaire is finished: nothing to resume, answers to see.
    "resume_confirm_title_done": {
        "fr": "Revoir ou modifier ces réponses ici\u00a0?",
        "en": "See or change these answers here?",
    },
    "resume_confirm_lead_done": {
        "fr": "Ce lien est celui d’un questionnaire terminé\u00a0:",
        "en": "This link belongs to a finished questionnaire:",
    },
    "resume_confirm_done": {"fr": "Les revoir ici", "en": "See them here"},
    # The same link once the questionnaire is closed: no resuming, only one's rights.
    "resume_confirm_title_closed": {
        "fr": "Le questionnaire est clos",
        "en": "The questionnaire is closed",
    },
    "resume_confirm_lead_closed": {
        "fr": "Ce lien est celui de réponses déjà données. Vous pouvez les consulter ou les "
        "effacer depuis ce navigateur :",
        "en": "This link belongs to answers already given. You can see or erase them from "
        "this browser:",
    },
    "resume_confirm_closed": {
        "fr": "Les consulter ou les effacer ici",
        "en": "See or erase them here",
    },
    "resume_replaces_closed": {
        "fr": "Ce navigateur a déjà ses propres réponses. Il passera à celles du lien et ne "
        "pourra plus montrer les siennes, qui restent enregistrées : consultez-les ou "
        "effacez-les d’abord si vous le souhaitez.",
        "en": "This browser already has answers of its own. It will switch to the link's and "
        "will no longer be able to show its own, which stay saved: see or erase them first "
        "if you wish.",
    },
    "resume_cancel": {"fr": "Non, ne rien changer", "en": "No, change nothing"},
    "resume_replaces": {
        "fr": "Ce navigateur a déjà ses propres réponses. Il passera à celles du lien\u00a0: "
        "gardez d’abord leur lien de reprise (en bas de la page du questionnaire) pour "
        "pouvoir y revenir.",
        "en": "This browser already has answers of its own. It will switch to the link's: "
        "keep their resume link first (at the bottom of the questionnaire's page) to be "
        "able to come back to them.",
    },
    "resume_unknown": {
        "fr": "Ce lien de reprise ne mène à aucune réponse.",
        "en": "This resume link leads to no answers.",
    },
    "resume_unknown_lead": {
        "fr": "Il est incomplet, ou les réponses ont été effacées.",
        "en": "It is incomplete, or the answers have been erased.",
    },
    "my_data": {"fr": "Mes données", "en": "My data"},
    # A tablet at the welcome desk, answered in turn: the next person's turn (handover.py).
    "handover": {
        "fr": "Laisser l’appareil à la personne suivante",
        "en": "Hand this device to the next person",
    },
    "handover_title": {
        "fr": "Laisser l’appareil à la personne suivante\u00a0?",
        "en": "Hand this device to the next person?",
    },
    "handover_lead": {
        "fr": "Vos réponses restent enregistrées. Ce navigateur les oublie\u00a0: la personne "
        "suivante commencera son propre questionnaire, sans voir les vôtres.",
        "en": "Your answers stay saved. This browser forgets them: the next person starts "
        "their own questionnaire, without seeing yours.",
    },
    "handover_lead_none": {
        "fr": "Rien n’a été enregistré ici. La personne suivante commencera son propre "
        "questionnaire.",
        "en": "Nothing was saved here. The next person starts their own questionnaire.",
    },
    # Closed (SURVEYBOT_CLOSED): no one answers next; this browser only forgets its person.
    "handover_lead_closed": {
        "fr": "Vos réponses restent enregistrées. Ce navigateur les oublie : la personne "
        "suivante ne les verra pas.",
        "en": "Your answers stay saved. This browser forgets them: the next person will not "
        "see them.",
    },
    "handover_lead_none_closed": {
        "fr": "Rien n’a été enregistré ici. Ce navigateur oublie simplement votre passage.",
        "en": "Nothing was saved here. This browser simply forgets your visit.",
    },
    "handover_unfinished": {
        "fr": "Votre questionnaire n’est pas terminé",
        "en": "Your questionnaire is not finished",
    },
    "handover_unfinished_lead": {
        "fr": "Pour le finir plus tard, sur votre téléphone par exemple, gardez ce lien ou "
        "scannez ce code avec l’appareil photo de votre téléphone. Il donne accès à vos "
        "réponses\u00a0: ne le partagez pas.",
        "en": "To finish it later, on your phone for instance, keep this link or scan this "
        "code with your phone’s camera. It gives access to your answers: do not share it.",
    },
    "handover_qr": {
        "fr": "Code QR du lien de reprise, à scanner avec votre téléphone",
        "en": "QR code of the resume link, to scan with your phone",
    },
    "handover_confirm": {"fr": "Laisser la place", "en": "Hand it over"},
    "handover_cancel": {"fr": "Annuler", "en": "Cancel"},
    "handover_end_title": {"fr": "Un appareil partagé\u00a0?", "en": "A shared device?"},
    "handover_end_lead": {
        "fr": "Vous avez répondu sur la tablette de l’accueil ou sur un appareil prêté\u00a0? "
        "Laissez la place à la personne suivante\u00a0: vos réponses restent enregistrées.",
        "en": "Did you answer on the welcome desk’s tablet or a borrowed device? Hand it to "
        "the next person: your answers stay saved.",
    },
    "download_data": {"fr": "Télécharger mes données (JSON)", "en": "Download my data (JSON)"},
    "erase": {"fr": "Effacer mes réponses", "en": "Erase my answers"},
    "restart": {"fr": "Recommencer", "en": "Start over"},
    # "/aide" typed in a field, out of a chat's habit (forms.py): how this page is answered.
    "typed_help": {
        "fr": "Sur cette page, répondez avec les boutons, ou écrivez dans le champ puis "
        "envoyez. « Retour » ramène à la question précédente. Vos réponses sont "
        "enregistrées à chaque étape\u00a0: vous pouvez revenir plus tard. En bas de "
        "page\u00a0: « Mes données » pour les consulter, « Effacer mes "
        "réponses » pour les effacer.",
        "en": "On this page, answer with the buttons, or type in the field and send it. "
        "“Back” returns to the previous question. Your answers are saved at each step: "
        "you can come back later. At the foot of the page: “My data” to see them, “Erase "
        "my answers” to erase them.",
    },
    "expired": {
        "fr": "Cette page n’était plus à jour\u00a0; la voici telle qu’elle est maintenant.",
        "en": "That page was out of date; here it is as it stands now.",
    },
    "not_found": {"fr": "Cette page n’existe pas.", "en": "This page does not exist."},
    "home": {"fr": "Retour à l’accueil", "en": "Back to the start"},
    "start_again": {"fr": "Revenir au questionnaire", "en": "Back to the questionnaire"},
    "workshops": {"fr": "Les {stages}", "en": "The {stages}"},
    "back_to_page": {"fr": "Revenir à la page", "en": "Back to the page"},
    "try_again": {"fr": "Réessayer", "en": "Try again"},
    "too_many": {"fr": "Un instant, s’il vous plaît", "en": "One moment, please"},
    "too_many_lead": {
        "fr": "Trop de demandes sont arrivées d’un coup\u00a0: ce que vous venez d’envoyer n’a pas "
        "été pris en compte. Attendez quelques secondes, puis réessayez.",
        "en": "Too many requests came at once: what you just sent was not received. Wait a few "
        "seconds, then try again.",
    },
    "too_many_page_lead": {
        "fr": "Beaucoup de personnes répondent en même temps, et cette page n’a pas pu "
        "s’afficher. Rien de ce que vous avez déjà envoyé n’est perdu. Attendez quelques "
        "secondes, puis réessayez.",
        "en": "Many people are answering at once, and this page could not be shown. The "
        "answers you already sent are saved. Wait a few seconds, then try again.",
    },
    "other_site": {"fr": "Formulaire non pris en compte", "en": "Form not taken"},
    "other_site_lead": {
        "fr": "Ce formulaire a été envoyé depuis un autre site\u00a0: il n’a pas été pris en "
        "compte, et rien n’a changé.",
        "en": "This form was sent from another site: it was not taken, and nothing has changed.",
    },
    "not_allowed": {
        "fr": "Cette page ne s’utilise pas ainsi",
        "en": "This page cannot be used that way",
    },
    "not_allowed_lead": {"fr": "Rien n’a été enregistré.", "en": "Nothing was saved."},
    "too_large": {"fr": "Envoi trop long", "en": "Too much sent at once"},
    "too_large_lead": {
        "fr": "Ce qui a été envoyé dépasse la taille permise\u00a0: rien n’a été enregistré. "
        "Raccourcissez votre réponse, puis réessayez.",
        "en": "What was sent is over the size allowed: nothing was saved. Shorten your "
        "answer, then try again.",
    },
    "too_slow": {"fr": "La connexion était trop lente", "en": "The connection was too slow"},
    "too_slow_lead": {
        "fr": "Votre réponse n’est pas arrivée en entier : rien n’a été enregistré. "
        "Vérifiez votre connexion (Wi-Fi ou réseau mobile), puis réessayez.",
        "en": "Your answer did not arrive in full: nothing was saved. Check your "
        "connection (Wi-Fi or mobile data), then try again.",
    },
    "unavailable": {
        "fr": "Service momentanément indisponible",
        "en": "Temporarily unavailable",
    },
    "unavailable_lead": {
        "fr": "Nous ne pouvons rien enregistrer pour l’instant. Vos réponses précédentes sont "
        "conservées : réessayez dans une minute.",
        "en": "Nothing can be saved just now. Your earlier answers are kept: try again in a "
        "minute.",
    },
    # A form posted from a page that set the respondent's cookie, and back without it: the
    # browser refuses cookies (app.py). Every tap would otherwise bring the page back.
    "cookies": {
        "fr": "Ce questionnaire a besoin d’un cookie",
        "en": "This questionnaire needs a cookie",
    },
    "cookies_lead": {
        "fr": "Pour se souvenir de vos réponses d’une question à l’autre, ce questionnaire "
        "enregistre un cookie dans votre navigateur\u00a0: pour ce site seulement, et "
        "seulement pour le questionnaire (ni publicité, ni suivi). Votre navigateur ne l’a "
        "pas renvoyé\u00a0: rien n’a été enregistré.",
        "en": "To remember your answers from one question to the next, this questionnaire "
        "keeps a cookie in your browser: for this site only, and only for the questionnaire "
        "(no advertising, no tracking). Your browser did not send it back: nothing was saved.",
    },
    "cookies_more": {
        "fr": "Autorisez les cookies pour ce site dans les réglages de votre navigateur "
        "(souvent sous «\u00a0Confidentialité\u00a0» ou «\u00a0Cookies\u00a0»), puis "
        "revenez à la page.",
        "en": "Allow cookies for this site in your browser’s settings (often under “Privacy” "
        "or “Cookies”), then go back to the page.",
    },
    "unreadable": {"fr": "Ce formulaire n’a pas pu être lu", "en": "This form could not be read"},
    "unreadable_lead": {
        "fr": "Rien n’a été enregistré. Revenez à la page, puis réessayez.",
        "en": "Nothing was saved. Go back to the page, then try again.",
    },
}


class WebWords:
    """The web's words, where a text about a stage says what it is called (`{stage}`...,
    see `conversation.stage_words`): that `stage`'s name, or the one the listed `stages`
    share, else the default ("atelier")."""

    def __init__(self, table: dict[str, dict[str, str]]) -> None:
        self.words = Words(table)
        self.table = self.words.table

    def __call__(
        self,
        key: str,
        lang: str,
        *,
        stage: StageDef | None = None,
        stages: Sequence[StageDef] = (),
        **values: object,
    ) -> str:
        called = stage.called if stage is not None else shared_called(stages)
        return self.words(key, lang, **(stage_words(lang, called) | values))


web = WebWords(WORDS)
"""The web chat's text `key` in `lang`, with values filled in."""
