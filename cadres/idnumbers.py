"""Citizen ID numbers (公民身份号码, GB 11643-1999)."""

import datetime as dt
import re
from dataclasses import dataclass

from cadres.codes import Gender

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """An ID number that is not a valid GB 11643 number; the message is for users."""


@dataclass(frozen=True)
class IdNumber:
    """A valid ID number with what it encodes."""

    value: str
    birth_date: dt.date
    gender: str


def check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id_number(raw: str) -> str:
    """Return ``raw`` without surrounding spaces, with a lower-case x upper-cased."""
    return (raw or "").strip().replace("\u3000", "").upper()


def parse_id_number(raw: str) -> IdNumber:
    """Validate ``raw`` and return its birth date and gender, or raise IdNumberError."""
    value = normalize_id_number(raw)
    if len(value) != 18:
        raise IdNumberError("应为18位")
    if not _SHAPE.match(value):
        raise IdNumberError("格式错误（前17位应为数字，末位为数字或X）")
    try:
        birth_date = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError("出生日期编码无效") from None
    if birth_date.year < 1900 or birth_date > dt.date.today():
        raise IdNumberError("出生日期编码无效")
    if check_digit(value[:17]) != value[17]:
        raise IdNumberError("校验位错误")
    gender = Gender.MALE if int(value[16]) % 2 == 1 else Gender.FEMALE
    return IdNumber(value=value, birth_date=birth_date, gender=gender)


def mask_id_number(value: str) -> str:
    """Return the masked form shown to users without the full-ID right: first 6, last 4."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def make_id_number(region: str, birth_date: dt.date, sequence: int, gender: str) -> str:
    """Return a valid ID number (demo data and tests): ``sequence`` 0–99, gender fixes the 17th digit."""
    parity = 1 if gender == Gender.MALE else 0
    digit17 = (sequence % 5) * 2 + parity
    first17 = f"{region}{birth_date:%Y%m%d}{sequence // 5 % 100:02d}{digit17}"
    return first17 + check_digit(first17)
