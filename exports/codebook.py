"""The codebook: one row per export column, saying what the column holds.

Question texts come in each language of the flow, in its `languages` order (the
bundled tour's `question_fr`, `question_en`; an English-only flow's `question_en`
alone); section titles and choice labels in the export's language. The note
says what an empty cell means, and when the question is shown at all. A
question or choice the current file no longer has is described as the newest
older version kept in the database asked it (`exports.history`); where the
versions held differ on a question of the current file (a condition, its kind, a
scale's points or a number's bounds and unit, or not asking it at all), the note says so
version by version
(`exports.codebook_versions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from exports.codebook_versions import (
    bound,
    describe_condition,
    kind_change_note,
    label_list,
    list_questions,
    not_asked_note,
    range_change_note,
    when_empty,
)
from exports.columns import Column, Role, question_values
from exports.history import FlowHistory
from exports.options import ExportOptions, Layout
from flows import Flow, Kind, Step, answer_labels, choice_labels, unpiped

__all__ = ["codebook_header", "codebook_rows", "describe_condition"]

TIMES: Final = (
    ": ISO 8601 text in CSV (2019-06-05T09:12:44Z), a date-time cell in the workbook "
    "(2019-06-05 09:12:44 UTC)"
)
META_NOTES: Final = {
    "response_key": "Pseudonymous random key of the response: not the Telegram id or name. "
    "Unique per response; the same person answering twice has two keys.",
    "stage_code": "Code of the stage the respondent came from (an entry of the stages file: "
    "a workshop, a fair, an open day), carried by the invitation link; empty when the "
    "response is not tagged with a stage.",
    "stage_city": "City of the stage.",
    "stage_region": "Region of the stage, as the stages file gives it (its `region:`); "
    "empty when the response is not tagged with a stage or its stage has no region.",
    "stage_territory": "Territory of the stage, as the stages file gives it (its "
    "`territory:`, an industrial territory grouping several towns); empty when the response "
    "is not tagged with a stage or its stage has none.",
    "stage_date": "Day of the stage (its workshop), YYYY-MM-DD, as the stages file gives it "
    "(its `date:`); empty when the response is not tagged with a stage or its stage has none.",
    "channel": "The channel the respondent answered on: telegram, web, or terminal (a rehearsal).",
    "flow_id": "Id of the questionnaire (flow file). Two questionnaires may share a question "
    "id with another meaning: keep flow_id beside it when their files are put together.",
    "flow_version": "Version of the questionnaire the response was given on; answers of "
    "different versions are merged by question id.",
    "language": "Language the questionnaire was answered in.",
    "status": "Where the response is in its life. An unfinished one (in_progress, abandoned) "
    "leaves empty the questions it did not reach.",
    "started_at": "When the respondent started (or last started over), in UTC" + TIMES + ".",
    "completed_at": "When the respondent finished, in UTC" + TIMES + "; empty if not finished.",
    "duration_seconds": "completed_at minus started_at, in whole seconds. Includes pauses: "
    "respondents can stop and resume days later. Empty if not finished.",
    "question_id": "The question: its rows below describe its values.",
    "value": "The answer, coded as the row of its question_id below says: a choice's code "
    "(its label with --labels); for a multiple choice, the codes selected, joined by ';' in "
    "the order they were picked; for a ranking, the codes ranked, joined by ';' in rank order "
    "(first = rank 1); a number as a number (decimal comma with --excel); a text as typed. "
    "Empty when status is skipped; a question not shown to the respondent has no row.",
    "other_text": "Free text typed after choosing 'Other, please specify' (value then holds "
    "the code 'other', or its label with --labels); empty otherwise.",
    "answered_at": "When the answer was given (last changed), in UTC"
    + TIMES
    + "; empty when status is skipped (a skip is not stored with a time).",
    "response_status": "Where the row's response is in its life, repeated on each of its rows: "
    "what the wide layout calls status (here, status is the answer's). To keep finished "
    "responses only, keep the rows with response_status completed.",
    "answer_flow_version": "Version of the questionnaire the answer was given on (a skipped "
    "question: the response's). Older than the response's when the response, unfinished, "
    "was carried over to a newer version with that answer kept. Where a question's notes "
    "say that versions asked it differently, read value with this column.",
}
LONG_STATUS_NOTE: Final = (
    "Whether the question was answered or skipped: the answer's status, not the response's "
    "(that is response_status, which the wide layout calls status)."
)
STATUS_CODES: Final = (
    "completed=finished the questionnaire; in_progress=started, not finished; abandoned=given up"
)
LONG_STATUS_CODES: Final = (
    "answered=the question was answered; skipped=an optional question the respondent chose "
    "to skip (questions not shown to the respondent have no row)"
)
PERSONAL_NOTE: Final = (
    "PERSONAL DATA: the answer can identify the respondent (the flow marks it personal); "
    "exported only when asked (--include-personal)."
)
UNMARKED_EMAIL_NOTE: Final = (
    "E-mail address: personal data, yet the flow does not mark it personal: "
    "add 'personal: true' to leave it out of exports."
)
PIPED_NOTE: Final = (
    "Personalised: each respondent saw an earlier answer of theirs (a company name, say) "
    "where this text has the questionnaire's default wording."
)
FLAG_CODES: Final = "0=not selected; 1=selected"
CHANNEL_CODES: Final = (
    "telegram=the Telegram bot; web=the web chat in a browser; "
    "terminal=the terminal chat (a rehearsal)"
)


def codebook_header(flow: Flow) -> list[str]:
    """The codebook's columns: the question's text in each of the flow's languages, in the
    order its `languages` lists them (`question_fr`, `question_en`)."""
    texts = [f"question_{lang}" for lang in flow.languages]
    return ["column", "question_id", "section", *texts, "kind", "codes_and_labels", "note"]


def codebook_rows(
    flow: Flow,
    columns: Sequence[Column],
    options: ExportOptions,
    history: FlowHistory | None = None,
    questions: Sequence[Column] | None = None,
) -> list[list[str]]:
    """One row per column of the export (per question, for the long layout's value).

    `history` holds the older versions kept, for their questions and choices;
    `questions`, the long layout's values (`question_values`: older versions'
    questions with answers too), else the current file's.
    """
    history = history or FlowHistory(flow)
    lang = options.language(flow)
    languages = list(flow.languages)  # as `codebook_header` names their columns
    rows = [
        # An older question's texts, section and conditions are its own version's.
        _row(column.source or flow, column, lang, languages, options, history)
        for column in columns
    ]
    if options.layout is Layout.LONG:
        if questions is None:
            questions = question_values(flow, [], options, history)
        for value in questions:
            rows.append(_row(value.source or flow, value, lang, languages, options, history))
    return rows


def _row(
    flow: Flow,
    column: Column,
    lang: str,
    languages: list[str],
    options: ExportOptions,
    history: FlowHistory,
) -> list[str]:
    step = column.step
    asked = [flow.text(step.text, language) if step else "" for language in languages]
    # A piped name ({company_name|votre entreprise}) as a respondent without one read it.
    texts = [unpiped(text) for text in asked]
    section = flow.text(flow.section_of(step.id).title, lang) if step else ""
    if column.question_id is None:  # a column of the layout, not of one question
        codes = ""
        if column.name == "status":
            long = options.layout is Layout.LONG
            codes = LONG_STATUS_CODES if long else STATUS_CODES
        elif column.name == "response_status":
            codes = STATUS_CODES
        elif column.name == "channel":
            codes = CHANNEL_CODES
        note = META_NOTES.get(column.name, "")
        if options.layout is Layout.LONG and column.name == "status":
            note = LONG_STATUS_NOTE
        return [column.name, "", "", *texts, "metadata", codes, note]
    # An "Other, please specify" column holds the text typed, whatever its question's kind.
    kind = (
        str(Kind.TEXT) if column.role is Role.OTHER_TEXT else str(step.type) if step else "unknown"
    )
    codes, note = _describe(flow, column, step, lang, options, history)
    if texts != asked:
        note = f"{note} {PIPED_NOTE}".strip()
    return [column.name, column.question_id or "", section, *texts, kind, codes, note]


def _describe(
    flow: Flow,
    column: Column,
    step: Step | None,
    lang: str,
    options: ExportOptions,
    history: FlowHistory,
) -> tuple[str, str]:
    """(codes_and_labels, note) for a question's column: what its cells hold, then what
    the flow versions held say of it, then when it is empty."""
    if step is None:
        return "", _not_in_file(column)
    notes = [_older_question(column, history.current)] if column.source is not None else []
    codes, said = _cells(flow, column, step, lang, options, history)
    notes += said
    if column.role is not Role.OTHER_TEXT:  # a kind changed under the same id
        holds = column.role not in (Role.OPTION, Role.RANK)
        notes.append(kind_change_note(history, step, lang, holds_answer=holds))
        notes.append(range_change_note(history, step, lang))  # a scale's 4 of 5, then of 10
    long = options.layout is Layout.LONG
    if column.source is None:  # a question of the current file, perhaps not of older ones
        notes.append(not_asked_note(history, step.id, long=long))
    notes.append(when_empty(history, flow, step, long=long))
    if step.personal:
        notes.append(PERSONAL_NOTE)
    return codes, " ".join(note for note in notes if note)


def _not_in_file(column: Column) -> str:
    """The note of a question the current flow file no longer has: its values as stored."""
    seen = column.seen
    versions = ", ".join(str(v) for v in seen.flow_versions) if seen else "?"
    notes = [
        f"Not in the current flow file; answered on flow version {versions}. "
        "Values as stored (several codes joined by ';')."
    ]
    if column.role is Role.OTHER_TEXT:
        notes = ["Free text of 'Other, please specify'.", *notes]
    return " ".join(notes)


def _cells(
    flow: Flow,
    column: Column,
    step: Step,
    lang: str,
    options: ExportOptions,
    history: FlowHistory,
) -> tuple[str, list[str]]:
    """What the column's cells hold, by its role and its question's kind: (codes, notes)."""
    # Choices removed since keep their labels: the current file's first, then older ones.
    pairs = history.pairs(step.id, lang) or answer_labels(flow, step, lang)
    labels = dict(pairs)
    older = history.older_codes(step.id, lang) if column.source is None else []
    code = column.code or ""
    if column.role is Role.OPTION:
        notes = [
            f"1 if '{labels.get(code, code)}' ({code}) was selected, 0 if not.",
            _not_offered_note(flow, step.id, code, history),
            _version_note(step.id, code, history),
        ]
        if code in older or code not in labels:
            notes.append("A choice of an older version of the flow.")
        return FLAG_CODES, notes
    if column.role is Role.RANK:
        needed = getattr(step, "needed", len(pairs))
        notes = [f"Rank given to '{labels.get(code, code)}' ({code})."]
        if needed < len(pairs):
            notes.append(f"Only the first {needed} are ranked: empty if this one was not.")
        return f"1..{needed}=rank given, 1 = first", notes
    if column.role is Role.OTHER_TEXT:
        return "", [f"Free text typed after choosing '{labels.get('other', 'Other')}'."]
    if column.role is Role.JOINED:
        what = "labels" if options.labels else "codes"
        return label_list(pairs), [
            f"The selected {what}, joined by ';', in the order they were picked."
        ]
    return _answer_cells(flow, step, lang, options, pairs, older)


def _answer_cells(
    flow: Flow,
    step: Step,
    lang: str,
    options: ExportOptions,
    pairs: Sequence[tuple[str, str]],
    older: Sequence[str],
) -> tuple[str, list[str]]:
    """The cells of a column holding the answer itself, by its question's kind."""
    if step.type == Kind.SCALE:
        said = ["Numbers as they are; 'don't know' as its label."] if options.labels else []
        return _scale_codes(flow, step, lang), said
    if step.type == Kind.NUMBER:
        return "", [_number_note(flow, step, lang)]
    if pairs:
        notes = ["Cells hold the labels."] if options.labels else []
        if step.type == Kind.CODE and not options.labels:
            notes.append(_code_note([code for code, _ in pairs]))
        if source := getattr(step, "source", None):  # where a code question's list comes from
            notes.append(f"List: {source.rstrip('.')}.")
        if options.layout is Layout.LONG:
            notes.append(_long_value_note(step))
        if older:
            notes.append(f"Only older versions of the flow offered: {', '.join(older)}.")
        return label_list(pairs), notes
    if step.type == Kind.EMAIL:
        return "", ["E-mail address." if step.personal else UNMARKED_EMAIL_NOTE]
    limit = getattr(step, "limit", None)
    return "", [f"Free text (at most {limit} characters)." if limit else "Free text."]


def _not_offered_note(flow: Flow, question_id: str, code: str, history: FlowHistory) -> str:
    """When a choice is not offered (`except_chosen_in`): its cell is then empty, not 0."""
    rules = history.left_out.get(question_id, {})
    named = sorted({rule.named for rule in rules.values() if code in rule.codes})
    if not named:
        return ""
    versions = sorted(v for v, rule in rules.items() if code in rule.codes)
    lists = list_questions(flow)
    when = " or ".join(f"{q} {'includes' if q in lists else '='} {code}" for q in named)
    later = " or ".join(named)
    on = ""
    if versions != sorted(history.asking_versions(question_id)):
        on = f" On flow version{'s' if len(versions) > 1 else ''} {', '.join(map(str, versions))}:"
    return (
        f"{on} Empty (not 0) when {when}: this choice was then not offered, the question "
        f"leaving out what was chosen in {later} (1 if it was ticked here before {later} "
        "was changed to it)."
    ).strip()


def _version_note(question_id: str, code: str, history: FlowHistory) -> str:
    """The versions held that did not have this choice (added or removed since): empty,
    not 0, on their responses."""
    versions = history.not_offering(question_id, code)
    if not versions:
        return ""
    on = f"version{'s' if len(versions) > 1 else ''} {', '.join(map(str, versions))}"
    return f"Empty (not 0) on flow {on}: this choice was not offered then."


def _older_question(column: Column, current: Flow) -> str:
    source = column.source
    seen = column.seen
    asked = ", ".join(str(v) for v in seen.flow_versions) if seen else "?"
    version = source.version if source else "?"
    return (
        f"Not in the current flow file (version {current.version}); answered on flow "
        f"version {asked}. Text, kind and conditions as version {version} asked it."
    )


def _scale_codes(flow: Flow, step: Step, lang: str) -> str:
    low, high = int(getattr(step, "min", 1)), int(getattr(step, "max", 5))
    ends = {low: getattr(step, "min_label", None), high: getattr(step, "max_label", None)}
    parts: list[tuple[str, str | None]] = []
    for n in range(low, high + 1):
        label = ends.get(n)
        parts.append((str(n), flow.text(label, lang) if label else None))
    # Past the numbers, the "don't know" answer, when the scale offers one.
    parts += [(c, label) for c, label in choice_labels(flow, step, lang) if not c.isdigit()]
    return label_list(parts)


def _number_note(flow: Flow, step: Step, lang: str) -> str:
    parts = ["Whole number." if getattr(step, "integer", True) else "Number (decimals allowed)."]
    unit = getattr(step, "unit", None)
    if unit:
        parts.append(f"Unit: {flow.text(unit, lang)}.")
    low, high = getattr(step, "min", None), getattr(step, "max", None)
    if low is not None or high is not None:
        parts.append(f"Range: {bound(low, '-inf')} to {bound(high, '+inf')}.")
    return " ".join(parts)


def _code_note(codes: Sequence[str]) -> str:
    """A warning for codes that look like numbers: a reader guessing types drops their zeros."""
    zero_led = next((c for c in codes if c[:1] == "0" and c.isdigit()), None)
    if zero_led is None:
        return "Codes are text: read this column as text."
    return (
        f"Codes are text: read this column as text, or {zero_led} becomes "
        f"{int(zero_led)} (Excel does so when it opens a CSV file; the workbook, --xlsx, "
        f"keeps {zero_led})."
    )


def _long_value_note(step: Step) -> str:
    """How the long layout's value codes a choice question with several codes, or "other"."""
    parts = []
    if step.type == Kind.MULTIPLE_CHOICE:
        parts.append("The codes selected, joined by ';' in the order they were picked.")
    elif step.type == Kind.RANKING:
        needed = getattr(step, "needed", None)
        parts.append("The codes ranked, joined by ';' in rank order (first = rank 1).")
        if needed is not None:
            parts.append(f"Only the first {needed} are ranked.")
    if getattr(step, "other", False):
        parts.append("The text typed after 'other' is in other_text.")
    return " ".join(parts)
