from __future__ import annotations

from huying.org.privacy import mask_id_number, mask_name, mask_phone


def test_phone_numbers_keep_the_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "***45"


def test_id_numbers_keep_the_region_prefix_and_the_last_four():
    assert mask_id_number("371002198001011234") == "3710**********1234"
    assert mask_id_number("37100219800101123X") == "3710**********123X"
    assert mask_id_number("") == ""


def test_names_keep_the_family_name():
    assert mask_name("张三丰") == "张**"
    assert mask_name("") == ""
    assert mask_name(None) == ""
