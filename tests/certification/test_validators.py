"""Tests for certification.validators (no database needed).

The real codes below were published by the organizations themselves or appear in
public registration data; each passes the GB 32100-2015 check as implemented.
"""

import datetime
import string

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from certification.validators import (
    ORG_CODE_WEIGHTS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    normalize_code,
    org_code_check_character,
    uscc_check_character,
    validate_landline,
    validate_not_in_future,
    validate_org_code,
    validate_uscc,
)

# Real unified social credit codes (统一社会信用代码) and where they were published.
REAL_USCC = {
    # GB 32100-2015's own worked example (the standard computes check character "3").
    "91350100M000100Y43": "GB 32100-2015 example",
    # 华为技术有限公司; its organization code 19220382-1 is the old registration.
    "914403001922038216": "Huawei Technologies Co., Ltd.",
    # SERIALNUMBER in Tencent's EV code-signing certificate subject.
    "9144030071526726XG": "Tencent Technology (Shenzhen) Co., Ltd.",
    # serialNumber in the EV TLS certificate of www.cmbchina.com.
    "9144030010001686XA": "China Merchants Bank Co., Ltd.",
    # serialNumber in the EV TLS certificate subject of www.boc.cn.
    "911000001000013428": "Bank of China Limited",
    # Business registration record (organization code 802100433).
    "91110000802100433B": "Beijing Baidu Netcom Science and Technology Co., Ltd.",
    # Business registration record (organization code 19231745-8).
    "91440300192317458F": "BYD Company Limited",
    "91330100799655058B": "Alibaba (China) Co., Ltd.",
    "91110108551385082Q": "Xiaomi Inc. (小米科技有限责任公司)",
    # New-style codes (issued after 2015, organization code starting with "MA"),
    # each the SERIALNUMBER of an EV code-signing certificate subject.
    "91440300MA5H8REU3K": "Shenzhen Lingban Computer Technology Co., Ltd.",
    "91210103MA7CJ3C094": "NaisNet Technology Co., Ltd.",
    "91110112MAENGGCR13": "北京谷云达吉商贸有限公司",
}
REAL_USCC_CODES = sorted(REAL_USCC)

# Organization codes (组织机构代码) are characters 9–17 of a unified social credit code.
REAL_ORG_CODES = sorted(code[8:17] for code in REAL_USCC_CODES)

# A real code from an early pilot region, issued before GB 32100-2015 and known not to
# conform to it (see bluesky335/IDCheck and Hutool's CreditCodeUtilTest).
PILOT_NON_CONFORMING_USCC = "91350211M00013FA1N"

uscc_bodies = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)
generated_uscc = uscc_bodies.map(lambda body: body + uscc_check_character(body))
any_valid_uscc = st.one_of(st.sampled_from(REAL_USCC_CODES), generated_uscc)

ORG_CODE_CHARSET = string.digits + string.ascii_uppercase
org_bodies = st.text(alphabet=ORG_CODE_CHARSET, min_size=8, max_size=8)
generated_org_codes = org_bodies.map(lambda body: body + org_code_check_character(body))
any_valid_org_code = st.one_of(st.sampled_from(REAL_ORG_CODES), generated_org_codes)


def error_code(validator, value):
    """Run ``validator`` and return the ValidationError code (None if it passed)."""
    try:
        validator(value)
    except ValidationError as exc:
        return exc.code
    return None


def org_value(char):
    """GB 11714-1997 character value: digits as is, A=10 … Z=35."""
    return int(char) if char.isdigit() else ord(char) - 55


# --- normalize_code ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9144 0300 1922 0382 16", "914403001922038216"),
        ("  9144030071526726xg\t", "9144030071526726XG"),
        ("19220382-1", "192203821"),
        ("ma5h8reu-3", "MA5H8REU3"),
        ("1-2-3", "1-2-3"),  # more than one hyphen: left for validation to reject
        ("", ""),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


def test_normalize_code_only_upper_cases_ascii():
    # "ﬀ".upper() would be "FF", two valid code characters.
    assert normalize_code("ﬀ") == "ﬀ"


# --- unified social credit code (GB 32100-2015) -------------------------------


@pytest.mark.parametrize("code", REAL_USCC_CODES)
def test_real_uscc_pass(code):
    validate_uscc(code)
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_USCC_CODES)
def test_real_uscc_pass_with_spaces_hyphen_and_lower_case(code):
    validate_uscc(f" {code[:8]} {code[8:]} ")
    validate_uscc(f"{code[:8]}-{code[8:]}")
    validate_uscc(code.lower())


def test_gb32100_example_with_wrong_check_character_is_rejected():
    # The standard's example input ends in "Z"; the computed check character is "3".
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert error_code(validate_uscc, "91350100M000100Y4Z") == "uscc_charset"  # Z is not even a code character
    assert error_code(validate_uscc, "91350100M000100Y4Y") == "uscc_check"


def test_pilot_era_non_conforming_code_is_rejected():
    assert error_code(validate_uscc, PILOT_NON_CONFORMING_USCC) == "uscc_check"


@pytest.mark.parametrize("value", ["", "91440300192203821", "9144030019220382160", "9144030019220382"])
def test_uscc_wrong_length(value):
    assert error_code(validate_uscc, value) == "uscc_length"


@pytest.mark.parametrize(
    "value",
    [
        "91440300192203821I",  # I, O, S, V and Z are not code characters
        "9144030019220382O6",
        "91440300192203821Z",
        "9144030019220382S6",
        "91440300192203V216",
        "91440300192203821*",
        "９１４４０３００１９２２０３８２１６",  # full-width digits
        "91440300-19220382-16",  # a second hyphen is not removed
    ],
)
def test_uscc_illegal_character(value):
    assert error_code(validate_uscc, value) == "uscc_charset"


def test_uscc_wrong_check_character():
    assert error_code(validate_uscc, "914403001922038217") == "uscc_check"


def test_uscc_check_character_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_character("9144030019220382")
    with pytest.raises(ValueError):
        uscc_check_character("9144030019220382I")


def test_uscc_weights_are_powers_of_three_mod_31():
    assert list(USCC_WEIGHTS) == [pow(3, i, 31) for i in range(17)]


@given(uscc_bodies)
def test_appending_the_check_character_gives_a_valid_uscc(body):
    validate_uscc(body + uscc_check_character(body))


def single_substitutions(code, charset):
    """Every string that differs from ``code`` in exactly one position, within ``charset``."""
    for position, original in enumerate(code):
        for replacement in charset:
            if replacement != original:
                yield position, replacement, code[:position] + replacement + code[position + 1 :]


# Why single substitutions are always caught: a code is valid exactly when
# sum(value_i * w_i) ≡ 0 (mod 31) with w_18 = 1. Changing position i by d ≠ 0
# changes the sum by w_i * d; 31 is prime, w_i is a power of 3 and 0 < |d| < 31,
# so w_i * d is never ≡ 0 (mod 31).


@pytest.mark.parametrize("code", REAL_USCC_CODES)
def test_every_single_substitution_of_a_real_uscc_is_rejected(code):
    for _position, _replacement, altered in single_substitutions(code, USCC_CHARSET):
        assert error_code(validate_uscc, altered) == "uscc_check", altered


@given(any_valid_uscc, st.data())
def test_any_single_substitution_is_rejected(code, data):
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    replacement = data.draw(st.sampled_from([c for c in USCC_CHARSET if c != code[position]]), label="replacement")
    altered = code[:position] + replacement + code[position + 1 :]
    assert error_code(validate_uscc, altered) == "uscc_check"


# Why adjacent transpositions are always caught: swapping different characters a, b at
# positions i, i+1 changes the sum by (w_i - w_{i+1}) * (b - a). For i ≤ 16,
# w_{i+1} = 3 * w_i, so w_i - w_{i+1} = -2 * w_i ≢ 0 (mod 31); for positions 17/18 the
# weights are 28 and 1. And 0 < |b - a| < 31. (Non-adjacent swaps are not all caught:
# positions 1 and 18 both have weight 1.)


def adjacent_transpositions(code):
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


@pytest.mark.parametrize("code", REAL_USCC_CODES)
def test_every_adjacent_transposition_of_a_real_uscc_is_rejected(code):
    for altered in adjacent_transpositions(code):
        assert error_code(validate_uscc, altered) == "uscc_check", altered


@given(any_valid_uscc, st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_that_changes_the_code_is_rejected(code, i):
    altered = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    if altered != code:
        assert error_code(validate_uscc, altered) == "uscc_check"


def test_swapping_first_and_last_character_can_go_unnoticed():
    # Documents the limit mentioned above: positions 1 and 18 share weight 1.
    code = "914403001922038216"
    swapped = code[-1] + code[1:-1] + code[0]
    assert swapped != code
    validate_uscc(swapped)


# --- organization code (GB 11714-1997) -----------------------------------------


@pytest.mark.parametrize("code", REAL_USCC_CODES)
def test_organization_code_inside_a_real_uscc_passes_gb11714(code):
    validate_org_code(code[8:17])


@pytest.mark.parametrize("code", REAL_ORG_CODES)
def test_real_org_codes_pass_in_every_written_form(code):
    validate_org_code(code)
    validate_org_code(f"{code[:8]}-{code[8]}")
    validate_org_code(f" {code[:4]} {code[4:8]}-{code[8]} ".lower())


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("19220382", "1"),  # Huawei
        ("19231745", "8"),  # BYD, published as 19231745-8
        ("71526726", "X"),  # Tencent: C = 10 is written X
        ("MA5H8REU", "3"),  # letters: M = 22, A = 10, H = 17, R = 27, E = 14, U = 30
        ("00000000", "0"),  # sum 0: C = 11 is written 0
    ],
)
def test_org_code_check_character(body, check):
    assert org_code_check_character(body) == check


def test_org_code_check_character_rejects_bad_input():
    for bad in ("1922038", "192203821", "1922038a", "1922038*"):
        with pytest.raises(ValueError):
            org_code_check_character(bad)


@pytest.mark.parametrize("value", ["", "19220382", "1922038211", "19220382-11", "1922-038"])
def test_org_code_wrong_length(value):
    assert error_code(validate_org_code, value) == "org_code_length"


@pytest.mark.parametrize(
    "value",
    [
        "1922038*1",
        "19220382_1",
        "1922_0382-1",
        "1922-0382-1",  # two hyphens
        "1922-03821",  # a hyphen elsewhere than before the check character
        "-192203821",
        "１９２２０３８２-１",  # full-width digits
    ],
)
def test_org_code_illegal_character(value):
    assert error_code(validate_org_code, value) == "org_code_charset"


@pytest.mark.parametrize("value", ["19220382-2", "19220382-X", "19220382-A", "71526726-0"])
def test_org_code_wrong_check_character(value):
    assert error_code(validate_org_code, value) == "org_code_check"


# What the mod 11 check truly catches: a code is valid exactly when
# sum(value_i * w_i) + check ≡ 0 (mod 11). Changing body position i by d changes the
# sum by w_i * d; every weight is coprime to 11, so the change is caught exactly when
# d is not a multiple of 11. Digit-for-digit changes (0 < |d| ≤ 9) are therefore always
# caught, but letters reach value 35, so e.g. 0 ↔ B (11), 1 ↔ M (22) or A ↔ L (10 ↔ 21)
# slip through. A changed check character is always caught: it must equal the one
# expected value.


def test_weights_are_coprime_to_11():
    assert all(weight % 11 for weight in ORG_CODE_WEIGHTS)


def test_a_letter_substitution_that_gb11714_cannot_catch():
    assert org_code_check_character("19220382") == org_code_check_character("1922B382")  # 0 → B
    validate_org_code("1922B382-1")


def org_substitution_is_caught(code, position, replacement):
    """The exact GB 11714 property derived above."""
    if position == 8:
        return True
    return (org_value(replacement) - org_value(code[position])) % 11 != 0


@pytest.mark.parametrize("code", REAL_ORG_CODES)
def test_single_substitutions_of_real_org_codes(code):
    for position, replacement, altered in single_substitutions(code, ORG_CODE_CHARSET):
        caught = org_substitution_is_caught(code, position, replacement)
        assert (error_code(validate_org_code, altered) == "org_code_check") is caught, altered


@given(any_valid_org_code, st.data())
def test_single_substitution_of_an_org_code_is_caught_unless_the_value_changes_by_a_multiple_of_11(code, data):
    position = data.draw(st.integers(min_value=0, max_value=8), label="position")
    replacement = data.draw(st.sampled_from([c for c in ORG_CODE_CHARSET if c != code[position]]), label="replacement")
    altered = code[:position] + replacement + code[position + 1 :]
    caught = org_substitution_is_caught(code, position, replacement)
    assert (error_code(validate_org_code, altered) == "org_code_check") is caught


@given(
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.integers(min_value=0, max_value=7),
    st.sampled_from(string.digits),
)
def test_single_digit_substitution_in_a_numeric_org_code_body_is_always_caught(body, position, digit):
    code = body + org_code_check_character(body)
    altered = code[:position] + digit + code[position + 1 :]
    if altered != code:
        assert error_code(validate_org_code, altered) == "org_code_check"


# --- landline numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0951-5012345",
        "09515012345",
        "010-12345678",
        "01012345678",
        "010-12345678-123",
        "0951-5012345-1",
        "0951-5012345-123456",
        " 0951-5012345 ",
    ],
)
def test_valid_landlines(value):
    validate_landline(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "5012345",  # no area code
        "951-5012345",  # area code must start with 0
        "00951-5012345",  # 00 is the international prefix, and too long
        "0951-501234",  # 6-digit number
        "0951-501234567",  # 9-digit number
        "0951-5012345-1234567",  # 7-digit extension
        "0951-5012345-",
        "0951--5012345",
        "0951 5012345",
        "13812345678",  # a mobile number
        "+86-951-5012345",
        "０９５１-５０１２３４５",  # full-width digits
        "0951-5012345x",
    ],
)
def test_invalid_landlines(value):
    assert error_code(validate_landline, value) == "invalid_landline"


# --- dates ----------------------------------------------------------------------


def test_today_and_past_dates_are_allowed():
    today = timezone.localdate()
    validate_not_in_future(today)
    validate_not_in_future(today - datetime.timedelta(days=1))
    validate_not_in_future(datetime.date(1987, 9, 15))


def test_future_date_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert error_code(validate_not_in_future, tomorrow) == "date_in_future"


def test_datetimes_are_compared_by_local_date():
    validate_not_in_future(timezone.now())
    later = timezone.now() + datetime.timedelta(days=2)
    assert error_code(validate_not_in_future, later) == "date_in_future"
