import datetime as dt

import pytest

from linli.privacy.identifiers import (
    IdentifierError,
    mask_id_number,
    mask_mobile,
    parse_id_number,
    parse_mobile,
)


def test_gb11643_reference_vector_is_valid_and_female():
    info = parse_id_number("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "F"


def test_wrong_check_digit_is_refused_with_its_code():
    with pytest.raises(IdentifierError) as exc:
        parse_id_number("110105194912310021")
    assert exc.value.code == "id_number_checksum"


def test_impossible_birth_date_is_refused():
    with pytest.raises(IdentifierError) as exc:
        parse_id_number("110105194902300000")
    assert exc.value.code == "id_number_birth_date"


def test_unknown_area_code_is_accepted_when_checksum_holds():
    from linli.privacy.identifiers import id_check_digit

    first17 = "83000019900101001"  # Taiwan residents' residence-permit area code
    assert parse_id_number(first17 + id_check_digit(first17)).area_code == "830000"


def test_spreadsheet_scientific_notation_is_explained():
    with pytest.raises(IdentifierError) as exc:
        parse_id_number("1.10105E+17")
    assert exc.value.code == "id_number_mangled"


def test_first_generation_number_is_refused_with_its_own_code():
    with pytest.raises(IdentifierError) as exc:
        parse_id_number("110105491231002")
    assert exc.value.code == "id_number_first_generation"


@pytest.mark.parametrize("raw", ["13800001234", "+86 138 0000 1234", "0086-13800001234", "13800001234.0"])
def test_mobile_forms_normalise(raw):
    assert parse_mobile(raw) == "13800001234"


@pytest.mark.parametrize("raw", ["12800001234", "1380000123", "abc"])
def test_bad_mobile_is_refused(raw):
    with pytest.raises(IdentifierError) as exc:
        parse_mobile(raw)
    assert exc.value.code == "mobile_format"


def test_masks():
    assert mask_id_number("330502194003120022") == "3****************2"
    assert mask_mobile("13800001234") == "138****1234"
