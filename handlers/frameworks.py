"""The Telegram frameworks the bot runs on (BOT_FRAMEWORK): aiogram, or python-telegram-bot."""

FRAMEWORKS = ("aiogram", "ptb")
