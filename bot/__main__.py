"""`python -m bot`: the same as the `surveybot` command."""

from bot.cli import main

main()
