"""The conversation's own words to respondents, in French and English.

These are what every channel says the same way: the notice's buttons, the
resume offer, the summary, the respondent's rights. How to answer on a given
channel ("tap the buttons", "type a number") is each channel's own text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conversation.end_words import END_WORDS
from flows import Called, Prompt, format_day, french_de, stage_noun, typeset_table


def town(name: str) -> str:
    """A town's name as the texts set it: "L’Isle-d’Abeau", with their typographic
    apostrophe, as the cards print it (the stages file may have the typewriter one)."""
    return name.replace("'", "’")


def of_place(name: str) -> str:
    """French "de" before a town's name: "de Pithiviers", "d’Évreux", "du Creusot", with the
    typographic apostrophe of the texts it goes into."""
    return french_de(town(name), apostrophe="’")


def stage_words(lang: str, called: Called | None, prefix: str = "") -> dict[str, str]:
    """What a stage is called, in the forms the texts fill in: `{stage}`, `{stages}`,
    `{Stage}` (a heading), `{Stages}`, and in French `{le_stage}`, `{au_stage}`,
    `{du_stage}`, `{ce_stage}`, `{aucun}`, `{connu}`, `{le_votre}` ("l’atelier", "à la
    journée", "du salon", "cet événement", "aucune", "connue", "la vôtre"), and for the
    organiser's texts `{un_stage}`, `{Un_stage}`, `{d_un_stage}`, `{des_stages}`,
    `{Aucun}`, `{inconnu}`, `{inconnus}` ("une journée", "Un salon", "d’un atelier", "des
    salons", "Aucune", "inconnue", "inconnues"); in English `{a_stage}` ("an open day").

    `prefix` tells two stages apart in one text: `{was_au_stage}`, `{linked_du_stage}`.
    """
    noun = stage_noun(called, lang)
    forms = {"stage": noun.one, "stages": noun.many, "Stage": noun.capital, "Stages": noun.capitals}
    if lang == "en":
        forms["a_stage"] = noun.with_a
    else:  # French, and the French words a language without its own reads
        forms |= {
            "le_stage": noun.article("l’", "le", "la"),
            "au_stage": noun.article("à l’", "au", "à la"),
            "du_stage": noun.article("de l’", "du", "de la"),
            "ce_stage": f"{noun.agree('cet' if noun.vowel else 'ce', 'cette')} {noun.one}",
            "aucun": noun.agree("aucun", "aucune"),
            "connu": noun.agree("connu", "connue"),
            "le_votre": noun.agree("le vôtre", "la vôtre"),
            "un_stage": f"{noun.agree('un', 'une')} {noun.one}",
            "Un_stage": f"{noun.agree('Un', 'Une')} {noun.one}",
            "d_un_stage": f"{noun.agree('d’un', 'd’une')} {noun.one}",
            "des_stages": f"des {noun.many}",
            "Aucun": noun.agree("Aucun", "Aucune"),
            "inconnu": noun.agree("inconnu", "inconnue"),
            "inconnus": noun.agree("inconnus", "inconnues"),
        }
    return {f"{prefix}{key}": value for key, value in forms.items()}


WORDS: dict[str, dict[str, str]] = {
    # --- opening ---------------------------------------------------------------------
    "stage_welcome": {
        "fr": "Bienvenue ! Vos réponses seront rattachées {au_stage} {of_city}{date}.",
        "en": "Welcome! Your answers will be linked to the {city} {stage}{date}.",
    },
    "unknown_stage": {
        "fr": "Ce lien d’invitation ne correspond à {aucun} {stage} {connu}. "
        "Choisissez votre {stage} dans la liste, ou continuez sans {stage}.",
        "en": "This invitation link does not match any known {stage}. "
        "Pick your {stage} from the list, or go on without one.",
    },
    "no_stage": {"fr": "Continuer sans {stage}", "en": "Go on without {a_stage}"},
    # A made-up workshop of the bundled list, kept as a model: said so wherever it is listed.
    "example_stage": {"fr": "{city} (exemple)", "en": "{city} (example)"},
    "audience_pick": {
        "fr": "Bonjour ! Pour vous proposer le bon questionnaire, dites-nous pour qui vous "
        "répondez\u00a0:",
        "en": "Hello! To give you the right questionnaire, tell us who you are answering for:",
    },
    # On the notice of a questionnaire picked from that list: the list again.
    "audience_again": {"fr": "↩ Changer de questionnaire", "en": "↩ Choose another questionnaire"},
    # --- the information notice --------------------------------------------------------
    "consent_accept": {"fr": "✅ J’accepte", "en": "✅ I agree"},
    "consent_decline": {"fr": "Je refuse", "en": "I decline"},
    "consent_changed": {
        "fr": "L’information sur vos données a changé depuis votre dernière visite. "
        "Merci de la relire avant de continuer :",
        "en": "The information about your data has changed since your last visit. "
        "Please read it again before going on:",
    },
    "notice_waiting": {
        "fr": "Pour commencer, merci de répondre à l’information sur vos données, ci-dessous.",
        "en": "To begin, please answer the information about your data, below.",
    },
    "consent_first": {
        "fr": "Merci de répondre d’abord à l’information sur vos données, ci-dessus.",
        "en": "Please first answer the information about your data, above.",
    },
    "declined": {
        "fr": "C’est noté : vous ne participez pas, et aucune réponse n’est enregistrée. "
        "Merci de votre attention.",
        "en": "Noted: you are not taking part, and no answer is stored. Thank you for your time.",
    },
    # Where commands are typed (Telegram, the terminal); a page shows a button instead.
    "declined_hint": {
        "fr": "Si vous changez d’avis, tapez /start.",
        "en": "If you change your mind, type /start.",
    },
    "declined_hint_link": {
        "fr": "Si vous changez d’avis, touchez à nouveau votre lien d’invitation : {link}",
        "en": "If you change your mind, tap your invitation link again: {link}",
    },
    # Declined, with answers to another questionnaire stored: not "nothing is stored".
    "declined_kept": {
        "fr": "C’est noté : vous ne participez pas à ce questionnaire. Les réponses que vous "
        "aviez données auparavant restent enregistrées : vous pouvez les consulter ou les "
        "effacer.",
        "en": "Noted: you are not taking part in this questionnaire. The answers you gave "
        "before stay stored: you can see them or erase them.",
    },
    "declined_kept_hint": {
        "fr": "Pour les consulter : /mydata ; pour les effacer : /delete. Si vous changez "
        "d’avis, tapez /start.",
        "en": "To see them: /mydata; to erase them: /delete. If you change your mind, type /start.",
    },
    # --- resuming, restarting, a changed questionnaire -----------------------------------
    "in_progress": {
        "fr": "Vous avez un questionnaire en cours ({so_far}).",
        "en": "You have a questionnaire in progress ({so_far}).",
    },
    "in_progress_named": {
        "fr": "Vous avez un questionnaire en cours : « {name} » ({so_far}).",
        "en": "You have a questionnaire in progress: “{name}” ({so_far}).",
    },
    "resume_question": {
        "fr": "Voulez-vous reprendre là où vous en étiez ?",
        "en": "Would you like to continue where you left off?",
    },
    # Opened by another workshop's link: which workshop each button leaves the answers with.
    "done_other_workshop": {
        "fr": "Vos réponses restent rattachées {was_au_stage} {of_was} ; ce lien est celui "
        "{linked_du_stage} {of_linked}. Une personne ne répond qu’une fois.",
        "en": "Your answers stay linked to the {was} {was_stage}; this link is for the "
        "{linked} {linked_stage}. Each person answers once.",
    },
    "resume_other_workshop": {
        "fr": "Ce questionnaire est rattaché {was_au_stage} {of_was}, et ce lien est celui "
        "{linked_du_stage} {of_linked}. « Reprendre » garde vos réponses et {was_le_stage} "
        "{of_was} ; « Recommencer » les efface et rattache le questionnaire {linked_au_stage} "
        "{of_linked}.",
        "en": "This questionnaire is linked to the {was} {was_stage}, and this link is for the "
        "{linked} {linked_stage}. “Continue” keeps your answers and the {was} {was_stage}; "
        "“Start over” erases them and links the questionnaire to the {linked} {linked_stage}.",
    },
    "resume": {"fr": "Reprendre ▶", "en": "Continue ▶"},
    "restart": {"fr": "Recommencer", "en": "Start over"},
    "restart_confirm": {
        "fr": "Recommencer efface toutes vos réponses à ce questionnaire. Confirmez-vous ?",
        "en": "Starting over erases all your answers to this questionnaire. Are you sure?",
    },
    # With several questionnaires: which one starting over erases (the screen may be another's).
    "restart_confirm_named": {
        "fr": "Recommencer efface toutes vos réponses au questionnaire pour « {name} ». "
        "Confirmez-vous ?",
        "en": "Starting over erases all your answers to the questionnaire for “{name}”. "
        "Are you sure?",
    },
    "restart_yes": {"fr": "Oui, recommencer", "en": "Yes, start over"},
    "restart_no": {"fr": "Non, continuer", "en": "No, keep going"},
    "restarted": {
        "fr": "C’est reparti depuis le début.",
        "en": "Starting again from the beginning.",
    },
    "restarted_at": {
        "fr": "C’est reparti depuis le début. Vos réponses sont maintenant rattachées "
        "{au_stage} {of_city}{date}.",
        "en": "Starting again from the beginning. Your answers are now linked to the {city} "
        "{stage}{date}.",
    },
    "tagged_now": {
        "fr": "Vos réponses sont maintenant rattachées {au_stage} {of_city}{date}.",
        "en": "Your answers are now linked to the {city} {stage}{date}.",
    },
    # --- a link to the other questionnaire ------------------------------------------------
    "switch_offer": {
        "fr": "Vous avez commencé le questionnaire pour « {current} » ({so_far}), et ce lien ouvre "
        "le questionnaire pour « {linked} ». Une même personne ne répond qu’à l’un des deux : "
        "lequel voulez-vous ?",
        "en": "You have started the questionnaire for “{current}” ({so_far}), and this link opens "
        "the questionnaire for “{linked}”. One person answers only one of the two: which would "
        "you like?",
    },
    "switch_offer_done": {
        "fr": "Vous avez déjà répondu au questionnaire pour « {current} », et ce lien ouvre le "
        "questionnaire pour « {linked} ». Une même personne ne répond qu’à l’un des deux : "
        "lequel voulez-vous ?",
        "en": "You have already answered the questionnaire for “{current}”, and this link opens "
        "the questionnaire for “{linked}”. One person answers only one of the two: which would "
        "you like?",
    },
    "switch_resume": {"fr": "Reprendre « {current} » ▶", "en": "Continue “{current}” ▶"},
    "switch_keep": {"fr": "Garder mes réponses", "en": "Keep my answers"},
    "switch_to": {"fr": "Passer à « {linked} »", "en": "Switch to “{linked}”"},
    "switch_confirm": {
        "fr": "Passer au questionnaire pour « {linked} » efface {erased} : une même personne ne "
        "compte qu’une fois. Confirmez-vous ?",
        "en": "Switching to the questionnaire for “{linked}” erases {erased}: one person counts "
        "once. Are you sure?",
    },
    "switch_erased_one": {
        "fr": "la réponse déjà donnée au questionnaire pour « {current} »",
        "en": "the answer already given to the questionnaire for “{current}”",
    },
    "switch_erased_many": {
        "fr": "les {count} réponses déjà données au questionnaire pour « {current} »",
        "en": "the {count} answers already given to the questionnaire for “{current}”",
    },
    "switch_erased_none": {
        "fr": "votre participation au questionnaire pour « {current} », encore sans réponse",
        "en": "your participation in the questionnaire for “{current}”, with no answer yet",
    },
    "switch_yes": {"fr": "Oui, changer de questionnaire", "en": "Yes, switch questionnaire"},
    "switched": {
        "fr": "C’est fait : vos réponses au questionnaire pour « {current} » sont effacées.",
        "en": "Done: your answers to the questionnaire for “{current}” are erased.",
    },
    "flow_updated": {
        "fr": "Le questionnaire a été mis à jour depuis votre dernière visite. Vos réponses "
        "qui s’y appliquent encore sont conservées ; voici où vous en êtes.",
        "en": "The questionnaire has been updated since your last visit. Your answers that "
        "still apply are kept; here is where you are.",
    },
    "asked_after_update": {
        "fr": "Depuis la mise à jour du questionnaire, cette question attend votre réponse :",
        "en": "Since the questionnaire was updated, this question needs your answer:",
    },
    "nothing_open": {
        "fr": "Aucun questionnaire en cours. Tapez /start pour commencer.",
        "en": "No questionnaire in progress. Type /start to begin.",
    },
    "no_back": {"fr": "Vous êtes à la première question.", "en": "This is the first question."},
    "nothing_to_keep": {
        "fr": "Il n’y a pas encore de réponse à garder : écrivez la vôtre.",
        "en": "There is no earlier answer to keep yet: type yours.",
    },
    # A multiple choice whose help already says several answers are possible: how to
    # answer, without saying it twice (the words below are what such help is found by).
    "tick_then_confirm": {
        "fr": "Cochez vos réponses, puis « Valider ».",
        "en": "Tick your answers, then “Confirm”.",
    },
    "several_said": {"fr": "plusieurs réponses", "en": "several answers"},
    "most_said": {"fr": "({max} au plus)", "en": "(up to {max})"},
    # --- odd input -------------------------------------------------------------------
    "not_text": {
        "fr": "Je ne lis que le texte et les boutons. Merci de répondre à la question ci-dessous.",
        "en": "I can only read text or the buttons. Please answer the question below.",
    },
    "stale": {
        "fr": "Ce bouton n’est plus actif : répondez à la dernière question.",
        "en": "This button is no longer active: please answer the latest question.",
    },
    "stale_selection": {
        "fr": "Vos choix ont changé depuis l’affichage de ce bouton : servez-vous de la "
        "dernière version de la question.",
        "en": "Your choices have changed since this button was shown: please use the latest "
        "copy of the question.",
    },
    "stale_taken": {
        "fr": "Cette réponse est déjà enregistrée.",
        "en": "That answer is already saved.",
    },
    "stale_finished": {
        "fr": "Ce bouton n’est plus actif : le questionnaire est terminé. Pour changer une "
        "réponse, passez par le récapitulatif.",
        "en": "This button is no longer active: the questionnaire is finished. To change an "
        "answer, use the summary.",
    },
    "stale_none_open": {
        "fr": "Ce bouton n’est plus actif : aucune réponse n’est en cours à votre nom "
        "(vos réponses ont été effacées).",
        "en": "This button is no longer active: no response of yours is under way "
        "(your answers were erased).",
    },
    "stale_answer": {
        "fr": "Cette réponse était pour une question qui n’est plus en cours ; voici où "
        "vous en êtes.",
        "en": "That answer was for a question that is no longer waiting; here is where you are.",
    },
    "forged": {"fr": "Ce bouton n’est pas reconnu.", "en": "This button is not recognised."},
    "unknown_command": {
        "fr": "Je ne connais pas cette commande. /help pour l’aide.",
        "en": "I don't know that command. /help for help.",
    },
    # --- language ---------------------------------------------------------------------
    "language_pick": {"fr": "Choisissez votre langue :", "en": "Choose your language:"},
    "language_set": {"fr": "Langue : français.", "en": "Language: English."},
    # --- help -------------------------------------------------------------------------
    # What each command does, for a chat's command menu and the help ("/back : ...").
    "cmd_start": {
        "fr": "Commencer ou reprendre le questionnaire",
        "en": "Start or resume the questionnaire",
    },
    "cmd_back": {
        "fr": "Revenir à la question précédente",
        "en": "Go back to the previous question",
    },
    "cmd_skip": {"fr": "Passer une question facultative", "en": "Skip an optional question"},
    "cmd_restart": {"fr": "Recommencer depuis le début", "en": "Start again from the beginning"},
    "cmd_language": {
        "fr": "Changer de langue (français / anglais)",
        "en": "Change language (French / English)",
    },
    "cmd_mydata": {"fr": "Voir les données me concernant", "en": "See the data stored about me"},
    "cmd_delete": {"fr": "Effacer mes réponses", "en": "Erase my answers"},
    "cmd_help": {"fr": "Aide", "en": "Help"},
    # The same in the help the bot says: "/mydata: see the data stored about you" (the
    # menu's labels are the person's own words, as on a button: "Erase my answers").
    "help_mydata": {
        "fr": "Voir les données vous concernant",
        "en": "See the data stored about you",
    },
    "help_delete": {"fr": "Effacer vos réponses", "en": "Erase your answers"},
    # /language typed when the questionnaire is in one language only.
    "language_only": {
        "fr": "Ce questionnaire n’existe qu’en {name}.",
        "en": "This questionnaire is only in {name}.",
    },
    "saved_as_you_go": {
        "fr": "Vos réponses sont enregistrées au fur et à mesure : vous pouvez vous arrêter "
        "et reprendre plus tard.",
        "en": "Your answers are saved as you go: you can stop and resume later.",
    },
    # --- the respondent's rights ---------------------------------------------------------
    "mydata_intro": {
        "fr": "Voici les données enregistrées vous concernant :",
        "en": "Here is the data stored about you:",
    },
    "mydata_json": {
        "fr": "Toutes vos données, en entier, au format JSON.",
        "en": "All of your data, in full, as JSON.",
    },
    "mydata_none": {
        "fr": "Nous ne conservons aucune réponse de votre part.",
        "en": "We keep no answer from you.",
    },
    "mydata_response": {
        "fr": "• Questionnaire commencé le {started}{at_city} : {status}, {count} (référence {ref})",
        "en": "• Questionnaire started on {started}{at_city}: {status}, {count} (reference {ref})",
    },
    "mydata_response_named": {
        "fr": "• Questionnaire pour « {name} » commencé le {started}{at_city} : {status}, "
        "{count} (référence {ref})",
        "en": "• Questionnaire for “{name}” started on {started}{at_city}: {status}, {count} "
        "(reference {ref})",
    },
    "answers_one": {"fr": "{count} réponse", "en": "{count} answer"},
    "answers_many": {"fr": "{count} réponses", "en": "{count} answers"},
    "mydata_delete_hint": {
        "fr": "Pour tout effacer : /delete",
        "en": "To erase everything: /delete",
    },
    "mydata_file": {"fr": "mes_donnees.json", "en": "my_data.json"},
    "status_in_progress": {"fr": "en cours", "en": "in progress"},
    "status_completed": {"fr": "terminé", "en": "completed"},
    # Closed for the statistics after days without an answer, not for the person: it
    # goes on where it stopped (a person reading "abandoned" would think it lost).
    "status_abandoned": {"fr": "interrompu, à reprendre", "en": "paused, to resume"},
    # Once the questionnaire is closed, nothing is to resume: in progress or paused alike.
    "status_unfinished": {"fr": "non terminé", "en": "unfinished"},
    "delete_confirm": {
        "fr": "Effacer définitivement toutes vos réponses et les données vous concernant ? "
        "Cette action ne peut pas être annulée.",
        "en": "Permanently erase all your answers and the data about you? This cannot be undone.",
    },
    "delete_yes": {"fr": "Oui, tout effacer", "en": "Yes, erase everything"},
    "delete_no": {"fr": "Non, garder mes réponses", "en": "No, keep my answers"},
    # --- the questionnaire closed (SURVEYBOT_CLOSED): conversation/closing.py ------------
    "closed": {
        "fr": "Le questionnaire est clos : il n’est plus possible d’y répondre. Merci à toutes "
        "celles et ceux qui ont répondu !",
        "en": "The questionnaire is closed: answers are no longer taken. Thank you to everyone "
        "who took part!",
    },
    # After it in a chat, where commands are typed: the rights kept (a page has buttons).
    "closed_rights": {
        "fr": "Vos données restent consultables (/mydata) et effaçables (/delete).",
        "en": "Your data can still be seen (/mydata) and erased (/delete).",
    },
    "deleted": {
        "fr": "C’est fait : vos réponses et les données vous concernant ont été effacées. "
        "Merci d’avoir participé.",
        "en": "Done: your answers and the data about you have been erased. "
        "Thank you for taking part.",
    },
    # --- reminders --------------------------------------------------------------------
    "reminder": {
        "fr": "Bonjour ! Votre questionnaire « {title} » n’est pas terminé ({so_far}). "
        "Vos réponses sont enregistrées : vous pouvez reprendre là où vous en étiez.",
        "en": "Hello! Your questionnaire “{title}” is not finished ({so_far}). "
        "Your answers are saved: you can continue where you left off.",
    },
    **END_WORDS,  # the end, and changing an answer
}

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def language_name(code: str) -> str:
    """A language's name within a sentence: "français", "English"."""
    return "français" if code == "fr" else LANGUAGE_NAMES.get(code, code)


class Words:
    """A table of texts, each in French and English, and how to look one up."""

    def __init__(self, table: dict[str, dict[str, str]]) -> None:
        # Typeset once here, so the tables stay readable with plain spaces and a reply never
        # typesets what a person typed into it.
        self.table = typeset_table(table)

    def __call__(self, key: str, lang: str, **values: object) -> str:
        """The text `key` in `lang` (French when unknown), with values filled in."""
        texts = self.table[key]
        return texts.get(lang, texts["fr"]).format(**values)


say = Words(WORDS)
"""The conversation's text `key` in `lang`, with values filled in."""


def answers_count(lang: str, count: int) -> str:
    """ "0 réponse", "1 réponse", "2 réponses" (French counts 0 and 1 singular); "0 answers"."""
    singular = count == 1 or (count == 0 and lang != "en")
    return say("answers_one" if singular else "answers_many", lang, count=count)


def status_said(status: str, lang: str, *, closed: bool = False) -> str:
    """A response's status as its respondent reads it in /mydata ("" if none); once the
    questionnaire is `closed`, one not completed is "unfinished": nothing is to resume."""
    if not status:
        return ""
    return say(
        "status_unfinished" if closed and status != "completed" else f"status_{status}", lang
    )


def day_of(moment: object, lang: str, zone: dt.tzinfo) -> str:
    """An ISO time as the day people write, the day it was in `zone` (the respondents'):
    22:30 UTC on 5 June 2019 is "6 juin 2019" in Paris; as given if it is not one."""
    text = str(moment or "")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return format_day((when.astimezone(zone) if when.tzinfo else when).date(), lang)


def answered_so_far(lang: str, shown: Prompt | None) -> str:
    """ "2 réponses sur 51", "1 réponse sur 51" (French counts 0 and 1 singular), "2 of 51
    answered": how far a response has come, in a resume offer or a reminder."""
    answered, total = (shown.answered, shown.total) if shown else (0, 0)
    if lang == "en":
        return f"{answered} of {total} answered"
    return f"{answered}\u00a0réponse{'s' if answered > 1 else ''} sur {total}"


def _uncapitalised(text: str) -> str:
    return text[:1].lower() + text[1:]


def commands_help(lang: str, commands: Sequence[str] | None = None) -> str:
    """Every command a respondent can type (`commands`, a `Help` screen's; all of
    `HELP_ORDER` when not given), with what it does, for a help screen."""
    from conversation.events import HELP_ORDER

    commands = HELP_ORDER if commands is None else commands
    colon = "\u00a0:" if lang == "fr" else ":"
    # A help line drops the description's first capital only: "(French / English)" keeps its.
    lines = [f"/{name}{colon} {_uncapitalised(_described(name, lang))}" for name in commands]
    return "\n".join(lines) + "\n\n" + say("saved_as_you_go", lang)


def _described(command: str, lang: str) -> str:
    """What a command does, as the help says it: in the bot's voice where the menu's label
    is the person's."""
    key = f"help_{command}"
    return say(key if key in WORDS else f"cmd_{command}", lang)
