from newsfind.index.nlp.metadata import infer_metadata, parse_date
from newsfind.index.readers.files import read_articles

from tests.conftest import SEEDS


def seed(stem: str):
    return next(a for a in read_articles([SEEDS]) if a.id.startswith(stem))


def test_agency_dateline_gives_outlet_and_a_date_without_year():
    a = seed("001")
    meta = infer_metadata(a.title, a.body)
    assert meta.outlet == "UPI"
    assert meta.date.text == "--09-18" and meta.date.precision == "month-day"
    assert meta.date.year is None and meta.date.when is None  # no year is invented
    assert "dateline" in meta.sources["outlet"]


def test_source_author_and_date_lines():
    a = seed("004")
    meta = infer_metadata(a.title, a.body)
    assert (meta.outlet, meta.author, meta.date.text, meta.date.precision) == (
        "112 Ukraine", "Anton Pechenkin", "2015-09-07", "day")


def test_mentions_are_never_the_outlet_and_unstated_dates_stay_empty():
    for stem in ("000", "002", "003"):
        a = seed(stem)
        meta = infer_metadata(a.title, a.body)
        assert meta.outlet is None and meta.date is None and meta.author is None, stem
    meta = infer_metadata("Title", "According to a New York Times report, things happened on 7 September 2015 "
                          "and more things happened later that day in a long paragraph. " * 3)
    assert meta.outlet is None and meta.date is None


def test_record_metadata_wins_and_dates_are_parsed():
    meta = infer_metadata("T", "WASHINGTON, Sept. 18 (UPI) — text", outlet="Reuters", date="2016-03-04T10:00:00Z")
    assert meta.outlet == "Reuters" and meta.date.text == "2016-03-04"
    assert meta.sources == {"outlet": "record", "date": "record"}
    assert parse_date("2015-09").precision == "month"
    assert parse_date("Sep 7, 2015").text == "2015-09-07"
    assert parse_date("2015-02-30") is None
    assert parse_date("next Tuesday") is None
