"""Citizen ID numbers (公民身份号码, GB 11643-1999)."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from cadres.codes import Gender

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII only: ``\d`` would also take full-width and other scripts' digits.
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
# Every kind of space a copied number may carry: ASCII and Unicode white space (the ideographic
# space U+3000 among them) and the zero-width characters that white space does not cover.
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")

# The first two digits: the province-level divisions of GB/T 2260, and 81/82/83 of the residence
# permits of Hong Kong, Macao and Taiwan residents (GB 11643 numbers since 2018).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})


# What users are told about a number that is not valid (the roster import prefixes row and column).
WRONG_LENGTH = "应为18位"
WRONG_SHAPE = "格式错误（前17位应为数字，末位为数字或X）"
UNKNOWN_PROVINCE = "地址码错误（前两位不是有效的省级行政区划代码）"
BAD_BIRTH_DATE = "出生日期编码无效"
WRONG_CHECK_DIGIT = "校验位错误"


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
    """Return ``raw`` in the one form it is stored and compared in.

    NFKC turns full-width digits and Ｘ into ASCII; spaces of every kind (ordinary,
    ideographic, zero-width), wherever they are, are dropped; x is upper-cased. What is
    left must still pass ``parse_id_number``, which accepts ASCII digits and X only.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def parse_id_number(raw: str) -> IdNumber:
    """Validate ``raw`` and return its birth date and gender, or raise IdNumberError."""
    value = normalize_id_number(raw)
    if len(value) != 18:
        raise IdNumberError(WRONG_LENGTH)
    if not _SHAPE.match(value):
        raise IdNumberError(WRONG_SHAPE)
    if value[:2] not in PROVINCE_CODES:
        raise IdNumberError(UNKNOWN_PROVINCE)
    try:
        birth_date = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(BAD_BIRTH_DATE) from None
    if birth_date.year < 1900 or birth_date > dt.date.today():
        raise IdNumberError(BAD_BIRTH_DATE)
    if check_digit(value[:17]) != value[17]:
        raise IdNumberError(WRONG_CHECK_DIGIT)
    gender = Gender.MALE if int(value[16]) % 2 == 1 else Gender.FEMALE
    return IdNumber(value=value, birth_date=birth_date, gender=gender)


MASK_SHOWN_HEAD = 6
MASK_SHOWN_TAIL = 1


def mask_id_number(value: str) -> str:
    """Return the masked form shown to users without the full-ID right: the region and the check character.

    Birth date and sequence stay hidden, so what else a page shows of the person (出生年月,
    gender, age, even a day pinned by an age boundary) leaves hundreds of possible numbers:
    the 500 sequences of the gender, of which about one in eleven has the shown check
    character (docs/security.md, masking). Keeping the last four, as the old form did, left one
    day's worth: the birth day was the only unknown.
    """
    if len(value) <= MASK_SHOWN_HEAD + MASK_SHOWN_TAIL:
        return "*" * len(value)
    return value[:MASK_SHOWN_HEAD] + "*" * (len(value) - MASK_SHOWN_HEAD - MASK_SHOWN_TAIL) + value[-MASK_SHOWN_TAIL:]


# A run of 14 to 18 digits of any width or script (the last may be X), possibly broken by spaces of
# any kind, standing alone: a full ID number, or enough of one to give away region and birth date.
_GAP = r"[\s\u200b\u200c\u200d\u2060\ufeff]*"
_ID_LIKE = re.compile(
    rf"(?<![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])\d(?:{_GAP}\d){{13,16}}(?:{_GAP}[\dXx\uff38\uff58])?"
    r"(?![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])"
)


def mask_id_numbers_in(text: str) -> str:
    """Return ``text`` with every ID-number-like run masked, whatever its digits' width or spacing.

    For text that is kept (the audit log). Only the run itself is rewritten: a full number shows in
    the usual masked form; a shorter run (or one in another script) keeps its first six digits.
    """
    if not text:
        return text

    def masked(match):
        digits = normalize_id_number(match.group(0))
        if len(digits) == 18 and digits.isascii():
            return mask_id_number(digits)
        return digits[:MASK_SHOWN_HEAD] + "*" * (len(digits) - MASK_SHOWN_HEAD)

    return _ID_LIKE.sub(masked, text)


def make_id_number(region: str, birth_date: dt.date, sequence: int, gender: str) -> str:
    """Return a valid ID number (demo data and tests): ``sequence`` 0–99, gender fixes the 17th digit."""
    parity = 1 if gender == Gender.MALE else 0
    digit17 = (sequence % 5) * 2 + parity
    first17 = f"{region}{birth_date:%Y%m%d}{sequence // 5 % 100:02d}{digit17}"
    return first17 + check_digit(first17)
