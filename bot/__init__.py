"""Transports: the Telegram bot, the terminal chat and the `surveybot` command line."""
