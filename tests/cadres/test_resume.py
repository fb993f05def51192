"""The résumé (简历): entered lines before the post history, lines drawn from it after, in the form's words."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.dates import MonthDate
from cadres.models import Department, PostAssignment, ResumeEntry
from cadres.selectors import cadre_record, resume_of
from cadres.services import child_record_save, department_create, department_root
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

BUREAU = "区测试局"


@pytest.fixture(autouse=True)
def bureau(settings):
    settings.BUREAU_NAME = BUREAU


@pytest.fixture
def units(staff):
    root = department_root(actor=staff)
    return {
        "root": root,
        "法规科": department_create(actor=staff, name="法规科", parent=root, sort_order=10),
        "办公室": department_create(actor=staff, name="办公室", parent=root, sort_order=20),
        "第一所": department_create(actor=staff, name="第一所", parent=root, kind=Department.Kind.UNIT, sort_order=30),
    }


def post(staff, cadre, department, title, start, end=None, **extra):
    return child_record_save(actor=staff, obj=PostAssignment(
        cadre=cadre, department=department, title=title, start_date=start, end_date=end, **extra))


def entry(staff, cadre, start, end, unit, post_title=""):
    return child_record_save(actor=staff, obj=ResumeEntry(cadre=cadre, start_date=start, end_date=end, unit=unit,
                                                          post=post_title))


def resume(user, cadre):
    """The résumé as the record page reads it (everything prefetched)."""
    return resume_of(cadre_record(user, cadre.pk))


def test_lines_before_the_first_post_are_entered_and_the_post_history_gives_the_rest(staff, units):
    cadre = CadreFactory(department=units["法规科"], birth_date=dt.date(1984, 3, 2))
    entry(staff, cadre, MonthDate(2002, 9), MonthDate(2006, 7), "某某大学法学院", "学生")
    entry(staff, cadre, MonthDate(2006, 7), MonthDate(2010, 7), "某某县司法局", "科员")
    post(staff, cadre, units["法规科"], "法规科科员", MonthDate(2010, 7), dt.date(2015, 6, 30))
    post(staff, cadre, units["法规科"], "法规科副科长", dt.date(2015, 7, 1), level="52")

    result = resume(staff, cadre)
    assert result.text == (
        "2002.09--2006.07  某某大学法学院学生\n"
        "2006.07--2010.07  某某县司法局科员\n"
        "2010.07--2015.07  区测试局法规科科员\n"  # ended the day before the next began: the months join
        "2015.07--至今  区测试局法规科副科长"
    )
    assert result.joined_on == dt.date(2010, 7, 1)
    assert [line.generated for line in result.lines] == [False, False, True, True]
    assert (result.gaps, result.overlapping, result.undated_posts) == ([], [], [])


def test_a_unit_is_written_under_the_bureau_and_a_title_repeats_no_department(staff, units):
    section = department_create(actor=staff, name="综合科", parent=units["第一所"])
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["root"], "副局长", dt.date(2001, 1, 1), dt.date(2001, 12, 31))
    post(staff, cadre, units["法规科"], "科员", dt.date(2002, 1, 1), dt.date(2002, 12, 31))
    post(staff, cadre, units["第一所"], "第一所副所长", dt.date(2003, 1, 1), dt.date(2003, 12, 31))
    post(staff, cadre, section, "第一所综合科科长", dt.date(2004, 1, 1), dt.date(2004, 12, 31))
    post(staff, cadre, section, "副科长", dt.date(2005, 1, 1), dt.date(2005, 12, 31))
    post(staff, cadre, units["办公室"], f"{BUREAU}办公室主任", dt.date(2006, 1, 1))
    assert [line.text for line in resume(staff, cadre).lines] == [
        "区测试局副局长", "区测试局法规科科员", "区测试局第一所副所长", "区测试局第一所综合科科长",
        "区测试局第一所综合科副科长", "区测试局办公室主任",
    ]


def test_a_department_named_with_the_bureau_or_by_a_short_name_is_not_doubled(staff, units):
    own = department_create(actor=staff, name=f"{BUREAU}综合执法大队", parent=units["root"],
                            kind=Department.Kind.UNIT, short_name="执法大队")
    cadre = CadreFactory(department=own)
    post(staff, cadre, own, "执法大队副大队长", dt.date(2020, 1, 1))
    assert resume(staff, cadre).text == "2020.01--至今  区测试局综合执法大队副大队长"


def test_a_post_held_within_another_is_written_as_concurrent(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科长", dt.date(2015, 3, 1), dt.date(2022, 2, 28))
    post(staff, cadre, units["办公室"], "机关党委委员", MonthDate(2017, 3), dt.date(2019, 6, 30))
    post(staff, cadre, units["法规科"], "法规科党支部书记", dt.date(2019, 9, 1), dt.date(2022, 2, 28))
    post(staff, cadre, units["第一所"], "第一所所长", dt.date(2022, 3, 1))
    post(staff, cadre, units["第一所"], "第一所党支部书记", dt.date(2022, 3, 1))  # the same years: 兼
    post(staff, cadre, units["办公室"], "保密委员会委员", dt.date(2023, 5, 1))  # within an open post

    assert resume(staff, cadre).text == (
        "2015.03--2022.03  区测试局法规科科长"
        "（其间：2017.03--2019.06兼任办公室机关党委委员；2019.09--2022.02兼任法规科党支部书记）\n"
        "2022.03--至今  区测试局第一所所长兼第一所党支部书记（其间：2023.05--至今兼任办公室保密委员会委员）"
    )


def test_overlapping_posts_not_held_within_one_another_stay_lines_of_their_own(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科员", dt.date(2010, 1, 1), dt.date(2014, 6, 30))
    post(staff, cadre, units["办公室"], "办公室科员", dt.date(2013, 1, 1), dt.date(2016, 12, 31))
    assert resume(staff, cadre).text == (
        "2010.01--2014.06  区测试局法规科科员\n"
        "2013.01--2016.12  区测试局办公室科员"
    )


def test_a_post_ended_without_a_successor_ends_in_its_own_month(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科员", dt.date(2010, 1, 1), dt.date(2014, 6, 15))
    result = resume(staff, cadre)
    assert result.text == "2010.01--2014.06  区测试局法规科科员"
    assert result.gaps == []  # nothing after it: no gap to speak of


def test_months_no_line_covers_are_noted_unless_an_entered_line_fills_them(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    entry(staff, cadre, MonthDate(2002, 9), MonthDate(2006, 7), "某某大学", "学生")
    post(staff, cadre, units["法规科"], "法规科科员", MonthDate(2007, 1), dt.date(2012, 4, 30))
    post(staff, cadre, units["法规科"], "法规科副科长", MonthDate(2012, 9))
    gaps = resume(staff, cadre).gaps
    assert [str(gap) for gap in gaps] == ["2006.08--2006.12", "2012.05--2012.08"]

    # An entered line in the gap (study at the party school, say) closes it, and overlaps nothing.
    entry(staff, cadre, MonthDate(2012, 5), MonthDate(2012, 8), "区委党校", "中青班学员")
    result = resume(staff, cadre)
    assert [str(gap) for gap in result.gaps] == ["2006.08--2006.12"]
    assert result.overlapping == []
    assert result.lines[2].text == "区委党校中青班学员" and not result.lines[2].generated


def test_an_entered_line_overlapping_the_post_history_is_flagged_not_dropped(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科员", MonthDate(2010, 7), dt.date(2015, 6, 30))
    joining = entry(staff, cadre, MonthDate(2006, 7), MonthDate(2010, 7), "某某县司法局", "科员")  # meets it
    twice = entry(staff, cadre, MonthDate(2012, 1), MonthDate(2014, 12), "法规科", "科员")  # typed by hand again
    result = resume(staff, cadre)
    assert [line.entry for line in result.overlapping] == [twice]
    assert [str(other) for other in result.overlapping[0].overlaps] == ["2010.07--2015.06  区测试局法规科科员"]
    assert joining in [line.entry for line in result.lines]
    assert "2012.01--2014.12  法规科科员" in result.text  # kept: an officer deletes it, the system does not

    page = cadre_page(staff, cadre)
    assert page.count("与任职记录重叠") == 2  # on the résumé's line and on the entered row
    assert ("录入的“2012.01--2014.12  法规科科员”与任职记录“2010.07--2015.06  区测试局法规科科员”重叠："
            "任职期间的简历取自任职记录，请修改或删除这一行录入的简历。") in page


def test_an_open_entered_line_overlaps_everything_after_it(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科员", MonthDate(2010, 7))
    entry(staff, cadre, MonthDate(2008, 7), None, "某某公司", "职员")
    [line] = resume(staff, cadre).overlapping
    assert str(line) == "2008.07--至今  某某公司职员"


def test_posts_without_a_start_date_are_left_out_and_listed(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    post(staff, cadre, units["法规科"], "法规科科员", None)
    result = resume(staff, cadre)
    assert result.lines == [] and result.joined_on is None
    assert [p.title for p in result.undated_posts] == ["法规科科员"]
    assert "1 条任职记录没有任职时间，未列入简历（法规科科员）" in cadre_page(staff, cadre)


def test_the_record_page_shows_the_resume_in_the_forms_words(staff, units):
    cadre = CadreFactory(department=units["法规科"])
    entry(staff, cadre, MonthDate(2006, 9), MonthDate(2010, 7), "某某大学法学院", "学生")
    post(staff, cadre, units["法规科"], "法规科科员", MonthDate(2010, 7))
    page = cadre_page(staff, cadre)
    assert '<span class="resume-dates">2006.09--2010.07</span>  某某大学法学院学生' in page
    assert '<span class="resume-dates">2010.07--至今</span>  区测试局法规科科员' in page
    assert "2010.07 起各行取自“职务任职”记录" in page
    # The form says what to enter there, and what not.
    form = client_for(staff).get(reverse("cadres:resume_create", args=[cadre.pk])).text
    assert "简历中2010.07 起的各行取自“职务任职”记录，不必在此录入" in form


def test_an_entered_line_is_dated_to_the_month_and_checked(staff_client, staff):
    cadre = CadreFactory(birth_date=dt.date(1984, 3, 2))
    url = reverse("cadres:resume_create", args=[cadre.pk])
    response = staff_client.post(url, {"start_date": "2002.09", "end_date": "2006.07", "unit": "某某大学法律系",
                                       "post": "学生"})
    assert response.status_code == 302
    line = ResumeEntry.objects.get(cadre=cadre)
    assert (line.start_date, line.start_date_precision, line.end_date_precision) == (
        dt.date(2002, 9, 1), "month", "month")
    assert line.history.get().history_user == staff

    refused = {
        "end before start": ({"start_date": "2006.07", "end_date": "2002.09", "unit": "某大学"}, "end_date"),
        "before birth": ({"start_date": "1980.01", "unit": "某小学"}, "start_date"),
        "no unit nor post": ({"start_date": "2002.09"}, "unit"),
        "not a date": ({"start_date": "二〇〇二年", "unit": "某大学"}, "start_date"),
    }
    for data, field in refused.values():
        response = staff_client.post(url, data)
        assert response.status_code == 200 and field in response.context["form"].errors, data
    assert ResumeEntry.objects.filter(cadre=cadre).count() == 1


# --- helpers --------------------------------------------------------------------------------------


def client_for(user):
    from django.test import Client

    from tests.factories import log_in

    return log_in(Client(), user)


def cadre_page(user, cadre) -> str:
    response = client_for(user).get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert response.status_code == 200
    return response.text
