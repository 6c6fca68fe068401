"""/quote's request as an agent types it (conversations/agent_request.py)."""

from __future__ import annotations

import pytest

from billing_core.cart import CartLine
from billing_core.periods import Cycle
from conversations.agent_request import AgentRequest, AgentRequestError, read_agent_request
from tests.conversations.chat import CLEEKSY


def test_a_bundle_with_coupon_and_months_in_any_order() -> None:
    read = read_agent_request(
        CLEEKSY, "coupon tet10 Workspace STANDARD 12 năm + process starter yearly months 3"
    )
    assert read == AgentRequest(
        (CartLine("workspace", "standard", Cycle.YEARLY, 12), CartLine("process", "starter", Cycle.YEARLY)),
        "TET10",
        3,
    )
    assert AgentRequest.from_json(read.to_json()) == read


def test_monthly_in_vietnamese_without_accents() -> None:
    read = read_agent_request(CLEEKSY, "workspace starter 3 thang")
    assert read.cart == (CartLine("workspace", "starter", Cycle.MONTHLY, 3),)


@pytest.mark.parametrize(
    ("text", "reason", "word"),
    [
        ("", "Write it as", ""),
        ("crm standard 5 yearly", "is not a solution", "crm"),
        ("workspace gold 5 yearly", "is not understood here", "gold"),
        ("workspace standard 5", "Write it as", ""),
        ("workspace standard 5 yearly months three", "is not a number of months", "three"),
    ],
)
def test_what_cannot_be_read_says_why(text: str, reason: str, word: str) -> None:
    with pytest.raises(AgentRequestError) as refused:
        read_agent_request(CLEEKSY, text)
    assert reason in refused.value.reason and refused.value.word == word
