"""The playground's page in Debian's Chromium, driven by Playwright: a customer who types and
taps in the left pane, an agent in the right one. Every wait is on what the page shows."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Locator, Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
"""Where the README's screenshots are; written with UPDATE_SCREENSHOTS=1 (a payment's reference
differs from run to run, so an ordinary run keeps them in its temporary folder)."""
WAIT_MS = 10_000


class ChatPane:
    """The customer's chat with the bot."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.messages = page.locator("#customer-messages")

    async def send(self, text: str, *, then: str) -> None:
        """Type ``text``, press Enter, and wait for the bot's message containing ``then``."""
        await self.page.locator("#customer-input").fill(text)
        await self.page.locator("#customer-input").press("Enter")
        await self.sees(then)

    async def tap(self, label: str, *, then: str) -> None:
        """Tap the inline button ``label`` of the latest message that has one."""
        await self.button(label).click()
        await self.sees(then)

    def button(self, label: str) -> Locator:
        button = self.page.get_by_role("button", name=label, exact=True)
        return (
            self.messages.locator(".message")
            .filter(has=button)
            .last.get_by_role("button", name=label, exact=True)
        )

    async def sees(self, words: str) -> None:
        await expect(self.messages.locator(".message.in").last).to_contain_text(words, timeout=WAIT_MS)


class SupportPane:
    """The support group, played by its agent."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.messages = page.locator("#support-messages")

    async def topic_opens(self, name_part: str) -> None:
        tab = self.page.locator("#topics .topic.selected")
        await expect(tab).to_contain_text(name_part, timeout=WAIT_MS)

    async def write(self, text: str) -> None:
        await self.page.locator("#support-input").fill(text)
        await self.page.locator("#support-input").press("Enter")
        await expect(self.messages.locator(".message.out").last).to_contain_text(text, timeout=WAIT_MS)


def screenshots_dir(scratch: Path) -> Path:
    return SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else scratch


async def screenshot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=folder / f"{name}.png")
