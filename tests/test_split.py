"""The split of enrichment for a cluster (index/nlp/split.py) without a cluster: recorded table calls settle
against the real table, the result travels as plain values (new fields too), the workers' tables follow the
client's; the cluster address rules and the progress line's worker count."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest
from newsfind.index.ingest.progress import Progress
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.cluster import check_address
from newsfind.index.nlp.enrich import Enrichment
from newsfind.index.nlp.metadata import ArticleDate, Metadata
from newsfind.index.nlp.names import person_key
from newsfind.index.nlp.split import (
    ArticleResult,
    Delta,
    RecordingTable,
    TableFeed,
    WorkerTable,
    clone_table,
    from_plain,
    layered,
    settle,
    table_data,
    table_from_data,
    to_plain,
)


def test_recorded_calls_settle_against_the_same_table_state():
    speculative, real = CanonicalTable(), CanonicalTable()
    for t in (speculative, real):
        t.person("Hillary Clinton")
    recording = RecordingTable(clone_table(speculative))
    assert recording.person("Clinton") == "Hillary Clinton"
    recording.count_article(["Hillary Clinton"])
    assert settle(recording.calls, real) is None and real.articles == {person_key("Hillary Clinton"): 1}


def test_a_differing_answer_stops_the_replay_there():
    speculative, real = CanonicalTable(), CanonicalTable()
    real.person("Bill Clinton")  # the real table learnt of him in an article still in flight for the worker
    recording = RecordingTable(speculative)
    recording.org("State Department")
    recording.person("Clinton")  # the worker: nobody; the real table: Bill Clinton
    recording.count_article(["Clinton"])
    assert settle(recording.calls, real) == 2
    assert real.articles == {}  # nothing after the differing call was applied


def test_reading_a_table_attribute_directly_is_refused():
    with pytest.raises(AttributeError, match="only call the table's methods"):
        _ = RecordingTable(CanonicalTable()).persons


def test_arguments_are_recorded_as_they_were_at_the_call():
    recording = RecordingTable(CanonicalTable())
    names = ["Hillary Clinton"]
    recording.count_article(names)
    names.append("Bill Clinton")
    assert recording.calls[0][1] == (["Hillary Clinton"],)


def test_enrichment_travels_as_plain_values_and_comes_back_equal():
    date = ArticleDate(text="2016-03-01", precision="day", year=2016, month=3, day=1)
    enrichment = Enrichment(metadata=Metadata(outlet="UPI", date=date, author=None, sources={"outlet": "record"}),
                            persons=["Hillary Clinton"], quotes=[{"speaker": "Hillary Clinton", "start": 0}])
    plain = to_plain(enrichment)
    assert plain["__dataclass__"] == "newsfind.index.nlp.enrich:Enrichment"
    assert from_plain(pickle.loads(pickle.dumps(plain))) == enrichment
    assert ArticleResult(plain=plain).value() == enrichment
    assert repr(ArticleResult(error="ValueError('odd')").value()) == "ValueError('odd')"


def test_the_models_candidates_stay_on_the_worker():
    """Compact results: the candidates with their features (tens per article, each with dozens of
    features) are only for the process that computed them; they are not stored in the index."""
    from newsfind.index.nlp.speakers.features import Candidate

    enrichment = Enrichment(metadata=Metadata(outlet=None, date=None, author=None, sources={}),
                            speakers=["A B"], candidates=[Candidate("A B", 0, 3, 0, {"subj": 1.0})])
    plain = to_plain(enrichment)
    assert "candidates" not in plain and plain["speakers"] == ["A B"]
    assert from_plain(plain).candidates == []


@dataclass
class Extended:  # stands for a field another change adds to the worker's dataclass
    persons: list[str]
    probabilities: dict[str, float] = field(default_factory=dict)


def test_a_new_field_flows_through_and_only_newsfind_classes_are_rebuilt(monkeypatch):
    value = Extended(["A B"], {"A B": 0.9})
    plain = to_plain(value)
    assert plain["probabilities"] == {"A B": 0.9}
    with pytest.raises(ValueError, match="not a newsfind dataclass"):
        from_plain(plain)  # tests.test_split: never imported from a worker's answer


def test_table_feed_brings_a_workers_table_to_the_clients():
    real = CanonicalTable()
    real.person("Hillary Clinton")
    feed = TableFeed(real, limit=2)
    real.person("Donald Trump")
    real.org("U.S. State Department")
    real.count_article(["Donald Trump"])
    feed.counted([("count_article", (["Donald Trump"],), {}, None)])
    worker = table_from_data(feed.data)
    feed.delta().apply(worker)
    assert table_data(worker) == table_data(real) and worker.person("Trump") == "Donald Trump"
    assert feed.maybe_renew() and feed.generation == 1 and feed.delta().size() == 0
    assert table_data(table_from_data(feed.data)) != table_data(real)  # the run's first table, as sent
    rebuilt = table_from_data(feed.data)
    feed.chunks[0].apply(rebuilt)
    assert table_data(rebuilt) == table_data(real)


def test_a_workers_table_takes_each_chunk_once_and_matches_every_generation():
    """Chunks carry only what was added since the one before (each entry travels once), and a worker's
    table, brought forward chunk by chunk or rebuilt for an older generation, is the client's."""
    real = CanonicalTable()
    real.person("Hillary Clinton")
    feed, worker = TableFeed(real, limit=3), WorkerTable()
    seen = {0: table_data(real)}  # the table of each generation, as it was when its chunk closed
    names = ["Donald Trump", "Bernie Sanders", "Ted Cruz", "Marco Rubio", "Jeb Bush", "John Kasich", "Ben Carson",
             "Carly Fiorina", "Chris Christie", "Rand Paul", "Mike Huckabee", "Rick Santorum"]
    for name in names:
        real.person(name)
        real.count_article([name])
        feed.counted([("count_article", ([name],), {}, None)])
        assert table_data(worker.table(feed.data, feed.chunks, feed.delta())) == table_data(real)
        if feed.maybe_renew():
            seen[feed.generation] = table_data(real)
    assert feed.generation >= 4
    entries = [key for chunk in feed.chunks for key, _ in chunk.person]
    assert len(entries) == len(set(entries)) and set(entries) <= {person_key(n) for n in names}
    assert all(chunk.size() <= 2 * feed.limit for chunk in feed.chunks)
    back = 1  # a batch sent before later renewals: its own generation, not the newest
    older = worker.table(feed.data, feed.chunks[:back], Delta())
    assert table_data(older) == seen[back]
    assert table_data(worker.table(feed.data, feed.chunks, feed.delta())) == table_data(real)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786",
                                     "tls://nlp-head.example:8786", "tls://10.0.0.5:8786"])
def test_addresses_that_keep_article_text_off_open_networks(address):
    assert check_address(address) == address


def test_tcp_to_another_machine_needs_insecure():
    with pytest.raises(ValueError, match="unencrypted"):
        check_address("tcp://10.0.0.5:8786")
    assert check_address("tcp://10.0.0.5:8786", insecure=True) == "tcp://10.0.0.5:8786"


def test_progress_line_counts_connected_workers():
    progress = Progress(None, total=10, clock=lambda: 0.0)
    assert "workers" not in progress.line()
    progress.set_workers(3)
    assert progress.line().endswith("3 workers")


def test_a_layered_table_answers_as_a_copy_does_and_leaves_its_base_alone():
    base = CanonicalTable()
    for name in ("Hillary Clinton", "Bill Clinton", "Donald Trump", "Debbie Wasserman Schultz"):
        base.person(name)
    base.count_article(["Donald Trump"])
    base.org("State Department")
    before = table_data(base)
    layer, copy = layered(base), clone_table(base)
    calls = [("person", ("Trump",)), ("person", ("Ivanka Trump",)), ("person", ("Trump",)), ("person", ("Clinton",)),
             ("person", ("Chelsea Clinton",)), ("person", ("Wasserman Schultz",)), ("person", ("Ann Schultz",)),
             ("count_article", (["Ivanka Trump", "Donald Trump"],)), ("org", ("state department",)),
             ("org", ("Pentagon",)), ("place", ("Damascus",)), ("knows_person", ("Ivanka Trump",))]
    for name, args in calls:
        assert getattr(layer, name)(*args) == getattr(copy, name)(*args), (name, args)
    assert table_data(layer) == table_data(copy) != before
    assert table_data(base) == before and base.person("Trump") == "Donald Trump"  # Ivanka is the layer's only
    assert not base.knows_person("Ivanka Trump") and layer.knows_person("Ivanka Trump")


def test_a_workers_batch_adds_to_its_own_table_not_to_the_one_the_worker_keeps():
    real = CanonicalTable()
    real.person("Donald Trump")
    feed, worker = TableFeed(real, limit=100), WorkerTable()
    batch = worker.table(feed.data, feed.chunks, feed.delta())
    batch.person("Ivanka Trump")  # an article of the batch names her: the client has not
    again = worker.table(feed.data, feed.chunks, feed.delta())
    assert table_data(again) == table_data(real) and again.person("Trump") == "Donald Trump"
