"""The state is stored as JSON per chat: it round-trips, and a document it cannot read
(another schema version, damage) gives a fresh conversation, never an error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations import SCHEMA_VERSION, Button, CallbackButton, State, Step, entry_callback
from tests.conversations.chat import PROFILE, SAVED_VAT, Chat
from tests.conversations.scripts import chat_at


def test_a_state_in_the_middle_of_a_purchase_round_trips_through_json() -> None:
    chat = chat_at("review", vat=SAVED_VAT).tap("Xác nhận và thanh toán")
    stored = json.loads(json.dumps(chat.state.to_json()))
    assert stored["v"] == SCHEMA_VERSION
    assert State.from_json(stored) == chat.state
    assert chat.state.order is not None and chat.state.cart.coupon is not None


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        "state",
        {},
        {"v": 0, "locale": "en"},
        {"v": SCHEMA_VERSION, "locale": "en"},
        {"v": SCHEMA_VERSION + 1, "locale": "en", "at": "cycle"},
    ],
)
def test_an_unreadable_document_gives_a_fresh_state(stored: Any) -> None:
    state = State.from_json(stored)
    assert state.at.step is Step.MENU and state.cart.lines == ()
    assert state.locale == (stored.get("locale", "vi") if isinstance(stored, dict) else "vi")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("at", "nowhere"),
        ("history", ["tier:workspace", "bogus"]),
        ("locale", "fr"),
        ("cart", {"lines": [{"solution": "workspace", "tier": None, "seats": "five", "cycle": None}]}),
        ("order", {"order_id": 1, "expires_at": "2026-11-24T10:15:00"}),  # naive, and incomplete
        ("customer", {"holdings": [{"solution": "workspace"}]}),
        (
            "customer",
            {"holdings": [], "trial_activated_seats": None, "billing": None, "vat": None, "trials": "all"},
        ),
    ],
)
def test_a_damaged_field_gives_a_fresh_state_in_the_same_language(key: str, value: Any) -> None:
    stored = {**chat_at("seats:workspace").state.to_json(), "locale": "en"}
    assert State.from_json(stored).locale == "en"
    stored[key] = value
    state = State.from_json(stored)
    assert state.at.step is Step.MENU and state.locale == ("en" if key != "locale" else "vi")


def test_a_customer_stored_before_trials_were_loaded_still_reads() -> None:
    """A row written by the version before the trial offer (T1) has no "trials": none known."""
    stored = json.loads(json.dumps(chat_at("seats:workspace").state.to_json()))
    del stored["customer"]["trials"]
    state = State.from_json(stored)
    assert state.at.key == "seats:workspace"
    assert state.customer is not None and state.customer.trials == ()


def test_the_solutions_on_trial_round_trip() -> None:
    chat = Chat(trials=("workspace", "process"), trial_seats=4).start()
    stored = json.loads(json.dumps(chat.state.to_json()))
    assert stored["customer"]["trials"] == ["workspace", "process"]
    assert State.from_json(stored) == chat.state


def test_a_fresh_state_after_a_bad_row_still_talks() -> None:
    chat = Chat()
    chat.state = State.from_json({"v": 999})
    chat.send("xin chào")
    assert chat.text.startswith("Xin lỗi, mình chưa hiểu ý bạn.") and chat.labels[0] == "Mua gói"


# Whatever the customer does, in any order: never an exception, always an answer, and the
# state survives the conversation table (Chat checks the round trip after every event).
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("tap"), st.integers(0, 20)),
        st.tuples(
            st.just("send"),
            st.sampled_from(["5", "12 người", "1", "mười hai", "TET10", "quay lại", "Năm", "?"]),
        ),
        st.tuples(st.just("send"), st.text(max_size=12)),
        st.tuples(st.just("sticker"), st.none()),
        st.tuples(st.just("start"), st.sampled_from(["", "upgrade", "add_seats"])),
        st.tuples(st.just("entry"), st.sampled_from(["upgrade", "renew", "x-promo"])),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(ACTIONS)
def test_any_sequence_of_inputs_gets_an_answer_and_round_trips(actions: list[tuple[str, Any]]) -> None:
    chat = Chat(billing=PROFILE).start()
    for kind, arg in actions:
        before = len(chat.shown) + len(chat.answers) + len(chat.others)
        if kind == "tap":
            message = chat.keyboard_message
            assert message.keyboard is not None
            buttons = [b for b in message.keyboard.buttons() if isinstance(b, CallbackButton)]
            if buttons:
                chat.feed(Button(buttons[arg % len(buttons)].data, message.id))
        elif kind == "send":
            chat.send(arg)
        elif kind == "sticker":
            chat.sticker()
        elif kind == "entry":
            chat.feed(Button(entry_callback(arg), message_id=None))
        else:
            chat.start(arg)
        assert len(chat.shown) + len(chat.answers) + len(chat.others) > before, "never silence"
