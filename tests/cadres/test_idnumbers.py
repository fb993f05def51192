"""Citizen ID numbers (GB 11643): shape, check digit, birth date, gender, masking."""

import datetime as dt

import pytest

from cadres.codes import Gender
from cadres.idnumbers import (
    UNKNOWN_PROVINCE,
    WRONG_CHECK_DIGIT,
    WRONG_SHAPE,
    IdNumberError,
    check_digit,
    make_id_number,
    mask_id_number,
    mask_id_numbers_in,
    normalize_id_number,
    parse_id_number,
)

# The example of GB 11643 itself: check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def with_check_digit(first17: str) -> str:
    return first17 + check_digit(first17)


def test_check_digit_of_the_standard_example_is_x():
    assert check_digit(STANDARD_EXAMPLE[:17]) == "X"


def test_valid_number_gives_birth_date_and_gender():
    parsed = parse_id_number(STANDARD_EXAMPLE)
    assert parsed.value == STANDARD_EXAMPLE
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == Gender.FEMALE  # 17th digit 2 is even


def test_lower_case_x_is_accepted_and_upper_cased():
    assert parse_id_number(STANDARD_EXAMPLE.lower()).value == STANDARD_EXAMPLE


def test_surrounding_ascii_and_full_width_spaces_are_ignored():
    assert parse_id_number(f" \u3000{STANDARD_EXAMPLE}\u3000 ").value == STANDARD_EXAMPLE
    assert normalize_id_number(" 11010519491231002x ") == STANDARD_EXAMPLE


def full_width(text: str) -> str:
    """Return ``text`` with ASCII digits and letters in their full-width forms (U+FF10…)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def test_full_width_digits_and_final_x_are_stored_in_ascii():
    parsed = parse_id_number(full_width(STANDARD_EXAMPLE))
    assert parsed.value == STANDARD_EXAMPLE
    assert parse_id_number(full_width(STANDARD_EXAMPLE.lower())).value == STANDARD_EXAMPLE


@pytest.mark.parametrize("space", [" ", "\u3000", "\u200b", "\ufeff", "\u00a0", "\t", "\u2060"])
def test_spaces_of_every_kind_anywhere_are_dropped(space):
    spaced = f"{space}{STANDARD_EXAMPLE[:6]}{space}{STANDARD_EXAMPLE[6:14]}{space}{STANDARD_EXAMPLE[14:]}{space}"
    assert normalize_id_number(spaced) == STANDARD_EXAMPLE
    assert parse_id_number(spaced).value == STANDARD_EXAMPLE


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"])
def test_digits_of_other_scripts_are_never_taken_for_ascii(digits):
    """Arabic-Indic and Devanagari digits are Unicode digits (``\\d``) that NFKC leaves as they are."""
    foreign = "".join(digits[int(c)] if c.isdigit() else c for c in STANDARD_EXAMPLE)
    if normalize_id_number(foreign) == STANDARD_EXAMPLE:  # mathematical digits: NFKC makes them ASCII
        assert parse_id_number(foreign).value == STANDARD_EXAMPLE
    else:
        with pytest.raises(IdNumberError, match=WRONG_SHAPE):
            parse_id_number(foreign)


@pytest.mark.parametrize("province", ["00", "10", "19", "20", "24", "30", "38", "47", "55", "60", "66", "70", "84"])
def test_a_province_code_that_does_not_exist_is_refused(province):
    with pytest.raises(IdNumberError, match=UNKNOWN_PROVINCE):
        parse_id_number(with_check_digit(f"{province}0105194912310021"[:17]))


@pytest.mark.parametrize("province", ["11", "44", "65", "71", "81", "82", "83"])
def test_existing_province_codes_pass(province):
    assert parse_id_number(with_check_digit(f"{province}010519491231002")).value.startswith(province)


def test_wrong_full_width_check_digit_is_still_a_wrong_check_digit():
    wrong = full_width(STANDARD_EXAMPLE[:17] + "1")
    with pytest.raises(IdNumberError, match=WRONG_CHECK_DIGIT):
        parse_id_number(wrong)


@pytest.mark.parametrize("digit17", ["1", "3", "5", "7", "9"])
def test_odd_17th_digit_is_male(digit17):
    assert parse_id_number(with_check_digit(f"1101051988051700{digit17}")).gender == Gender.MALE


@pytest.mark.parametrize("digit17", ["0", "2", "4", "6", "8"])
def test_even_17th_digit_is_female(digit17):
    assert parse_id_number(with_check_digit(f"1101051988051700{digit17}")).gender == Gender.FEMALE


def test_wrong_check_digit_is_rejected():
    wrong = STANDARD_EXAMPLE[:17] + "1"
    with pytest.raises(IdNumberError, match="校验位错误"):
        parse_id_number(wrong)


@pytest.mark.parametrize("value", [STANDARD_EXAMPLE[:17], STANDARD_EXAMPLE + "1", "", "110105"])
def test_number_not_18_characters_long_is_rejected(value):
    with pytest.raises(IdNumberError, match="应为18位"):
        parse_id_number(value)


@pytest.mark.parametrize("value", ["1101051949123100X2", "11010519491231A02X", "X10105194912310021"])
def test_non_digit_outside_the_last_place_is_rejected(value):
    with pytest.raises(IdNumberError, match="格式错误"):
        parse_id_number(value)


@pytest.mark.parametrize("birth", ["19990230", "19991301", "19990001", "19990100", "18991231", "29991231"])
def test_invalid_birth_date_in_digits_7_to_14_is_rejected(birth):
    with pytest.raises(IdNumberError, match="出生日期编码无效"):
        parse_id_number(with_check_digit(f"110105{birth}001"))


def test_29_february_of_a_leap_year_is_a_valid_birth_date():
    assert parse_id_number(with_check_digit("11010519880229212")).birth_date == dt.date(1988, 2, 29)


def test_29_february_of_a_common_year_is_rejected():
    with pytest.raises(IdNumberError, match="出生日期编码无效"):
        parse_id_number(with_check_digit("11010519890229212"))


def test_mask_shows_the_region_and_the_check_character_only():
    assert mask_id_number("110105198001011234") == "110105***********4"
    assert mask_id_number(STANDARD_EXAMPLE) == "110105***********X"


def test_mask_hides_a_short_value_entirely():
    assert mask_id_number("1234567") == "*******"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(("text", "expected"), [
    (f"q={STANDARD_EXAMPLE}&page=2", "q=110105***********X&page=2"),
    (f"张三（{full_width(STANDARD_EXAMPLE)}）", "张三（110105***********X）"),  # full-width digits, brackets kept
    ("1101 0519 4912 3100 2x", "110105***********X"),  # spaced out
    ("11010519491231", "110105********"),  # region and birth date without the rest: still masked
    ("订单 1234567890123456789", "订单 1234567890123456789"),  # 19 digits: not an ID number
    ("电话 13800138000，2026-12-01 至 2026-12-31", "电话 13800138000，2026-12-01 至 2026-12-31"),
])
def test_id_numbers_in_kept_text_are_masked_whatever_their_form(text, expected):
    assert mask_id_numbers_in(text) == expected


@pytest.mark.parametrize("gender", [Gender.MALE, Gender.FEMALE])
@pytest.mark.parametrize("sequence", [0, 1, 4, 5, 42, 99])
def test_made_numbers_are_valid_and_encode_birth_date_and_gender(gender, sequence):
    birth = dt.date(1992, 2, 29)
    parsed = parse_id_number(make_id_number("510107", birth, sequence, gender))
    assert parsed.birth_date == birth
    assert parsed.gender == gender


def test_made_numbers_differ_by_sequence():
    numbers = {make_id_number("510107", dt.date(1990, 1, 1), n, Gender.MALE) for n in range(100)}
    assert len(numbers) == 100
