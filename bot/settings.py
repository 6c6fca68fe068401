"""Settings from the environment and `.env` (interfaces.md); a bad one stops start-up in one line."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import load_bundled, load_catalogue
from billing_core.vnpay.api_client import VnpayApiConfig
from billing_core.vnpay.merchant import VnpayMerchant
from handlers.frameworks import FRAMEWORKS
from invoices import Seller
from locales import SUPPORTED

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram's setWebhook accepts
_FRAMEWORK_CHOICE = "must be aiogram or ptb (python-telegram-bot)"


class SettingsError(ValueError):
    """A missing or malformed setting, naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    BOT_TOKEN: str | None = None
    TELEGRAM_API_BASE: str = "https://api.telegram.org"
    BOT_FRAMEWORK: str = "aiogram"
    DATABASE_URL: str = "sqlite+aiosqlite:///data/cleeksy.db"
    REDIS_URL: str | None = None
    HTTP_HOST: str = "127.0.0.1"
    HTTP_PORT: int = 8080
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8080"
    WEBHOOK_SECRET: str | None = None
    VNPAY_TMN_CODE: str | None = None
    VNPAY_HASH_SECRET: str | None = None
    VNPAY_PAYMENT_URL: str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    VNPAY_API_URL: str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
    VNPAY_IP_ADDR: str = "127.0.0.1"  # this server's address, sent as vnp_IpAddr to querydr/refund
    PAYMENT_TIMEOUT_MINUTES: int = 15
    RECONCILE_EVERY_SECONDS: int = 60
    SUPPORT_CHAT_ID: int | None = None
    ADMIN_USER_IDS: str = ""
    CATALOG_PATH: str | None = None
    SMTP_URL: str | None = None
    SELLER_NAME: str | None = None  # the seller on the invoice, as registered for tax
    SELLER_ADDRESS: str | None = None
    SELLER_TAX_CODE: str | None = None
    SELLER_PHONE: str | None = None
    SELLER_EMAIL: str | None = None
    DEFAULT_LOCALE: str = "vi"
    TIMEZONE: str = "Asia/Ho_Chi_Minh"
    BROADCAST_RATE: int = 25
    LOG_FORMAT: Literal["text", "json"] = "text"  # json: one object per line, with update/chat/order ids

    @field_validator("SUPPORT_CHAT_ID")
    @classmethod
    def _support_chat(cls, value: int | None) -> int | None:
        if value is not None and value >= 0:
            raise ValueError("must be the id of a forum supergroup, a negative number such as -1001234567890")
        return value

    @field_validator("DEFAULT_LOCALE")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
        return value

    @field_validator("WEBHOOK_SECRET")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value is not None and not _SECRET_TOKEN.fullmatch(value):
            raise ValueError("must be 1 to 256 characters, each A-Z, a-z, 0-9, _ or -")
        return value

    @field_validator("TIMEZONE")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Asia/Ho_Chi_Minh") from None
        return value

    @field_validator("BOT_FRAMEWORK")
    @classmethod
    def _framework(cls, value: str) -> str:
        if value not in FRAMEWORKS:
            raise ValueError(_FRAMEWORK_CHOICE)
        return value

    @field_validator("PAYMENT_TIMEOUT_MINUTES", "BROADCAST_RATE", "HTTP_PORT", "RECONCILE_EVERY_SECONDS")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be a positive whole number")
        return value

    @property
    def admin_user_ids(self) -> frozenset[int]:
        try:
            return frozenset(int(x) for x in self.ADMIN_USER_IDS.replace(" ", "").split(",") if x)
        except ValueError:
            raise SettingsError("ADMIN_USER_IDS: must be comma-separated Telegram user ids") from None

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)

    def catalogue(self, override: str | None = None) -> Catalogue:
        """The catalogue in use: a file, or a bundled one by name (cleeksy, docai)."""
        path = override or self.CATALOG_PATH
        if path in (None, "cleeksy", "docai"):
            return load_bundled(path or "cleeksy")
        return load_catalogue(path)

    def vnpay_merchant(self) -> VnpayMerchant:
        """The merchant's VNPAY settings; SettingsError naming what is missing."""
        self.require("VNPAY_TMN_CODE", "VNPAY_HASH_SECRET")
        assert self.VNPAY_TMN_CODE and self.VNPAY_HASH_SECRET
        return VnpayMerchant(
            tmn_code=self.VNPAY_TMN_CODE,
            hash_secret=self.VNPAY_HASH_SECRET,
            payment_url=self.VNPAY_PAYMENT_URL,
            return_url=self.PUBLIC_BASE_URL.rstrip("/") + "/vnpay/return",
            ip_addr=self.VNPAY_IP_ADDR,
        )

    def vnpay_api(self) -> VnpayApiConfig:
        """Where and as whom to call querydr / refund; SettingsError naming what is missing."""
        merchant = self.vnpay_merchant()
        return VnpayApiConfig(self.VNPAY_API_URL, merchant.tmn_code, merchant.hash_secret, merchant.ip_addr)

    def seller(self) -> Seller:
        """The seller printed on invoices; SettingsError naming what is missing or malformed."""
        self.require("SELLER_NAME", "SELLER_ADDRESS", "SELLER_TAX_CODE")
        assert self.SELLER_NAME and self.SELLER_ADDRESS and self.SELLER_TAX_CODE
        try:
            return Seller(
                self.SELLER_NAME,
                self.SELLER_ADDRESS,
                self.SELLER_TAX_CODE,
                self.SELLER_PHONE,
                self.SELLER_EMAIL,
            )
        except ValueError as exc:
            raise SettingsError(f"SELLER_TAX_CODE: {exc}") from None

    def bot_framework(self) -> str:
        """The Telegram framework the bot runs on; SettingsError if it is not one we have."""
        if self.BOT_FRAMEWORK not in FRAMEWORKS:
            raise SettingsError(f"BOT_FRAMEWORK: {_FRAMEWORK_CHOICE}, not {self.BOT_FRAMEWORK!r}")
        return self.BOT_FRAMEWORK

    def webhook_secret(self) -> str:
        """What Telegram sends with each webhook call; SettingsError if missing."""
        self.require("WEBHOOK_SECRET")
        assert self.WEBHOOK_SECRET is not None
        return self.WEBHOOK_SECRET

    def require(self, *names: str) -> None:
        for name in names:
            if not getattr(self, name):
                raise SettingsError(f"{name}: missing (set it in the environment or .env)")


def load_settings() -> Settings:
    """Read the settings, or raise SettingsError with one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise SettingsError(f"{name}: {first['msg']}") from None
