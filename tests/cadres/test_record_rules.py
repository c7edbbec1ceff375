"""The full record's pure rules: id numbers (GB 11643), months, the résumé, code lists, and the
texts the appointment form derives."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import codes
from cadres.rules import records as rules

# --- national id numbers ------------------------------------------------------------------------

def test_the_standards_own_example_id_number_is_accepted_with_a_lower_case_x():
    assert rules.normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_an_id_number_with_a_wrong_check_character_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="check character"):
        rules.normalize_id_number("110105194912310021")


@pytest.mark.parametrize("number",
                         ["1101051949123100", "11010519491231002XX", "A1010519491231002X"])
def test_an_id_number_of_the_wrong_shape_is_refused(number):
    with pytest.raises(ValueError, match="18 characters"):
        rules.normalize_id_number(number)


def test_an_id_number_whose_birth_date_is_not_a_date_is_refused():
    first17 = "11010519491331002"  # month 13
    with pytest.raises(ValueError, match="birth date"):
        rules.normalize_id_number(first17 + rules.id_check_character(first17))


def test_the_birth_date_is_read_from_the_id_number():
    assert rules.id_birth_date("11010519491231002X") == date(1949, 12, 31)


def test_a_masked_id_number_keeps_only_the_first_three_and_last_four_characters():
    assert rules.mask_id_number("11010519491231002X") == "110***********002X"
    assert rules.mask_id_number(None) == ""


# --- months ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected",
                         [("201907", date(2019, 7, 1)), ("20190715", date(2019, 7, 15)),
                                            ("2019.07", date(2019, 7, 1)),
                                            ("2019-7", date(2019, 7, 1)),
                                            ("2019年7月", date(2019, 7, 1))])
def test_months_are_read_in_the_spellings_forms_use(text, expected):
    assert rules.parse_month(text) == expected


@pytest.mark.parametrize("text", ["2019", "201913", "July 2019"])
def test_a_month_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        rules.parse_month(text)


# --- résumé ---------------------------------------------------------------------------------------

RESUME = """1997.09--2001.07  江州财经学院财政学专业学习
2001.07--2008.03  青山区财政局科员
                  （其间：2004.09--2007.07 在职研究生学习）<br>2008.03--2016.05  青山区财政局预算科科长
2021.03--         青山区桃桥街道办事处主任
注：2012年曾下派挂职，起止时间待核"""


def test_a_resume_is_read_as_dated_lines_and_the_rest_is_kept():
    lines, unparsed = rules.parse_resume(RESUME)
    assert [(line.start, line.end) for line in lines] == [
        (date(1997, 9, 1), date(2001, 7, 1)), (date(2001, 7, 1), date(2008, 3, 1)),
        (date(2008, 3, 1), date(2016, 5, 1)), (date(2021, 3, 1), None)]
    assert lines[1].text == "青山区财政局科员\n（其间：2004.09--2007.07 在职研究生学习）"
    assert unparsed == ["注：2012年曾下派挂职，起止时间待核"]


def test_a_line_whose_period_ends_before_it_starts_is_kept_unread():
    lines, unparsed = rules.parse_resume("2010.09--2008.07  倒过来的时间")
    assert lines == [] and unparsed == ["2010.09--2008.07  倒过来的时间"]


def test_a_written_resume_reads_back_the_same():
    lines, unparsed = rules.parse_resume(RESUME)
    written = rules.format_resume(lines, "\n".join(unparsed))
    assert rules.parse_resume(written) == (lines, unparsed)
    assert written.splitlines()[0] == "1997.09--2001.07  江州财经学院财政学专业学习"


def test_periods_typed_out_of_order_are_named():
    lines, _unparsed = rules.parse_resume("2010.01--2012.01  后\n2001.01--2010.01  前")
    assert rules.resume_problems(lines) == ["the period starting 2001.01 comes before the one "
                                            "above it"]


# --- code lists -----------------------------------------------------------------------------------

def test_code_lists_accept_a_code_a_name_or_a_common_spelling():
    assert (
        codes.ETHNICITY.parse("汉族")
        == codes.ETHNICITY.parse("01")
        == codes.ETHNICITY.parse("汉")
        == "01"
    )
    assert codes.ETHNICITY.label("56") == "基诺族"
    assert codes.EDUCATION.parse("大学本科") == "20" and codes.EDUCATION.label("20") == "大学"
    assert codes.DEGREE.parse("法学学士") == "403" and codes.DEGREE.label("312") == "管理学硕士"
    assert codes.HEALTH.parse("健康或良好") == "1"
    assert codes.POLITICAL_STATUS.parse("中国共产党党员") == "01"
    with pytest.raises(ValueError):
        codes.ETHNICITY.parse("火星族")


# --- derived texts --------------------------------------------------------------------------------

def test_appraisal_results_group_consecutive_years_of_one_grade_over_the_last_three_years():
    grades = [(2022, "excellent"), (2023, "competent"), (2024, "competent"), (2025, "excellent")]
    assert rules.appraisal_text(grades) == "2023年、2024年年度考核称职，2025年年度考核优秀"


def test_derived_lines_are_added_once_so_a_form_read_back_writes_the_same_text():
    first = rules.merged_text("2019年被评为优秀共产党员", ["2025年3月受到诫勉"])
    assert first == "2019年被评为优秀共产党员\n2025年3月受到诫勉"
    assert rules.merged_text(first, ["2025年3月受到诫勉"]) == first
    assert rules.merged_text(first, []) == first
