"""Property: what we sign survives a real urlencode/parse_qsl round trip; any flip breaks it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.vnpay.callback import MalformedCallback, parse_callback
from billing_core.vnpay.payment_request import PaymentRequest, build_payment_url
from billing_core.vnpay.signing import (
    HASH_FIELD,
    encode_query,
    sanitize_order_info,
    sign_fields,
    verify_fields,
)

BASE = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
VIETNAMESE = (
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
)
TRICKY = " +&=%?#/;:~*'()!\"\\\t\n"

chars = st.one_of(
    st.sampled_from(VIETNAMESE),
    st.sampled_from(TRICKY),
    st.characters(codec="utf-8"),
)
values = st.text(chars, min_size=1, max_size=40)
keys = st.from_regex(r"vnp_[A-Za-z0-9]{1,12}", fullmatch=True).filter(
    lambda k: k not in (HASH_FIELD, "vnp_SecureHashType")
)
field_sets = st.dictionaries(keys, values, min_size=1, max_size=8)
secrets = st.from_regex(r"[A-Za-z0-9]{8,64}", fullmatch=True)


def signed_url(fields: dict[str, str], secret: str) -> str:
    return f"{BASE}?{encode_query(fields)}&{HASH_FIELD}={sign_fields(fields, secret)}"


def received_query(url: str) -> dict[str, str]:
    """What a web framework hands the handler, after one more re-encode hop on the way."""
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    re_encoded = urlencode(pairs)
    return dict(parse_qsl(re_encoded, keep_blank_values=True, strict_parsing=True))


@given(field_sets, secrets)
def test_signed_fields_verify_after_a_urlencode_parse_qsl_round_trip(
    fields: dict[str, str], secret: str
) -> None:
    query = received_query(signed_url(fields, secret))
    assert {k: v for k, v in query.items() if k != HASH_FIELD} == fields
    assert verify_fields(query, secret)


@given(field_sets)
def test_encode_query_agrees_with_the_standard_library_urlencode(fields: dict[str, str]) -> None:
    assert encode_query(fields) == urlencode(sorted(fields.items()))


@given(field_sets, secrets, st.data())
def test_flipping_any_character_of_any_value_breaks_the_signature(
    fields: dict[str, str], secret: str, data: st.DataObject
) -> None:
    query = received_query(signed_url(fields, secret))
    key = data.draw(st.sampled_from(sorted(fields)), label="key")
    value = query[key]
    index = data.draw(st.integers(0, len(value) - 1), label="index")
    replacement = data.draw(chars.filter(lambda c: c != value[index]), label="replacement")
    query[key] = value[:index] + replacement + value[index + 1 :]
    assert not verify_fields(query, secret)


@given(field_sets, secrets, st.data())
def test_changing_any_digit_of_the_hash_breaks_the_signature(
    fields: dict[str, str], secret: str, data: st.DataObject
) -> None:
    query = received_query(signed_url(fields, secret))
    digest = query[HASH_FIELD]
    index = data.draw(st.integers(0, len(digest) - 1), label="index")
    other = data.draw(st.sampled_from("0123456789abcdef").filter(lambda c: c != digest[index]))
    query[HASH_FIELD] = digest[:index] + other + digest[index + 1 :]
    assert not verify_fields(query, secret)


return_paths = st.text(
    st.one_of(
        st.sampled_from(VIETNAMESE),
        st.sampled_from(TRICKY.replace(" ", "").replace("\t", "").replace("\n", "")),
        st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    ),
    max_size=60,
)


@settings(max_examples=200)
@given(
    secret=secrets,
    amount=st.integers(1, 9_999_999_999),
    txn_ref=st.from_regex(r"[A-Za-z0-9]{1,100}", fullmatch=True),
    order_text=st.text(chars, max_size=300),
    path=return_paths,
    locale=st.sampled_from(["vn", "en"]),
    bank_code=st.one_of(st.none(), st.sampled_from(["VNPAYQR", "VNBANK", "INTCARD", "NCB"])),
    created=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
)
def test_a_built_payment_url_verifies_and_parses_back_after_a_round_trip(
    secret: str,
    amount: int,
    txn_ref: str,
    order_text: str,
    path: str,
    locale: str,
    bank_code: str | None,
    created: datetime,
) -> None:
    request = PaymentRequest(
        tmn_code="CLEEKSY1",
        amount_vnd=amount,
        txn_ref=txn_ref,
        order_info=sanitize_order_info(order_text),
        locale="vn" if locale == "vn" else "en",
        return_url=("https://bot.example.vn/r?x=" + path)[:255],
        ip_addr="127.0.0.1",
        created_at=created,
        expires_at=created + timedelta(minutes=15),
        bank_code=bank_code,
    )
    query = received_query(build_payment_url(BASE, request, secret))
    assert verify_fields(query, secret)
    assert query["vnp_ReturnUrl"] == request.return_url
    assert query["vnp_OrderInfo"] == request.order_info
    # parse_callback's signature gate lets it through; it is only short of callback fields.
    assert isinstance(parse_callback(query, secret), MalformedCallback)
