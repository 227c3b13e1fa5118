"""Statistics against a database of known content (see `survey.RESPONDENTS`).

Counted by hand from the scripts:

| who | stage        | channel  | flow  | status      | minutes | reached                         | answered                  |
| --- | ------------ | -------- | ----- | ----------- | ------- | ------------------------------- | ------------------------- |
| r1  | pithiviers   | telegram | tour  | completed   | 10      | size exports markets comment    | size exports markets comment |
| r2  | pithiviers   | telegram | tour  | completed   | 20      | size exports comment            | size exports              |
| r3  | pithiviers   | web      | tour  | in progress |         | size exports markets            | size exports              |
| r4  | EVREUX       | telegram | tour  | completed   | 30      | size exports comment            | size exports comment      |
| r5  | evreux       | web      | tour  | abandoned   |         | size (went back from exports)   | size                      |
| r6  | -            | terminal | tour  | in progress |         | (the welcome only)              |                           |
| r7  | old-stage    | telegram | tour  | completed   | 40      | size exports markets comment    | size exports markets      |
| r8  | pithiviers   | telegram | other | in progress |         |                                 |                           |
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from exports import export_csv
from flows import Flow, StageDef
from flows.model import Compare
from organiser import (
    QuestionReach,
    StageCounts,
    Stats,
    compute_stats,
    render_dropoff_table,
    render_stage_table,
)
from storage import Channel, Response, ResponseStatus, Store
from tests.organiser.survey import (
    ACK,
    BACK,
    JULY_4,
    SKIP,
    Script,
    at,
    fill,
    revises,
    says,
    stats_of,
)


def row(stats: Stats, code: str | None) -> StageCounts:
    (found,) = [r for r in stats.stages if r.code == code]
    return found


def reach(stats: Stats) -> dict[str, tuple[int, int]]:
    return {q.question_id: (q.reached, q.answered) for q in stats.questions}


async def test_counts_per_stage(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    # Stages of the file first, in its order, even without responses; then the rest.
    assert [r.code for r in stats.stages] == [
        "pithiviers",
        "evreux",
        "Saint-Remy_2",
        "vitre",
        "old-stage",
        None,
    ]
    assert row(stats, "pithiviers") == StageCounts(
        code="pithiviers",
        city="Pithiviers",
        example=False,
        started=4,
        completed=2,
        abandoned=0,
        median_minutes=15.0,
        started_today=0,
        completed_today=0,
        by_channel={"telegram": 3, "web": 1},
    )
    # "EVREUX" as typed counts for evreux; r4 started on the 3rd (UTC) and completed on the 4th.
    assert row(stats, "evreux") == StageCounts(
        "evreux", "Évreux", True, 2, 1, 1, 30.0, 1, 1, {"telegram": 1, "web": 1}
    )
    assert row(stats, "vitre") == StageCounts("vitre", "Vitré", False, 0, 0, 0, None, 0, 0, {})
    assert row(stats, "old-stage") == StageCounts(
        "old-stage", None, False, 1, 1, 0, 40.0, 1, 1, {"telegram": 1}, unlisted=True
    )
    assert row(stats, None) == StageCounts(None, None, False, 1, 0, 0, None, 1, 0, {"terminal": 1})
    assert row(stats, "pithiviers").completion_rate == 50.0
    assert row(stats, "vitre").completion_rate is None


async def test_total_is_over_responses_not_over_stages(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    # The median of all four durations (10, 20, 30, 40), not a median of medians.
    assert stats.total == StageCounts(
        None, None, False, 8, 4, 1, 25.0, 3, 2, {"telegram": 5, "web": 2, "terminal": 1}
    )
    assert stats.total.completion_rate == 50.0


async def test_today_is_a_day_in_the_time_zone_given(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    # 23:50 UTC on the 3rd is 01:50 on the 4th in Paris: r4 started "today" there.
    paris = await stats_of(
        survey_db, tour_flow, tour_stages, today=JULY_4, tz=ZoneInfo("Europe/Paris")
    )
    assert (row(paris, "evreux").started_today, row(paris, "evreux").completed_today) == (2, 1)
    june_5 = await stats_of(survey_db, tour_flow, tour_stages, today=dt.date(2019, 6, 5))
    # r1, r2, r3 and r8 started that day; r1 and r2 completed.
    assert (row(june_5, "pithiviers").started_today, row(june_5, "pithiviers").completed_today) == (
        4,
        2,
    )
    assert (june_5.total.started_today, june_5.total.completed_today) == (4, 2)


async def test_dropoff_per_question(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    # r8 answered another flow: 7 responses to this one.
    assert stats.flow_started == 7
    # In the flow's order; the information step has no place here.
    assert stats.questions == (
        QuestionReach("size", "Effectif ?", 6, 6),
        QuestionReach("exports", "Exportez-vous ?", 5, 5),
        QuestionReach("markets", "Marchés ?", 3, 2, conditional=True),
        QuestionReach("comment", "Un mot sur votre entreprise ?", 4, 2, optional=True),
    )
    assert stats.percent(6) == 600 / 7


async def test_one_stage(survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, stage_code="PITHIVIERS")
    assert stats.stage_code == "pithiviers"
    assert [r.code for r in stats.stages] == ["pithiviers"]
    assert stats.total == StageCounts(
        None, None, False, 4, 2, 0, 15.0, 0, 0, {"telegram": 3, "web": 1}
    )
    assert stats.channels == ("telegram", "web")
    assert stats.flow_started == 3
    assert reach(stats) == {
        "size": (3, 3),
        "exports": (3, 3),
        "markets": (2, 1),
        "comment": (2, 1),
    }
    evreux = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, stage_code="evreux")
    assert reach(evreux) == {
        "size": (2, 2),
        "exports": (1, 1),
        "markets": (0, 0),
        "comment": (1, 1),
    }


async def test_a_stage_that_is_only_in_the_data(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, stage_code="old-stage")
    assert [r.code for r in stats.stages] == ["old-stage"]
    assert stats.total.started == 1
    none = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, stage_code="nowhere")
    assert [(r.code, r.started) for r in none.stages] == [("nowhere", 0)]
    assert none.flow_started == 0 and none.percent(0) is None
    assert all(q.reached == q.answered == 0 for q in none.questions)


async def test_english_question_texts(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, lang="en")
    assert [q.text for q in stats.questions][-1] == "A word about your company?"


async def test_a_question_hidden_by_a_change_of_branch_no_longer_counts(
    tmp_path: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    # Says yes, picks a market, goes back twice and says no: `markets` is hidden again.
    script = Script(
        "u1",
        "vitre",
        at("2019-07-04 08:00"),
        (ACK, says("small"), says("yes"), says(["eu"]), BACK, BACK, says("no"), SKIP),
    )
    path = tmp_path / "branch.sqlite3"
    await fill(path, tour_flow, [script])
    store = await Store.open(path, readonly=True)
    try:
        (response,) = await store.list_responses()
        assert await store.answered_question_ids() == {response.id: frozenset({"size", "exports"})}
        # The engine keeps the hidden answer as a default; it must not count.
        assert "markets" in json.loads(response.state_json)["answers"]
    finally:
        await store.close()
    stats = await stats_of(path, tour_flow, tour_stages, today=JULY_4)
    assert reach(stats) == {
        "size": (1, 1),
        "exports": (1, 1),
        "markets": (0, 0),
        "comment": (1, 0),
    }
    assert row(stats, "vitre") == StageCounts(
        "vitre", "Vitré", False, 1, 1, 0, 8.0, 1, 1, {"telegram": 1}
    )


async def test_a_question_an_answer_changed_from_the_summary_hides_is_not_reached(
    tmp_path: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    # Finishes as an exporter (markets answered), then changes `exports` to no from the
    # summary: `markets` stays in the engine's history, but no longer applies.
    changed = Script(
        "u1",
        "vitre",
        at("2019-07-04 08:00"),
        (
            ACK,
            says("small"),
            says("yes"),
            says(["eu"]),
            says("Bien"),
            revises("exports"),
            says("no"),
        ),
    )
    kept = Script(
        "u2",
        "vitre",
        at("2019-07-04 09:00"),
        (ACK, says("large"), says("yes"), says(["asia"]), SKIP),
    )
    path = tmp_path / "revised.sqlite3"
    await fill(path, tour_flow, [changed, kept])
    store = await Store.open(path, readonly=True)
    try:
        first, _ = sorted(await store.list_responses(), key=lambda r: r.id)
        assert first.status is ResponseStatus.COMPLETED
        assert "markets" in json.loads(first.state_json)["history"]
    finally:
        await store.close()

    stats = await stats_of(path, tour_flow, tour_stages, today=JULY_4, stage_code="vitre")
    # Only u2 reached `markets`, and answered it: 50% and 50% of started, not 100% and 50%.
    assert reach(stats) == {
        "size": (2, 2),
        "exports": (2, 2),
        "markets": (1, 1),
        "comment": (2, 1),
    }
    table = render_dropoff_table(stats)
    (markets,) = [line for line in table.splitlines() if " markets * " in line]
    assert markets.split()[-4:] == ["1", "50%", "1", "50%"]

    # The export agrees: u1's markets are empty, as for a question not shown.
    exported = pd.read_csv(io.BytesIO(export_csv(path, tour_flow).data), dtype=str)
    by_exports = exported.set_index("exports")
    assert by_exports.loc["no", ["markets__eu", "markets__asia"]].isna().all()
    assert by_exports.loc["yes", "markets__asia"] == "1"


def response(
    number: int,
    *,
    started: str,
    completed: str | None = None,
    stage: str | None = "pithiviers",
    status: ResponseStatus | None = None,
    state: str = '{"current": null, "history": []}',
    current: str | None = None,
) -> Response:
    """A response as storage returns it, for the pure function."""
    done = at(completed) if completed else None
    return Response(
        id=number,
        key=f"k{number}",
        respondent_id=number,
        flow_id="tour",
        flow_version=1,
        stage_code=stage,
        language="fr",
        status=status or (ResponseStatus.COMPLETED if done else ResponseStatus.IN_PROGRESS),
        state_json=state,
        current_step=current,
        started_at=at(started),
        updated_at=done or at(started),
        completed_at=done,
    )


def test_median_not_mean(tour_flow: Flow, tour_stages: list[StageDef]) -> None:
    durations = [
        response(1, started="2019-06-05 08:00", completed="2019-06-05 08:10"),
        response(2, started="2019-06-05 08:00", completed="2019-06-05 08:20"),
        response(3, started="2019-06-05 08:00", completed="2019-06-05 09:00"),
        response(4, started="2019-06-05 08:00"),
    ]
    stats = compute_stats(durations, {}, flow=tour_flow, stages=tour_stages, today=JULY_4)
    assert row(stats, "pithiviers").median_minutes == 20.0
    assert row(stats, "pithiviers").completion_rate == 75.0


def test_a_state_the_engine_cannot_read_still_counts_its_current_step(
    tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    odd = [
        response(1, started="2019-06-05 08:00", state="not json", current="size"),
        response(2, started="2019-06-05 08:00", state="[]", current="exports"),
        response(
            3, started="2019-06-05 08:00", state='{"history": ["size", 7]}', current="markets"
        ),
    ]
    stats = compute_stats(odd, {}, flow=tour_flow, stages=tour_stages, today=JULY_4)
    assert reach(stats) == {"size": (2, 0), "exports": (1, 0), "markets": (1, 0), "comment": (0, 0)}


def test_codes_not_in_the_stages_file_are_grouped_whatever_their_case(
    tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    at_eight = "2019-06-05 08:00"
    typed = ["Old-Stage", "zoo", "old-stage", None, "PITHIVIERS", "Aube", ""]
    responses = [response(n, started=at_eight, stage=code) for n, code in enumerate(typed, 1)]
    stats = compute_stats(responses, {}, flow=tour_flow, stages=tour_stages, today=JULY_4)
    # The file's stages as the file spells them, then the rest sorted, under the first
    # spelling met; an empty code counts as no stage.
    codes = [(r.code, r.started) for r in stats.stages]
    assert codes[0] == ("pithiviers", 1)
    assert codes[len(tour_stages) :] == [("Aube", 1), ("Old-Stage", 2), ("zoo", 1), (None, 2)]
    one = compute_stats(
        responses, {}, flow=tour_flow, stages=tour_stages, today=JULY_4, stage_code="OLD-STAGE"
    )
    assert [(r.code, r.started) for r in one.stages] == [("Old-Stage", 2)]
    assert one.stage_code == "OLD-STAGE" and one.stage_label is None


def test_empty_database_gives_zeros(tour_flow: Flow, tour_stages: list[StageDef]) -> None:
    stats = compute_stats([], {}, flow=tour_flow, stages=tour_stages, today=JULY_4)
    assert [r.started for r in stats.stages] == [0, 0, 0, 0]
    assert stats.total.median_minutes is None and stats.total.completion_rate is None
    assert "0 started" in render_dropoff_table(stats)


# --- rendering --------------------------------------------------------------------


async def test_stage_table_reads_like_the_numbers(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    lines = render_stage_table(stats, all_stages=True).splitlines()
    assert lines[0].split() == [
        "stage",
        "city",
        "started",
        "telegram",
        "web",
        "terminal",
        "completed",
        "abandoned",
        "rate",
        "median",
        "today",
    ]
    assert lines[2].split() == [
        "pithiviers",
        "Pithiviers",
        "4",
        "3",
        "1",
        "0",
        "2",
        "0",
        "50.0%",
        "15.0",
        "min",
        "0",
        "/",
        "0",
    ]
    assert "Évreux (example)" in lines[3]
    assert lines[5].split() == [
        "vitre",
        "Vitré",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "-",
        "-",
        "0",
        "/",
        "0",
    ]
    assert "(not in the stages file)" in lines[6]
    assert lines[7].split() == [
        "(no",
        "stage)",
        "1",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0.0%",
        "-",
        "1",
        "/",
        "0",
    ]
    assert lines[8].split() == [
        "TOTAL",
        "8",
        "5",
        "2",
        "1",
        "4",
        "1",
        "50.0%",
        "25.0",
        "min",
        "3",
        "/",
        "2",
    ]
    assert "2019-07-04" in lines[9]
    assert lines[10].startswith("abandoned: ")
    assert lines[11] == (
        "telegram, web, terminal: started on that channel (terminal: rehearsals in the terminal chat)"
    )
    # Columns line up: every number column ends where its header does.
    for header, column in (("started", "4208"), ("web", "1102")):
        end = lines[0].index(header) + len(header)
        assert "".join(line[end - 1] for line in (lines[2], lines[3], lines[5], lines[8])) == column


async def test_stage_table_shows_only_the_channels_used(
    tmp_path: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    path = tmp_path / "telegram.sqlite3"
    await fill(path, tour_flow, [Script("u1", "vitre", at("2019-07-04 08:00"), (ACK,))])
    stats = await stats_of(path, tour_flow, tour_stages, today=JULY_4)
    assert stats.channels == ("telegram",)
    lines = render_stage_table(stats).splitlines()
    assert lines[0].split()[2:4] == ["started", "telegram"]
    assert lines[-1] == "telegram: started on that channel"
    # A stage with only web responses, read alone: the other channels are no columns.
    web = tmp_path / "web.sqlite3"
    await fill(
        web,
        tour_flow,
        [
            Script("u1", "vitre", at("2019-07-04 08:00"), (ACK,), channel=Channel.WEB),
            Script("u2", "pithiviers", at("2019-07-04 08:00"), (ACK,)),
        ],
    )
    vitre = await stats_of(web, tour_flow, tour_stages, today=JULY_4, stage_code="vitre")
    assert vitre.channels == ("web",) and vitre.total.started_on("web") == 1
    assert vitre.total.started_on("telegram") == 0
    assert render_stage_table(vitre).splitlines()[0].split()[2:5] == ["started", "web", "completed"]


def test_without_channels_the_table_is_as_before(
    tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    """`compute_stats` called without the channels (older callers): no channel columns."""
    stats = compute_stats(
        [response(1, started="2019-06-05 08:00")],
        {},
        flow=tour_flow,
        stages=tour_stages,
        today=JULY_4,
    )
    assert stats.channels == () and row(stats, "pithiviers").by_channel == {}
    lines = render_stage_table(stats).splitlines()
    assert lines[0].split() == [
        "stage",
        "city",
        "started",
        "completed",
        "abandoned",
        "rate",
        "median",
        "today",
    ]
    assert lines[-2].startswith("rate: ") and lines[-1].startswith("abandoned: ")


def test_channels_come_in_a_fixed_order_and_an_erased_respondent_in_none(
    tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    responses = [response(n, started="2019-06-05 08:00") for n in range(1, 6)]
    # Respondent 5 was erased between the two reads: counted as started, in no channel.
    channels = {1: "terminal", 2: "web", 3: "telegram", 4: "sms"}
    stats = compute_stats(
        responses, {}, channels=channels, flow=tour_flow, stages=tour_stages, today=JULY_4
    )
    assert stats.channels == ("telegram", "web", "terminal", "sms")
    assert dict(stats.total.by_channel) == {"telegram": 1, "web": 1, "terminal": 1, "sms": 1}
    assert stats.total.started == 5


async def test_dropoff_table(survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    lines = render_dropoff_table(stats).splitlines()
    assert lines[0] == "Drop-off, flow tour: 7 started"
    body = [line.split() for line in lines[3:7]]
    assert body[0] == ["1", "size", "Effectif", "?", "6", "86%", "6", "86%"]
    # Asked only to those who export: marked, and the mark explained under the table.
    assert body[2] == ["3", "markets", "*", "Marchés", "?", "3", "43%", "2", "29%"]
    assert body[3][-4:] == ["4", "57%", "2", "29%"] and "*" not in body[3]
    # Optional: its skips are no drop-off, and the table says so (found in an organiser's
    # review: a finished respondent's skip read as a 100 % drop on the debriefing slide).
    assert body[3][:3] == ["4", "comment", "°"]
    assert "°" not in " ".join(body[0] + body[2])
    assert lines[-2:] == [
        "*: asked only when earlier answers call for it: fewer reach it by design",
        '°: optional: reached and not answered is a skip ("passer"), not drop-off',
    ]
    short = render_dropoff_table(stats, text_width=10).splitlines()
    assert "Un mot su…" in short[6]
    one = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4, stage_code="evreux")
    title = render_dropoff_table(one).splitlines()[0]
    assert title == "Drop-off, flow tour, stage evreux: 2 started"


def test_a_response_on_an_older_version_is_judged_by_its_own_path(tour_flow: Flow) -> None:
    """A `show_if` added in a later version must not unreach what was answered before it."""
    steps = [s.id for s in tour_flow.steps()]
    asked, later = steps[1], steps[2]  # the first question after the welcome, and the next
    section = next(sec for sec in tour_flow.sections if any(s.id == later for s in sec.steps))
    hidden = Compare(question=asked, equals="not-a-code")
    changed = [
        s.model_copy(update={"show_if": hidden}) if s.id == later else s for s in section.steps
    ]
    v2 = tour_flow.model_copy(
        update={
            "version": tour_flow.version + 1,
            "sections": [
                sec.model_copy(update={"steps": changed}) if sec is section else sec
                for sec in tour_flow.sections
            ],
        }
    )
    state = {"current": steps[3], "answers": {asked: "small", later: "yes"}, "history": steps[:3]}
    now = dt.datetime(2019, 6, 5, tzinfo=dt.UTC)
    old = Response(
        1, "k", 1, tour_flow.id, tour_flow.version, None, "fr",
        ResponseStatus.IN_PROGRESS, json.dumps(state), steps[3], now, now, None,
    )  # fmt: skip
    stats = compute_stats(
        [old], {1: frozenset({asked, later})}, flow=v2, stages=[], today=now.date()
    )
    reached = {q.question_id: (q.reached, q.answered) for q in stats.questions}
    assert reached[later] == (1, 1)


# --- abandoned ----------------------------------------------------------------------


async def test_abandoned_responses_are_counted_apart(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    """r5 was closed as abandoned at Évreux: started = completed + abandoned + in progress."""
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    assert (row(stats, "evreux").abandoned, row(stats, "evreux").in_progress) == (1, 0)
    assert (row(stats, "pithiviers").abandoned, row(stats, "pithiviers").in_progress) == (0, 2)
    assert (stats.total.abandoned, stats.total.in_progress) == (1, 3)
    for counts in (*stats.stages, stats.total):
        assert counts.started == counts.completed + counts.abandoned + counts.in_progress


async def test_stage_table_has_an_abandoned_column_and_says_what_it_means(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    lines = render_stage_table(stats, abandon_after_days=30, all_stages=True).splitlines()
    headers = lines[0].split()
    assert headers[headers.index("completed") + 1] == "abandoned"
    evreux = lines[3].split()
    assert evreux[0] == "evreux" and evreux[headers.index("abandoned") + 1] == "1"
    assert lines[8].split()[:7] == ["TOTAL", "8", "5", "2", "1", "4", "1"]
    assert (
        "abandoned: unfinished and untouched for 30 days (SURVEYBOT_ABANDON_AFTER_DAYS), "
        "closed by the bot; started = completed + abandoned + in progress"
    ) in lines
    # Not told the setting: its name and default instead of a figure it cannot know.
    unknown = render_stage_table(stats)
    assert "untouched for SURVEYBOT_ABANDON_AFTER_DAYS days (14 by default)" in unknown
    off = render_stage_table(stats, abandon_after_days=0)
    assert "SURVEYBOT_ABANDON_AFTER_DAYS=0: it closes none now" in off
    assert "untouched for 1.5 days" in render_stage_table(stats, abandon_after_days=1.5)


# --- stages without responses ---------------------------------------------------------


async def test_stages_without_responses_are_folded_into_one_line_under_the_table(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    """Forty workshops and a few responses: a row for those that have some, one line for
    the others, as Telegram's /stats says them; `all_stages` keeps every row."""
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    lines = render_stage_table(stats).splitlines()
    total = next(i for i, line in enumerate(lines) if line.startswith("TOTAL"))
    codes = [line.split()[0] for line in lines[2:total]]
    assert codes == ["pithiviers", "evreux", "old-stage", "(no"]
    assert lines[total + 1] == "no responses yet (2): Saint-Remy_2, vitre"
    assert lines[total + 2].startswith("rate: ")
    every = render_stage_table(stats, all_stages=True).splitlines()
    assert [line.split()[0] for line in every[2:8]] == [
        "pithiviers",
        "evreux",
        "Saint-Remy_2",
        "vitre",
        "old-stage",
        "(no",
    ]
    assert not any(line.startswith("no responses yet") for line in every)


def test_forty_stages_and_one_response_fit_on_a_screen(tour_flow: Flow) -> None:
    stages = [StageDef(code=f"ville{n:02}", city=f"Ville {n:02}") for n in range(1, 41)]
    one = response(1, started="2019-07-04 08:00", stage=None)
    stats = compute_stats([one], {}, flow=tour_flow, stages=stages, today=JULY_4)
    lines = render_stage_table(stats).splitlines()
    assert [line.split()[0] for line in lines[2:4]] == ["(no", "TOTAL"]
    folded = "\n".join(
        lines[4 : next(i for i, text in enumerate(lines) if text.startswith("rate:"))]
    )
    assert folded.startswith("no responses yet (40): ville01, ville02, ")
    assert folded.endswith(", ville40") and all(len(line) <= 100 for line in lines[4:6])
    assert folded.replace("\n ", "").count("ville") == 40
    # Asked for one stage without responses: its row stays, the zeros say so.
    alone = compute_stats([], {}, flow=tour_flow, stages=stages, today=JULY_4, stage_code="ville07")
    assert render_stage_table(alone).splitlines()[2].split()[:3] == ["ville07", "Ville", "07"]
