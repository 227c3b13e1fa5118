"""Organiser tools: invitation links, QR codes, the printable page, statistics, the drop-off chart.

Everything an organiser prepares at a desk or checks during a workshop, for
the command line (`surveybot links`, `surveybot stats`) and the organiser
commands in Telegram. Library code: it raises `OrganiserError`, the edges turn
it into text. It reads the database only through `storage`, and never imports
the bot.
"""

from organiser.chart import render_dropoff_png
from organiser.errors import LinkError, OrganiserError
from organiser.links import (
    StageLink,
    audiences_of,
    check_bot_username,
    check_web_url,
    codes_in_csv,
    deep_link,
    link_title,
    longest_web_link,
    render_csv,
    stage_link,
    stage_links,
    stage_title,
    stale_qr_files,
    web_link,
)
from organiser.page import WrittenLinks, kit_paths, render_html, write_links
from organiser.qr import (
    caption_font,
    check_qr_fits,
    check_url_fits,
    printed,
    render_qr_png,
    render_qr_svg,
)
from organiser.stats import (
    QuestionReach,
    StageCounts,
    Stats,
    compute_stats,
    read_stats,
    stages_remembered,
)
from organiser.stats_tables import (
    DECLINED_LEGEND,
    NO_STAGE,
    duration,
    render_dropoff_table,
    render_stage_table,
)

__all__ = [
    "DECLINED_LEGEND",
    "NO_STAGE",
    "LinkError",
    "OrganiserError",
    "QuestionReach",
    "StageCounts",
    "StageLink",
    "Stats",
    "WrittenLinks",
    "audiences_of",
    "caption_font",
    "check_bot_username",
    "check_qr_fits",
    "check_url_fits",
    "check_web_url",
    "codes_in_csv",
    "compute_stats",
    "deep_link",
    "duration",
    "kit_paths",
    "link_title",
    "longest_web_link",
    "printed",
    "read_stats",
    "render_csv",
    "render_dropoff_png",
    "render_dropoff_table",
    "render_html",
    "render_qr_png",
    "render_qr_svg",
    "render_stage_table",
    "stage_link",
    "stage_links",
    "stage_title",
    "stages_remembered",
    "stale_qr_files",
    "web_link",
    "write_links",
]
