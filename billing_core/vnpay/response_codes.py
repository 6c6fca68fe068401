"""What each documented `vnp_ResponseCode` means, in the customer's language.

Codes and wording from VNPAY's pay documentation [DOC] (Vietnamese) and the `vnpay` npm
library's RESPONSE_MAP [LIB] (English), as collected in ../shared/spec/vnpay-notes.md §2;
the Vietnamese sentences are ours, shortened and addressed to "bạn".
"""

from __future__ import annotations

from collections.abc import Mapping

from locales import N_, Translator

RESPONSE_MESSAGES: Mapping[str, str] = {
    "00": N_("The payment was successful."),
    "07": N_("The money was debited, but the transaction is being checked as suspicious."),
    "09": N_("The payment failed: your card or account is not registered for Internet Banking."),
    "10": N_("The payment failed: the card or account details were entered wrongly more than 3 times."),
    "11": N_("The payment failed: the time to pay ran out. Please try again."),
    "12": N_("The payment failed: your card or account is locked."),
    "13": N_("The payment failed: the one-time password (OTP) was wrong. Please try again."),
    "24": N_("You cancelled the payment."),
    "51": N_("The payment failed: your account does not have enough balance."),
    "65": N_("The payment failed: your account has exceeded its daily limit."),
    "75": N_("The payment failed: the paying bank is under maintenance."),
    "79": N_(
        "The payment failed: the payment password was entered wrongly too many times. Please try again."
    ),
    "99": N_("The payment failed for another reason."),
}


def explain_response_code(t: Translator, code: str) -> str:
    """The sentence for a response code; an undocumented code reads as code 99."""
    return t.gettext(RESPONSE_MESSAGES.get(code, RESPONSE_MESSAGES["99"]))
