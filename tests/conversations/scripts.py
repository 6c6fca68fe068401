"""The usual purchase, step by step: Không gian làm việc số Standard, 5 users, one block of
storage, yearly, code TET10, new billing details, a VAT invoice, manual renewal."""

from __future__ import annotations

from collections.abc import Callable

from tests.conversations.chat import Chat, coupon

TET10 = coupon("TET10", percent_off=10)

# (the position the chat is at, what the customer does there)
PURCHASE: list[tuple[str, Callable[[Chat], Chat]]] = [
    ("menu", lambda c: c.tap("Mua gói")),
    ("solution", lambda c: c.tap("Không gian làm việc số")),
    ("tier:workspace", lambda c: c.tap("Standard")),
    ("seats:workspace", lambda c: c.send("5 người")),
    ("addons", lambda c: c.tap("+").tap("Xong")),
    ("cycle", lambda c: c.tap("Năm")),
    ("coupon", lambda c: c.send("tet10")),
    ("billing:company", lambda c: c.send("Công ty TNHH Mây Xanh")),
    ("billing:representative", lambda c: c.send("Nguyễn Văn An")),
    ("billing:phone", lambda c: c.send("+84 912 345 678")),
    ("billing:email", lambda c: c.send("an@mayxanh.vn")),
    ("billing:address", lambda c: c.send("12 Lý Thường Kiệt, Hà Nội")),
    ("vat", lambda c: c.tap("Có, xuất hóa đơn")),
    ("invoice:vat_legal_name", lambda c: c.tap("Dùng: Công ty TNHH Mây Xanh")),
    ("invoice:vat_tax_code", lambda c: c.send("0101234567-001")),
    ("invoice:vat_address", lambda c: c.tap("Dùng: 12 Lý Thường Kiệt, Hà Nội")),
    ("invoice:vat_email", lambda c: c.send("ketoan@mayxanh.vn")),
    ("renewal", lambda c: c.tap("Gia hạn thủ công")),
]
STEPS = [position for position, _ in PURCHASE]


def new_chat(**kw: object) -> Chat:
    kw.setdefault("coupons", {"TET10": TET10})
    return Chat(**kw).start()  # type: ignore[arg-type]


def chat_at(position: str, **kw: object) -> Chat:
    """A chat that went through the usual purchase up to `position` ("review" at the end)."""
    chat = new_chat(**kw)
    for at, act in PURCHASE:
        assert chat.state.at.key == at, (chat.state.at.key, at, chat.text)
        if at == position:
            return chat
        act(chat)
    assert chat.state.at.key == position == "review", chat.state.at.key
    return chat
