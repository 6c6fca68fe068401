"""Canonical encoding, signature checks, OrderInfo/TxnRef rules and GMT+7 timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.vnpay.signing import (
    DEFAULT_ORDER_INFO,
    VN_TZ,
    checksum_pipe,
    encode_query,
    format_vnp_datetime,
    hmac_sha512_hex,
    is_valid_order_info,
    is_valid_txn_ref,
    parse_vnp_amount,
    parse_vnp_datetime,
    sanitize_order_info,
    sign_fields,
    signed_query,
    verify_fields,
)

from ._vectors import P1_FIELDS, P1_HASH, P1_SECRET

# --- canonical string ------------------------------------------------------------------


def test_encode_query_sorts_keys_by_code_point() -> None:
    fields = {"vnp_b": "1", "vnp_B": "2", "vnp_a": "3", "vnp_Z": "4"}
    assert encode_query(fields) == "vnp_B=2&vnp_Z=4&vnp_a=3&vnp_b=1"


def test_encode_query_drops_empty_values_hash_fields_and_foreign_keys() -> None:
    fields = {
        "vnp_Amount": "100",
        "vnp_BankCode": "",
        "vnp_SecureHash": "ab" * 64,
        "vnp_SecureHashType": "HmacSHA512",
        "utm_source": "telegram",
        "VNP_Upper": "x",
    }
    assert encode_query(fields) == "vnp_Amount=100"


def test_encode_query_uses_plus_for_spaces_uppercase_hex_and_encodes_slashes() -> None:
    fields = {"vnp_X": "a b/c:d+e&f=g%h~i*j'k(l)m!n"}
    assert encode_query(fields) == "vnp_X=a+b%2Fc%3Ad%2Be%26f%3Dg%25h~i%2Aj%27k%28l%29m%21n"


def test_encode_query_encodes_non_ascii_as_utf8() -> None:
    assert encode_query({"vnp_X": "Đà Nẵng"}) == "vnp_X=%C4%90%C3%A0+N%E1%BA%B5ng"


def test_sign_fields_is_hmac_sha512_of_the_encoded_query() -> None:
    fields = {"vnp_Amount": "1000000", "vnp_OrderInfo": "a b"}
    assert sign_fields(fields, "k") == hmac_sha512_hex("k", "vnp_Amount=1000000&vnp_OrderInfo=a+b")
    assert len(sign_fields(fields, "k")) == 128
    assert sign_fields(fields, "k") == sign_fields(fields, "k").lower()


def test_an_empty_or_padded_secret_is_refused_as_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        sign_fields(P1_FIELDS, "")
    with pytest.raises(ValueError):
        sign_fields(P1_FIELDS, " test_secret")


# --- verification ----------------------------------------------------------------------


def test_verify_accepts_the_hash_in_uppercase() -> None:
    assert verify_fields({**P1_FIELDS, "vnp_SecureHash": P1_HASH.upper()}, P1_SECRET)


@pytest.mark.parametrize(
    "bad_hash",
    [
        "",
        "abc",
        P1_HASH[:-1],
        P1_HASH + "0",
        P1_HASH[:-1] + "g",
        "é" * 128,
        " " + P1_HASH[1:],
    ],
)
def test_verify_returns_false_for_a_malformed_hash_without_raising(bad_hash: str) -> None:
    assert verify_fields({**P1_FIELDS, "vnp_SecureHash": bad_hash}, P1_SECRET) is False


def test_verify_returns_false_when_the_hash_is_missing() -> None:
    assert verify_fields(P1_FIELDS, P1_SECRET) is False


def test_verify_returns_false_with_the_wrong_secret() -> None:
    assert not verify_fields({**P1_FIELDS, "vnp_SecureHash": P1_HASH}, "other_secret")


def test_verify_ignores_secure_hash_type_and_non_vnp_parameters() -> None:
    fields = {
        **P1_FIELDS,
        "vnp_SecureHash": P1_HASH,
        "vnp_SecureHashType": "SHA256",
        "utm_source": "x",
    }
    assert verify_fields(fields, P1_SECRET)


def test_verify_treats_an_empty_value_like_a_missing_one() -> None:
    fields = {**P1_FIELDS, "vnp_BankTranNo": "", "vnp_SecureHash": P1_HASH}
    unsigned_without = {k: v for k, v in P1_FIELDS.items() if k != "vnp_BankTranNo"}
    expected = verify_fields({**unsigned_without, "vnp_SecureHash": P1_HASH}, P1_SECRET)
    assert verify_fields(fields, P1_SECRET) is expected is False


# --- querydr/refund pipe checksum ------------------------------------------------------


def test_checksum_pipe_hashes_the_values_joined_by_pipes_without_encoding() -> None:
    values = ["R1", "2.1.0", "querydr", "TMN", "ORD1", "a b/c", "", "127.0.0.1", "x"]
    assert checksum_pipe(values, "k") == hmac_sha512_hex("k", "R1|2.1.0|querydr|TMN|ORD1|a b/c||127.0.0.1|x")


def test_checksum_pipe_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        checksum_pipe("abc", "k")


# --- OrderInfo and TxnRef --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thanh toán gói Cleeksy Pro — 3 tháng (đặc biệt!) #42",
            "Thanh toan goi Cleeksy Pro 3 thang dac biet 42",
        ),
        ("ĐẶNG Thị Ưng, Đà Nẵng: đơn 7.5", "DANG Thi Ung, Da Nang: don 7.5"),
        ("Nguyễn Văn Ả\tđã\nthanh   toán", "Nguyen Van A da thanh toan"),
        ("a+b&c=d%e/f?g", "a b c d e f g"),
        ("Gia hạn: 01-02-2025_ok", "Gia han: 01-02-2025_ok"),
    ],
)
def test_sanitize_order_info_strips_vietnamese_diacritics_and_symbols(text: str, expected: str) -> None:
    assert sanitize_order_info(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "🎉🎉", "#$%^&*", "日本語"])
def test_sanitize_order_info_falls_back_when_nothing_is_left(text: str) -> None:
    assert sanitize_order_info(text) == DEFAULT_ORDER_INFO


def test_sanitize_order_info_truncates_to_255_characters_without_trailing_space() -> None:
    result = sanitize_order_info("ă" * 300)
    assert result == "a" * 255
    result = sanitize_order_info("x" * 254 + " yz")
    assert result == "x" * 254


@given(st.text())
def test_sanitize_order_info_always_gives_valid_idempotent_output(text: str) -> None:
    result = sanitize_order_info(text)
    assert is_valid_order_info(result)
    assert sanitize_order_info(result) == result


@pytest.mark.parametrize("ref", ["A", "ORD42A1", "1716257871703", "a" * 100])
def test_is_valid_txn_ref_accepts_ascii_alphanumerics_up_to_100(ref: str) -> None:
    assert is_valid_txn_ref(ref)


@pytest.mark.parametrize(
    "ref",
    ["", "a" * 101, "ORD-1", "ORD 1", "ORD_1", "ĐƠN1", "\uff11\uff12\uff13", "ORD1\n", None, 123],
)
def test_is_valid_txn_ref_rejects_everything_else(ref: object) -> None:
    assert not is_valid_txn_ref(ref)


# --- GMT+7 timestamps ------------------------------------------------------------------


def test_format_vnp_datetime_crosses_midnight_from_utc_to_gmt7() -> None:
    assert format_vnp_datetime(datetime(2025, 1, 1, 17, 30, tzinfo=UTC)) == "20250102003000"


def test_format_vnp_datetime_crosses_the_year_boundary() -> None:
    assert format_vnp_datetime(datetime(2024, 12, 31, 17, 0, 1, tzinfo=UTC)) == "20250101000001"


def test_format_vnp_datetime_converts_from_any_offset() -> None:
    minus_five = timezone(timedelta(hours=-5))
    assert format_vnp_datetime(datetime(2025, 1, 1, 12, 30, tzinfo=minus_five)) == ("20250102003000")
    assert format_vnp_datetime(datetime(2025, 1, 2, 0, 30, tzinfo=VN_TZ)) == "20250102003000"


def test_format_vnp_datetime_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        format_vnp_datetime(datetime(2025, 1, 1, 17, 30))


def test_parse_vnp_datetime_returns_an_aware_gmt7_datetime() -> None:
    parsed = parse_vnp_datetime("20240521091806")
    assert parsed.utcoffset() == timedelta(hours=7)
    assert parsed.astimezone(UTC) == datetime(2024, 5, 21, 2, 18, 6, tzinfo=UTC)


FULLWIDTH_TIMESTAMP = "".join(chr(ord(c) + 0xFEE0) for c in "20240521091806")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024052109180",
        "202405210918060",
        "20241301000000",
        "20240230000000",
        "2024052109186x",
        FULLWIDTH_TIMESTAMP,
        "20240521091806\n",
    ],
)
def test_parse_vnp_datetime_rejects_malformed_timestamps(text: str) -> None:
    with pytest.raises(ValueError):
        parse_vnp_datetime(text)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)))
def test_format_then_parse_round_trips_to_the_second(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_vnp_datetime(format_vnp_datetime(moment)) == moment


def test_signed_query_is_the_canonical_query_and_its_hash_whatever_hash_came_in() -> None:
    fields = {"vnp_TxnRef": "ORD42A1", "vnp_Amount": "19900000", "vnp_OrderInfo": "Thanh toan don"}
    expected = (
        f"{encode_query(fields)}&vnp_SecureHash={sign_fields(fields, 'CLEEKSYTESTSECRET0123456789ABCDE')}"
    )
    assert signed_query(fields, "CLEEKSYTESTSECRET0123456789ABCDE") == expected
    stale = {**fields, "vnp_SecureHash": "0" * 128}
    assert signed_query(stale, "CLEEKSYTESTSECRET0123456789ABCDE") == expected


@pytest.mark.parametrize(
    ("text", "vnd"),
    [
        ("1000000", 10_000),
        ("100", 1),
        ("999999999900", 9_999_999_999),
        ("150", None),
        ("", None),
        ("-100", None),
        ("1e5", None),
        ("1000000000000", None),
        (" 100", None),
    ],
)
def test_parse_vnp_amount_reads_vnd_x_100_or_nothing(text: str, vnd: int | None) -> None:
    assert parse_vnp_amount(text) == vnd
