"""The one Whoosh schema of newsfind, and the names of its fields.

Every faceted attribute exists twice, on purpose:

* a *search field* under the name users type (`speaker`, `person`, `org`, `place`, `outlet`,
  `author`, `tag`): analysed text, so `speaker:Lavrov` and `speaker:"Sergey Lavrov"` both match
  an article whose canonical speaker is "Sergei Lavrov";
* a *facet field* (`facet_speaker`, ...): the exact canonical values, stored, with a list column
  so that Whoosh counts several values per document (`FieldFacet(..., allow_overlap=True)`)
  straight from the column — no term vectors (which crash on empty documents) and no walk over
  every posting. Drill-down filters are exact `Term(facet_field, value)` queries.

`group` is the syndication group of the article (exact and near duplicates share one; see
`index/ingest/dedup.py`); its size is counted from the index when shown, never stored, so it cannot go stale.

Dates: `date` (DATETIME, day precision, only when the year is known), `year` and `month`
(histogram keys), and the stored `date_text` / `date_precision`, which keep a date that has no
year ("--09-18", precision "month-day") without inventing one.
"""

from __future__ import annotations

from newsfind.index.analysis import VALUE_SEPARATOR, PersonNameAnalyzer, ProperNameAnalyzer
from whoosh import columns
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

# Bump when enrichment changes in a way that should re-process unchanged files.
# 5: transcript labels, pronouns paragraphs back, quote continuation, no place as a speaker
#    (PolNeAR dev P 0.871, speaker-match 0.862)
# 6: subjects across asides and runs-on, pronouns by clause, names as compounds of a speech verb
# 7: coordinated speakers ("Ted Cruz and Marco Rubio said"), dash lines naming a quote's speaker
#    (PolNeAR dev P 0.888, speaker-match 0.886)
# 8: gendered-title surnames, reported speech names no speaker, outlets as organisations
#    (PolNeAR dev P 0.896, speaker-match 0.887)
# 9: stances (endorsed, opposed, called for, believes that) make speakers; coordinated and
#    'including' members; gerunds after by/before; promises with an infinitive; name tails
#    (PolNeAR dev P 0.905, speaker-match 0.894 with the v2 pronoun gold; P 0.895, 0.898 with v1)
# 10: hard-wrapped bodies (wire archives, old .txt files) are analysed unwrapped: a name or quote
#    broken across lines is one (PolNeAR train unchanged: its texts are not wrapped)
# 11: a learned model decides the speakers (index/nlp/speakers/model.py, trained on PolNeAR train by
#    `make train-attribution`), the rules are its features; every attribution carries a probability
# 12: the model learns a cue lexicon from train's annotated cues (index/nlp/speakers/cuelex.py)
#     and a dash glued to a name opening a list line ("-David Rothschild assesses") no longer hides the person
# 13-14: the model's verb frames and sentences around (13), run-together names split (14)
# 15: a name the model cuts in two ('Sheila Jackson' 'Lee') joined, glued quotation marks read spaced, a list
#     line's name vetoed; the model retrained on gold 3's labels
# 16: a he/she's quotes go to the person the model finds it most probably is, not the rules' pick
# 17: a quote of a coordinated source has co-speakers, each with a probability ('Cruz and Rubio said'; a name
#     list before a colon); a co-speaker gets no quote of the sentence of their own
# 18: an embedded tweet is its author's quote; a first name and a surname the model tags as an organisation or
#     place is a person when the article writes the surname alone; 'Speaker of the House Rep. X said' is X's
# 19: an embedded tweet is one quote, quotation marks inside and all, and its words count as quoted
# 20: a line break ends a sentence for the parser (the entity recogniser runs before it); title abbreviations
#     keep their period ('Navy Capt.', 'Sens.'); a name after an inverted verb or before its role speaks; a
#     he/she after a named subject and a quotation is that subject; a main subject before a speaker named earlier
# 21: The Hill's hover cards and soft hyphens left out of what the parser reads; labels ('Loser:', 'TARGET:',
#     'NPR:', all-capital headings) are no persons; an office run into a name ends it ('Santa Rosa Sheriff Bob
#     Johnson'), as does a capitalised speech verb; 'like'/'such as' members after a comma speak
# 22: a one-word PERSON span the body writes in lower case and capitalises only where sentences open is a common
#     word ('Jubilation erupted'); more publications are organisations
# 23: a one-word PERSON the article mostly tags as a place is the place ('Baltimore riots:'), unless a longer
#     name here or a surname the index knows holds it (entities.places_tagged_person)
# 24: a one-word PERSON the article calls an organisation (', which', an apposition or a noun before it, an
#     organisation ending on it) is one (entities.things_tagged_person); lines in capitals only (related stories'
#     headlines) are masked from what the parser reads (enrich.CAPITALS_LINE)
# 25: review fixes of 24: capitals lines found line by line (the regex backtracked; its exceptions leaked), a
#     company word makes an organisation only where it cannot describe a person
PIPELINE_VERSION = "25"

# Facet name -> (search field, facet field). The order is the display order.
FACETS: dict[str, tuple[str, str]] = {
    "speaker": ("speaker", "facet_speaker"),
    "speaker_org": ("speaker_org", "facet_speaker_org"),
    "person": ("person", "facet_person"),
    "org": ("org", "facet_org"),
    "place": ("place", "facet_place"),
    "outlet": ("outlet", "facet_outlet"),
    "author": ("author", "facet_author"),
    "tag": ("tag", "facet_tag"),
}
ENTITY_KINDS = ("person", "org", "place")

# Fields a user may name in a query.
QUERY_FIELDS = ("title", "body", "quote", "date", *FACETS)
DEFAULT_SEARCH_FIELDS = ("title", "body")


class FacetValues(KEYWORD):
    """Exact facet values of one document, stored, counted from a per-document list column.

    Values are given as one string joined by `VALUE_SEPARATOR`-free commas; see `join_values`.
    """

    def __init__(self) -> None:
        super().__init__(stored=True, commas=True, lowercase=False, scorable=False)
        self.column_type = columns.VarBytesListColumn()

    def to_column_value(self, value):
        return [v.encode("utf-8") for v in split_values(value)]

    def from_column_value(self, value):
        return [v.decode("utf-8") for v in value]


def join_values(values) -> str:
    """Facet values as stored: comma-joined, commas inside values replaced (they are rare in names)."""
    return ",".join(v.replace(",", " ").strip() for v in values if v and v.strip())


def split_values(stored: str | None) -> list[str]:
    return [v for v in (stored or "").split(",") if v]


def join_searchable(values) -> str:
    """Entity values as fed to a search field: one value per segment, with a position gap between."""
    return VALUE_SEPARATOR.join(values)


def build_schema() -> Schema:
    body_analyzer = StemmingAnalyzer(stoplist=frozenset({"a", "an", "the", "and", "or", "of", "to", "in"}))
    fields = {
        "id": ID(stored=True, unique=True, sortable=True),
        "source": STORED(),  # path of the file the article came from
        "content_hash": ID(stored=True, sortable=True),
        "title": TEXT(analyzer=body_analyzer, stored=True, field_boost=2.0),
        "body": TEXT(analyzer=body_analyzer, stored=True),
        "url": STORED(),
        "date": DATETIME(stored=False, sortable=True),
        "dated": NUMERIC(sortable=True),  # 1 when `date` is set: undated articles sort last
        "year": ID(stored=True, sortable=True),
        "month": ID(stored=True, sortable=True),
        "date_text": STORED(),
        "date_precision": STORED(),
        "metadata_sources": STORED(),  # where outlet/date/author came from: record or inferred
        "quotes": STORED(),  # [{speaker, speaker_type, text, start, end, kind, cue, rule, confidence}]
        "mentions": STORED(),  # [{kind, value, text, start, end}] for marking entities in the article
        # Words inside what was said (every attributed quote, direct or reported): `quote:agenda`.
        "quote": TEXT(analyzer=body_analyzer),
        # Curation (index/curation): the extracted values of the fields archivists corrected.
        "extracted": STORED(),
        # Syndication group (index/ingest/dedup.py): every version of one story holds the same id, an
        # article with no other version an id of its own. Sortable: search collapses on its column.
        "group": ID(stored=True, sortable=True),
    }
    for facet, (search_field, facet_field) in FACETS.items():
        analyzer = PersonNameAnalyzer() if facet in ("speaker", "person", "author") else ProperNameAnalyzer()
        if facet == "tag":
            fields[search_field] = KEYWORD(lowercase=True, commas=True)
        else:
            fields[search_field] = TEXT(analyzer=analyzer, phrase=True)
        fields[facet_field] = FacetValues()
    return Schema(**fields)
