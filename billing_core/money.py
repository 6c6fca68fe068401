"""Money is an int of VND (K4): no minor unit, rounded half-up to whole dong, once per line."""

from __future__ import annotations

Money = int


def round_half_up(numerator: int, denominator: int) -> Money:
    """numerator / denominator rounded half away from zero, in exact integer arithmetic."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return sign * quotient


def percent_of(amount: Money, percent: int) -> Money:
    """`percent` % of `amount`, rounded half-up (K4)."""
    return round_half_up(amount * percent, 100)


def prorate(amount: Money, days: int, days_in_period: int) -> Money:
    """The share of `amount` for `days` out of `days_in_period`, rounded half-up (P1)."""
    return round_half_up(amount * days, days_in_period)


def split_proportionally(total: Money, weights: list[Money]) -> list[Money]:
    """Split `total` over `weights` in proportion, with the largest remainders, summing exactly."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0 for _ in weights]
    shares = [total * w // weight_sum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares
