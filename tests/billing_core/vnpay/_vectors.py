"""Published and self-computed VNPAY vectors (see shared/spec/vnpay-notes.md, section 5)."""

from __future__ import annotations

# P1: lehuygiang28/vnpay test/__helpers__/test-fixtures.ts, DEFAULT_RETURN_QUERY_INPUT.
P1_SECRET = "test_secret"
P1_FIELDS: dict[str, str] = {
    "vnp_Amount": "1000000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14422574",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z",
    "vnp_PayDate": "20240521091806",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "TEST_TMN_CODE",
    "vnp_TransactionNo": "14422574",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "1716257871703",
}
P1_HASH = (
    "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361d"
    "bf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895"
)

# P2: test/integration/vnpay/verify-ipn-call.test.ts ("should return a correct failed
# result"): P1 with vnp_ResponseCode=99; full hash read from that file.
P2_HASH = (
    "503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c"
    "6b3809add9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b"
)

# P3: test/unit/utils/payment-util.test.ts (calculateSecureHash).
P3_SECRET = "YOUR_SECURE_SECRET"
P3_DATA = "vnp_Amount=10000&vnp_OrderInfo=Payment+for+order+%231234567890&vnp_TnxRef=1234567890"
P3_HASH = (
    "7bb8160a5d2085a85b3267817a40ee4f770a335282f19714726e6fc6f28a64c7"
    "5a1e7e9c1aa96f3cbda5ce44095088fb4cb2af66c596d2f655b0b53966312089"
)

# P4: TranSang231/AgriERP backend/verify_vnpay_hash.py.
P4_SECRET = "8A4VK1M5IH8EHWJEI12DXI492FA2VJI7"
P4_QUERY = (
    "vnp_Amount=22000000&vnp_Command=pay&vnp_CreateDate=20251201121853&vnp_CurrCode=VND"
    "&vnp_IpAddr=2402%3A800%3A629c%3A9f53%3Ac16%3A6cbd%3A754e%3Adab1&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+don+hang+31b88e89-8c29-4c87-9747-78c0fe0c3302"
    "&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fguide-courage-headquarters-photography.trycloudflare.com"
    "%2Fpayment%2Fvnpay%2Freturn"
    "&vnp_TmnCode=7O7IZ0FE&vnp_TxnRef=31b88e89-8c29-4c87-9747-78c0fe0c3302&vnp_Version=2.1.0"
)
P4_HASH = (
    "e39c5519814b75f11f4588401b033e4baed5500a722b8b08b62689f9ca12d2ea"
    "a9685047df4c581d63f913c961d85ffdac98a2afbf8cf63784661fc59888b39a"
)

# S1: self-computed (notes 5). IpAddr/Locale are not stated in the notes; 127.0.0.1 and vn
# (the demos' defaults) reproduce the hash.
S1_SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
S1_TMN_CODE = "CLEEKSY1"
S1_HASH = (
    "dc143d756d650911ab97848d6a73d76ebf9cba850fb85550b7de1896ef249491"
    "81e7ee8d2b7d7c5ed0ba315d631e41213d9cced5cc2cec77e7f7d99e1b89b7db"
)
