"""The words of /export's two formats, the workbook and the CSV, in French and English.

Kept apart from `bot.telegram.words` (shared with the respondents' chat) so that
the export's formats are worded in one place; the organiser code reads both.
"""

from __future__ import annotations

from conversation import Words

EXPORT_WORDS: dict[str, dict[str, str]] = {
    "org_export_caption_xlsx": {
        "fr": "{responses} ({detail}). Classeur Excel : les codes restent du texte ; "
        "le codebook est aussi dans l’onglet « codebook ».",
        "en": "{responses} ({detail}). Excel workbook: codes stay text; "
        "the codebook is also in the “codebook” sheet.",
    },
    "org_export_csv_large": {
        "fr": "Trop de réponses pour préparer vite un classeur Excel : voici le CSV, "
        "qui s’ouvre aussi dans Excel (/export xlsx pour le classeur, plus long).",
        "en": "Too many answers to make an Excel workbook quickly: here is the CSV, "
        "which opens in Excel too (/export xlsx for the workbook, slower).",
    },
    "org_export_one_format": {
        "fr": "Un format à la fois, xlsx ou csv : {words} en trop.",
        "en": "One format at a time, xlsx or csv: {words} is one too many.",
    },
}

ew = Words(EXPORT_WORDS)
"""The export's text `key` in `lang`, with values filled in."""
