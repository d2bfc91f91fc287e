from datetime import datetime

import pytest
from newsfind.index.schema import build_schema
from newsfind.search.query import QueryError, date_bounds, parse_query
from whoosh import query as wq

SCHEMA = build_schema()


def parse(text):
    return parse_query(text, SCHEMA)


@pytest.mark.parametrize("text, message", [
    ('"unclosed phrase', "unclosed quote"),
    ("(Syria OR Russia", "parenthesis"),
    ("Syria)", "parenthesis"),
    ("date:[2015-09-01 to 2015-09-30", "unclosed range"),
    ("colour:red", "unknown field 'colour:'"),
    ("date:2015-09-31", "not a valid date"),
    ("date:2015-13", "not a valid date"),
    ("date:yesterday", "not a date"),
    ("date:[2015-10 to 2015-09]", "ends before it starts"),
    ("*ussia", "wildcard cannot start"),
    ("health^" + "9" * 400 + " OR Syria", "a boost (^) is at most 1,000,000, not inf"),  # ranked nothing
    ("health^2000000", "a boost (^) is at most 1,000,000"),  # two of these summed overflow alike
])
def test_bad_queries_say_what_is_wrong(text, message):
    with pytest.raises(QueryError) as err:
        parse(text)
    assert message in str(err.value)


def test_dates_become_code_built_ranges():
    q = parse("date:2015-09")
    assert isinstance(q, wq.DateRange)
    assert (q.startdate, q.enddate) == date_bounds("2015-09")
    assert q.startdate == datetime(2015, 9, 1) and q.enddate.date() == datetime(2015, 9, 30).date()
    q = parse("date:[2015-09-05 to 2015-09-07]")
    assert q.startdate == datetime(2015, 9, 5) and q.enddate.day == 7  # the whole end day is included
    assert parse("date:[2015 to]").enddate is None


def test_default_fields_and_operators():
    assert isinstance(parse("Syria Lavrov"), wq.And)
    assert isinstance(parse("Syria OR Lavrov"), wq.Or)
    assert "ANDNOT" in str(parse("Syria -Putin")) and "ANDNOT" not in str(parse("al-Assad"))
    assert isinstance(parse(""), wq.Every) and isinstance(parse("*"), wq.Every)
    assert "~" in str(parse("Lavrv~"))


def test_entity_fields_fold_names():
    assert str(parse('speaker:"Sergey V. Lavrov"')) == str(parse('speaker:"Sergei Lavrov"'))
    assert str(parse('person:"President Putin"')) == str(parse("person:Putin"))
