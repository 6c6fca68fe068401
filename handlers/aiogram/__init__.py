"""The production Telegram adapter (aiogram 3): updates in, Bot API calls out."""
