"""Entities and speakers from the real spaCy pipeline, on the seeds and on small texts that
isolate one rule each."""

import pytest
from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.enrich import analysed, analysed_text, enrich_doc
from newsfind.index.nlp.entities import extract_mentions
from newsfind.index.nlp.names import HONORIFICS, PRONOUNS
from newsfind.index.nlp.pipeline import load_pipeline
from newsfind.index.readers.types import SourceArticle

# Nearly every test here parses with the real pipeline; the few that test name tables alone go with them.
pytestmark = pytest.mark.model

LAVROV = "Sergei Lavrov"


def enrich_text(body: str, title: str = "Title", table: CanonicalTable | None = None):
    article = SourceArticle(id="t", title=title, body=body, source="test")
    text, offset = analysed_text(article)
    return enrich_doc(article, load_pipeline()(text), offset, table or CanonicalTable())


def speaker_of(enrichment, fragment: str) -> str | None:
    for q in enrichment.quotes:
        if fragment in q["text"]:
            return q["speaker"]
    raise AssertionError(f"no quote containing {fragment!r}: {enrichment.quotes}")


# -- the seeds ---------------------------------------------------------------------------------


def test_lavrov_is_one_canonical_person_across_the_seeds(seed_articles):
    for article in seed_articles.values():
        lavrovs = [p for p in article["persons"] if "Lavrov" in p]
        assert lavrovs == [LAVROV], (article["id"], article["persons"])


def test_lavrov_speaks_only_where_he_is_quoted(seed_articles):
    speaking = {aid for aid, a in seed_articles.items() if LAVROV in a["speakers"]}
    assert speaking == {"002_a2b3b58d53712aaf", "004_2064c722ad5b44e7"}


@pytest.mark.parametrize("article_id, speakers", [
    ("000_cc762b55518d5dfc", {"John Kerry", "Vladimir Putin"}),
    ("001_4381e5166d85121b", {"John Kerry"}),
    ("002_a2b3b58d53712aaf", {"Maria Zakharova", LAVROV, "John Kerry", "Vladimir Putin", "Betina Zhoteva",
                              "Mikhail Bogdanov"}),
    ("003_f379e9a848eb2c6b", {"John Kerry", "John Kirby"}),
    ("004_2064c722ad5b44e7", {"Josh Earnest", "Vladimir Putin", "John Kerry", LAVROV}),
])
def test_seed_speakers(seed_articles, article_id, speakers):
    assert set(seed_articles[article_id]["speakers"]) == speakers


def test_mentioned_people_are_persons_but_not_speakers(seed_articles):
    a = seed_articles["001_4381e5166d85121b"]
    assert {"Ashton Carter", "Sergei Shoigu", LAVROV} <= set(a["persons"])
    assert not {"Ashton Carter", "Sergei Shoigu", LAVROV} & set(a["speakers"])


def test_photographer_and_byline_author_are_not_speakers(seed_articles):
    upi = seed_articles["001_4381e5166d85121b"]
    assert not any("Weeks" in p for p in upi["persons"] + upi["speakers"])
    pechenkin = seed_articles["004_2064c722ad5b44e7"]
    assert pechenkin["authors"] == ["Anton Pechenkin"]
    assert "Anton Pechenkin" not in pechenkin["speakers"]


def test_organisations_speak_apart_from_people(seed_articles):
    assert seed_articles["001_4381e5166d85121b"]["speaker_orgs"] == ["Pentagon"]
    assert "State Department" in seed_articles["000_cc762b55518d5dfc"]["speaker_orgs"]
    for a in seed_articles.values():
        assert not set(a["speaker_orgs"]) & set(a["speakers"])


def test_no_pronoun_title_or_fragment_is_an_entity(seed_articles):
    for a in seed_articles.values():
        for value in a["persons"] + a["orgs"] + a["places"]:
            assert value.lower() not in PRONOUNS and value.lower() not in HONORIFICS, value
            assert value[0].isupper() or value[0].isdigit(), value
            assert not value.isupper() or len(value) <= 5, value
        assert "State" not in a["orgs"] and "Defense" not in a["orgs"]


def test_place_and_org_aliases_are_merged(seed_articles):
    a = seed_articles["000_cc762b55518d5dfc"]
    assert "United States" in a["places"] and "U.S." not in a["places"] and "U.S" not in a["places"]
    b = seed_articles["002_a2b3b58d53712aaf"]
    assert "State Department" in b["orgs"] and "U.S. State Department" not in b["orgs"]


def test_quotes_are_stored_with_spans_into_the_body(seed_articles):
    a = seed_articles["003_f379e9a848eb2c6b"]
    kirby = [q for q in a["quotes"] if q["speaker"] == "John Kirby" and q["kind"] == "direct"]
    assert len(kirby) >= 3
    for q in a["quotes"]:
        assert a["body"][q["start"]:q["end"]] == q["text"]
        assert 0 <= q["confidence"] <= 1 and q["rule"] and q["cue"] is not None


# -- one rule at a time ------------------------------------------------------------------------


def test_pronoun_subjects_resolve_to_the_person_referred_to():
    e = enrich_text(
        "Foreign Ministry spokeswoman Maria Zakharova spoke to reporters on Monday. "
        "“We have nothing to hide,” she said. Defense Minister Sergei Shoigu listened. "
        "“This is a lie,” he added."
    )
    assert speaker_of(e, "nothing to hide") == "Maria Zakharova"
    assert speaker_of(e, "This is a lie") == "Sergei Shoigu"


def test_a_he_after_a_named_subject_and_a_quotation_is_that_subject():
    # the parse hangs "weighed" under "he said" as what he said; the subject before the quotation is still the
    # "he", not the last speaker of the sentence before. Without a quotation between, it stays what he said.
    e = enrich_text(
        "On Sunday, Bernie Sanders issued a new line of attack, stating on NBC that Clinton's judgment was "
        "\"clearly lacking.\"\n\n"
        "Vice President Joe Biden weighed in as well, telling Mic in an interview published on Monday, "
        "“But gosh almighty, they’re both qualified,” he said, adding, “Hillary’s overwhelmingly qualified.”"
    )
    assert speaker_of(e, "gosh almighty") == "Joe Biden"
    assert speaker_of(e, "overwhelmingly qualified") == "Joe Biden"


def test_a_he_is_the_main_subject_before_a_speaker_of_a_clause_before_it():
    # Trump speaks in the "when" clause, but the sentence is Rubio's: the next "he" is Rubio
    e = enrich_text(
        "When Donald Trump suggested that Cuba would sue the U.S., Marco Rubio fired back at him forcefully.\n\n"
        "And he continued on, mocking Trump’s bluster about being able to negotiate “a stronger deal” with Cuba."
    )
    assert speaker_of(e, "a stronger deal") == "Marco Rubio"


def test_a_line_break_ends_the_sentence_the_parser_would_run_on():
    # the parser ran the quotation into the next paragraph and made Isakson what "be" is; no one spoke
    e = enrich_text(
        "“I’d be glad to have him in the state.”\n\n"
        "Sens. Johnny Isakson of Georgia and John Boozman of Arkansas, both up for reelection in conservative "
        "territory, also said they'd be happy to have Cruz on the trail with them."
    )
    assert {"Johnny Isakson", "John Boozman"} <= set(e.speakers)
    sentences = [s.text for s in load_pipeline()("Title\n\nJohn Kerry told Sergei Lavrov so.\nHe left.").sents]
    assert sentences == ["Title\n\n", "John Kerry told Sergei Lavrov so.\n", "He left."]


def test_quote_followed_by_name_said_and_according_to():
    e = enrich_text(
        "“The talks were useful,” John Kirby said on Thursday. The meeting lasted an hour, according to "
        "Josh Earnest. Reporters asked Hillary Clinton nothing."
    )
    assert speaker_of(e, "talks were useful") == "John Kirby"
    assert set(e.speakers) == {"John Kirby", "Josh Earnest"}
    assert "Hillary Clinton" in e.persons


def test_a_name_after_an_inverted_verb_in_mid_sentence_speaks():
    # the parse makes the name the subject of the clause that goes on ("would read"), and gives "said" the noun
    # before it; the person right after the verb speaks, a noun subject before it does not
    e = enrich_text(
        "Any “clear-eyed” reading of the minister's actions, said Michael Kofman, an expert on Russia at the "
        "Woodrow Wilson Center in Washington, would read this as a public admission of defeat. The talks, said "
        "the spokesman, ended early."
    )
    assert "Michael Kofman" in e.speakers
    assert speaker_of(e, "clear-eyed") == "Michael Kofman"
    # a pronoun subject is someone: the name after the verb is what is said, not who says it (whether Platini
    # also reaches the facet is the model's call on one participle, 0.27 against the drop level 0.30 of
    # attribution-v23.json; the rules' quote is his either way)
    e = enrich_text("Michel Platini met reporters in Geneva. He resigned on Tuesday, saying Sepp Blatter had to go.")
    assert speaker_of(e, "Sepp Blatter had to go") == "Michel Platini"
    assert "Sepp Blatter" not in e.speakers


def test_military_ranks_and_plural_titles_keep_their_period():
    # the tokenizer cut "Capt." and "Lt." from their periods and ended the sentence there: the quote lost its
    # speaker, and 'Air Force 1st' became an organisation that spoke
    e = enrich_text(
        "“We do not see how this would change our operations,” Pentagon spokesman Navy Capt. Jeff Davis said.\n\n"
        "“I really don’t understand how a better candidate didn’t jump into the race,” said Air Force 1st Lt. "
        "Tyler Livingston."
    )
    assert speaker_of(e, "change our operations") == "Jeff Davis"
    assert speaker_of(e, "better candidate") == "Tyler Livingston"
    assert set(e.speakers) == {"Jeff Davis", "Tyler Livingston"}
    tokens = [t.text for t in load_pipeline()("Sens. Ted Cruz and Marco Rubio and Lt. Gov. Dan Patrick spoke.")]
    assert "Sens." in tokens and "Lt." in tokens


def test_a_name_set_apart_before_its_role_speaks_for_the_role():
    # parsed with "chairwoman" as the subject of "recalled" and the name hung apart: the quote had no speaker
    e = enrich_text(
        "“He looked me right in the eye and said you need to tell me what it takes to win in this county,” "
        "Deborah Tamargo, the chairwoman of Florida’s Hillsborough County GOP, recalled of a June conversation "
        "she had with Trump at the Tampa Convention Center.\n\n"
        "After meeting Donald Trump, the chairwoman said the party was united."
    )
    direct = [q for q in e.quotes if q["kind"] == "direct" and "looked me right in the eye" in q["text"]]
    assert [q["speaker"] for q in direct] == ["Deborah Tamargo"]
    assert "Donald Trump" not in e.speakers


def test_negated_or_conditional_speech_is_not_speaking():
    e = enrich_text(
        "Secretary of State John Kerry called Sergei Lavrov on Saturday. The State Department did not "
        "say whether Mr. Lavrov responded to Mr. Kerry’s concerns. Lavrov declined to comment."
    )
    assert "Sergei Lavrov" in e.persons and "Sergei Lavrov" not in e.speakers


def test_spoken_to_is_not_speaking():
    e = enrich_text("John Kerry told Sergei Lavrov that the United States was concerned.")
    assert e.speakers == ["John Kerry"]


def test_unnamed_source_keeps_its_quote_from_the_previous_speaker():
    e = enrich_text(
        "“We are watching,” John Kirby said. A senior official told the Journal, “They are getting ready.”"
    )
    assert speaker_of(e, "We are watching") == "John Kirby"
    assert speaker_of(e, "getting ready") is None


def test_index_wide_canonical_table_merges_transliterations():
    table = CanonicalTable()
    first = enrich_text("Sergei Lavrov said the talks went well.", table=table)
    second = enrich_text("Sergey V. Lavrov said the talks went badly.", table=table)
    third = enrich_text("Mr. Lavrov said nothing new.", table=table)
    assert first.speakers == second.speakers == third.speakers == ["Sergei Lavrov"]


def test_epithets_adjectives_and_verbs_before_a_name_are_not_part_of_it():
    nlp = load_pipeline()
    for text, ent, name in [("Protesters chanted about Fascist Trump at the rally.", "Fascist Trump", "Trump"),
                            ("Injecting Clinton into the race was a mistake.", "Clinton", "Clinton")]:
        doc = nlp(text)
        assert ent in [e.text for e in doc.ents if e.label_ == "PERSON"]  # the model's span, as it comes
        mentions = extract_mentions(doc, bytearray(len(text)))
        assert [m.name for m in mentions if m.kind == "person"] == [name]


def test_a_finite_verb_ends_a_headline_name_and_a_verb_opening_one_names_nobody():
    e = enrich_text("Maria Hinojosa Explained Why She Felt “Invisible” As A Child.\n\n"
                    "Pastor Wants Girl Scout Leaders To Be Executed.")
    assert "Maria Hinojosa" in e.persons
    assert not any("Explained" in p or "Girl Scout" in p for p in e.persons), e.persons


def test_words_glued_together_are_no_name_but_name_prefixes_are():
    text = ("Daniel MaransFlagShareLikeReplyAni Vrabel 5ptsmoderatorFeaturedFebruary 6, 2016 8:39PM Donald Trump "
            "Calls Out Ted Cruz.")
    doc = load_pipeline()(text)
    assert "Daniel MaransFlagShareLikeReplyAni Vrabel" in [e.text for e in doc.ents]  # live-blog UI text
    names = [m.name for m in extract_mentions(doc, bytearray(len(text))) if m.kind == "person"]
    assert not any("FlagShare" in n for n in names) and "Ted Cruz" in names, names
    e = enrich_text("John McCain and Ron DeSantis met Beto O’Rourke on Monday.")
    assert {"John McCain", "Ron DeSantis"} <= set(e.persons)


def test_transcript_labels_speak_as_the_full_name_and_other_labels_never_speak():
    e = enrich_text(
        "Fox News host Chris Wallace interviewed Gov. Mike Pence on Sunday about the campaign.\n\n"
        "WALLACE: Governor, do you think the election is rigged against your running mate?\n\n"
        "PENCE: I think the American people are going to decide this election, and we will accept it.\n\n"
        "Q: What about the debates and the polls in the swing states this week?\n\n"
        "UPDATE: The campaign later issued a statement about the interview and the debates.\n\n"
        "Mr. Wallace: Thank you for joining us on the program this morning, Governor.\n\n"
        "“Alex Seitz-Wald: She is right on all these things if you dig down into the details.”\n\n"
        "STAT OF THE WEEK: $43 million was the amount the Port Authority approved for the move downtown."
    )
    assert speaker_of(e, "election is rigged") == "Chris Wallace"
    assert speaker_of(e, "American people are going") == "Mike Pence"
    assert speaker_of(e, "Thank you for joining") == "Chris Wallace"
    assert speaker_of(e, "right on all these things") == "Alex Seitz-Wald"
    assert set(e.speakers) == {"Chris Wallace", "Mike Pence", "Alex Seitz-Wald"}


def test_one_word_capital_labels_speak_only_inside_a_transcript():
    transcript = enrich_text(
        "The governor appeared on the Sunday program.\n\n"
        "TAPPER: Do you think the nominee has campaigned as a racial healer this year?\n\n"
        "FALLIN: I think he is trying to campaign as a racial healer, and that is his message.\n\n"
        "WASHINGTON: The capital was quiet on Sunday as lawmakers left the city for the recess."
    )
    assert speaker_of(transcript, "trying to campaign") == "Fallin"
    assert set(transcript.speakers) == {"Tapper", "Fallin"}
    single = enrich_text("The governor spoke on Sunday.\n\nFALLIN: I think he is trying to campaign as a healer.")
    assert single.speakers == []


def test_a_form_s_field_labels_are_no_transcript_and_a_phrase_label_no_name():
    form = enrich_text(
        "The White House listed the attacks, each with its target and the attacker police named.\n\n"
        "TARGET: Two police officers wounded in a knife attack at a station\n\n"
        "ATTACKER: A man police described as a supporter of the group\n\n"
        "TARGET: One citizen killed in a shooting near the embassy gate"
    )
    assert form.speakers == [], form.speakers
    e = enrich_text("Workers rallied outside the Capitol on Monday.\n\n"
                    "UNIDENTIFIED GROUP: This is what democracy looks like, show them what it looks like.\n\n"
                    "CBO: Because of relatively high turnover in the market, most policies will change.\n\n"
                    "NEWS ALERT: The network completely misinterpreted the contents of our letter.")
    assert e.speakers == [] and e.persons == [], (e.speakers, e.persons)
    e = enrich_text("Activists rallied at the statue on Saturday.\n\n"
                    "BY ANY MEANS NECESSARY: Virginians far and wide stand and protect the statue of the general.")
    assert e.speakers == [], e.speakers


def test_a_surname_with_a_plural_s_is_that_person_never_a_person_of_its_own():
    e = enrich_text(
        "Senator Elizabeth Warren attacked Donald Trump on Friday. Listing several of Trumps business ventures, "
        "she added that the man was “a proven failure.” Trumps supporters booed."
    )
    assert "Trumps" not in e.persons and "Trumps" not in e.speakers, (e.persons, e.speakers)
    assert "Donald Trump" in e.persons


FILLER = ("The talks opened late. The rooms were cold. Delegates waited for hours. Coffee ran out at noon. "
          "The agenda was long. Nobody expected much. The weather turned grey. Crowds gathered outside.\n\n")


def test_a_pronoun_paragraphs_after_its_person_resolves_only_when_one_person_fits():
    one = enrich_text("Secretary of State John Kerry arrived in Geneva on Monday.\n\n" + FILLER
                      + "“We will keep talking until there is a deal,” he said.")
    assert speaker_of(one, "keep talking") == "John Kerry"
    two = enrich_text("Secretary of State John Kerry arrived in Geneva on Monday. Sergei Lavrov arrived later.\n\n"
                      + FILLER + "“We will keep talking until there is a deal,” he said.")
    assert speaker_of(two, "keep talking") is None


def test_a_quote_paragraph_without_a_cue_goes_on_with_the_last_named_speaker_before_it():
    e = enrich_text(
        "Hillary Clinton said the Sanders campaign was lying about her donors.\n\n"
        "“I am so sick of the lies about me. I am sick of it.”\n\n"
        "A senior official said the talks had failed.\n\n"
        "“Nothing will change for months.”\n\n"
        "The hall emptied quickly after the rally.\n\n"
        "“Go home and vote.”"
    )
    assert speaker_of(e, "so sick of the lies") == "Hillary Clinton"
    assert speaker_of(e, "Nothing will change") is None  # the source before it is unnamed
    assert speaker_of(e, "Go home") is None  # nobody speaks in the paragraph before


def test_a_shared_surname_means_the_person_named_just_before_else_the_articles_main_one():
    far = ("The campaign rented a small hall downtown and the volunteers stacked chairs for hours while the "
           "weather turned cold and the crowd waited outside in long lines that wrapped around the block. ")
    e = enrich_text(
        "Jeb Bush campaigned in Iowa on Monday. He once worked for his father, George Bush, in the White House.\n\n"
        + far * 3 + "\n\n“We will win this state,” Mr. Bush said.\n\n"
        "Barbara Bush spoke next. “He is a good son,” Bush said."
    )
    assert speaker_of(e, "win this state") == "Jeb Bush"
    assert speaker_of(e, "good son") == "Barbara Bush"


def test_places_and_outlets_the_model_calls_persons_never_speak_nor_take_a_pronoun():
    e = enrich_text(
        "Trump’s Indiana said the rally would go ahead despite the storm warnings.\n\n"
        "Ponte Vedra Beach said it would close the roads during the parade.\n\n"
        "Rep. Ron DeSantis met voters from Ponte Vedra Beach on Monday. “We need less federal involvement,” he said."
    )
    assert e.persons == ["Ron DeSantis"], e.persons  # no place the model called a person is one
    assert e.speakers == ["Ron DeSantis"], e.speakers
    assert speaker_of(e, "less federal involvement") == "Ron DeSantis"


def test_a_person_named_right_before_a_colon_speaks_the_quote_after_it():
    e = enrich_text(
        "Jeb Bush and Hillary Clinton, among others, reject the term containment. Some pollsters disagree.\n\n"
        "Pollsters agree - Carl Bialik: “One of the biggest lessons was a simple one: keep on contacting voters.”\n\n"
        "Clinton: “Our goal is not to contain ISIS but to destroy it.” Bush: “The mission is to destroy ISIS.”\n\n"
        "At the debate Donald Trump told Clinton: “You have no stamina at all.”"
    )
    assert speaker_of(e, "biggest lessons") == "Carl Bialik"
    assert speaker_of(e, "mission is to destroy") == "Jeb Bush"
    assert speaker_of(e, "no stamina") == "Donald Trump"


def test_a_speech_participle_under_an_infinitive_speaks_for_the_main_subject():
    e = enrich_text("Hillary Clinton seemed to be ready to joke about the incident, telling the crowd, "
                    "“Some people get a little carried away.”")
    assert speaker_of(e, "carried away") == "Hillary Clinton"
    assert e.speakers == ["Hillary Clinton"]


def test_a_pronoun_that_only_a_mentioned_person_could_be_gives_a_quote_but_no_speaker():
    e = enrich_text("The protesters booed Hillary Clinton outside the rally in Des Moines. "
                    "“We want real change and we want it now,” she said.")
    assert speaker_of(e, "real change") == "Hillary Clinton"  # the quote still gets its best guess
    assert "Hillary Clinton" in e.persons and e.speakers == [], e.speakers


def test_of_several_subjects_the_verb_gets_the_name_next_to_it_not_a_place_or_heading():
    e = enrich_text("On Wednesday at a high school in Dayton, OH, after winning the state in the Republican primary, "
                    "Gov. Tom Baxter (R-OH), said, “We are going to take this campaign all the way to the convention.”")
    assert speaker_of(e, "all the way") == "Tom Baxter"
    assert e.speakers == ["Tom Baxter"]


def test_a_name_whose_apposition_ends_right_before_said_speaks():
    e = enrich_text("Lawmakers met on Tuesday. “That was a good speech you gave last night, Mr. President,” "
                    "Representative Steve Bolden, a Democrat of Ohio, said as he shook hands.")
    assert speaker_of(e, "good speech") == "Steve Bolden"
    assert e.speakers == ["Steve Bolden"]


def test_names_with_an_inner_capital_after_a_prefix_or_before_ann_are_names():
    e = enrich_text("“We will be a force inside and a force outside,” said RoseAnn Pirelli, director of a nurses "
                    "union. “Our readers want depth,” Jim VandeHei said.")
    assert e.speakers == ["RoseAnn Pirelli", "Jim VandeHei"], e.speakers


def test_a_name_opening_a_line_the_parser_ran_into_the_sentence_before_speaks():
    e = enrich_text("Ted Cruz pivoted to arguing that the epidemic was one more reason to secure the border, "
                    "in order to prevent traffickers from crossing into the U.S.\nChris Christie added that he "
                    "would approve tougher enforcement without help from the Mexican government. He also said he "
                    "was working with the state on new legislation.")
    assert speaker_of(e, "working with the state") == "Chris Christie"
    assert speaker_of(e, "tougher enforcement") == "Chris Christie"
    # Cruz speaks too, but only for his own words: 'pivoted to arguing that' is a cue the learned model knows
    assert speaker_of(e, "secure the border") == "Ted Cruz"
    assert [q["speaker"] for q in e.quotes] == ["Ted Cruz", "Chris Christie", "Chris Christie"], e.quotes
    assert e.speakers == ["Chris Christie", "Ted Cruz"], e.speakers


def test_he_said_goes_to_who_spoke_before_it_in_a_sentence_the_parser_ran_across_paragraphs():
    e = enrich_text(
        "Representative Mike Dorsey of Colorado, a Republican who served in combat as a Marine, denounced Mr. "
        "Trump's remarks. Mr. Dorsey, who represents a swing district in the crucial Denver suburbs, said Mr. Trump "
        "had disrespected American troops.\n\n''Having served in Iraq, I'm deeply offended when Donald Trump fails "
        "to honor the sacrifices of all of our brave soldiers who were lost in that war,'' he said.")
    assert speaker_of(e, "deeply offended") == "Mike Dorsey"
    assert "Donald Trump" not in e.speakers, e.speakers


def test_a_title_word_ending_a_name_is_a_surname_and_tells_no_gender():
    e = enrich_text("Tennis great Billie Jean King remembered Ali as fun to be around. She witnessed his fight at "
                    "Madison Square Garden in 1971.\n\n“He always whispered in my ear, you are the Queen,” she said.")
    assert "King" in speaker_of(e, "whispered in my ear")


def test_he_she_passes_over_the_subject_of_a_clause_it_is_not_part_of():
    e = enrich_text("“I think a lot of people are tired of it,” the actress Susan Sarandon told MSNBC on Monday.\n\n"
                    "Asked about her own vote in the event that Hillary Clinton faces Donald Trump, she replied: "
                    "“I don’t know. I’m going to see what happens.”")
    assert speaker_of(e, "see what happens") == "Susan Sarandon"
    assert e.speakers == ["Susan Sarandon"], e.speakers
    e = enrich_text("Tom Bennett does not feel the same way about Sanders. If Donald Trump doesn’t become the "
                    "Republican nominee, he said he would settle for one of his rivals.")
    assert e.speakers == ["Tom Bennett"], e.speakers
    e = enrich_text("Paul Manafort met the lawmakers. The remarks suggest Donald Trump is running an inside-outside "
                    "campaign, railing against what he calls a “corrupt” process.")
    assert speaker_of(e, "corrupt") == "Donald Trump"  # the clause of 'he calls' hangs under Trump's


def test_of_the_other_subjects_a_pronoun_goes_to_the_one_of_the_highest_clause():
    e = enrich_text(
        "6:00p.m.\n\nDonald Trump is keeping up his criticism on his closest Republican rivals in the hours before "
        "the first Super Tuesday polls \nTrump, in Kentucky, said Tuesday that March Rubio was “a total lightweight” "
        "while Ted Cruz is “a basket case” and “a liar.” However, he held his fire on Ben Carson, calling him a "
        "“nice guy” and he didn’t provide any descriptions for John Kasich.\n\nHe said his dealing powers would "
        "force companies to keep jobs in America and coerce countries to release American prisoners.")
    assert speaker_of(e, "dealing powers") == "Donald Trump"
    assert e.speakers == ["Donald Trump"], e.speakers


def test_a_name_modifying_a_common_noun_is_no_antecedent_of_a_speaking_pronoun():
    e = enrich_text(
        "Activists were hopeful that James Murdoch would force changes to skeptical coverage of climate change at "
        "Fox News.\n\nDavid Fenton, a longtime strategist for progressive causes whose agency, Fenton, made the ads, "
        "said its main goal was to push a bipartisan solution in the form of a carbon trading system. The Murdoch "
        "outlets have been standing in the way, he said, by creating a ''false reality bubble denying science'' "
        "that scares amenable Republican politicians away from the cause.")
    assert speaker_of(e, "false reality bubble") == "David Fenton"
    assert e.speakers == ["David Fenton"], e.speakers


def test_a_name_before_a_short_aside_between_commas_speaks():
    e = enrich_text("Donald Trump is keeping up his criticism on his closest Republican rivals in the hours before the "
                    "first Super Tuesday polls \nTrump, in Kentucky, said Tuesday that March Rubio was “a total "
                    "lightweight” while Ted Cruz is “a basket case” and “a liar.”")
    assert speaker_of(e, "total lightweight") == "Donald Trump"
    assert e.speakers == ["Donald Trump"], e.speakers


def test_a_name_parsed_as_a_compound_of_the_speech_verb_is_its_subject():
    e = enrich_text("The anchor was trying insistently to ask Donald Trump a question about immigration when Trump "
                    "shot back that the journalist had not been called on.\n\n“Go back to Univision,” Trump barked "
                    "and a security guard escorted Ramos out.")
    assert speaker_of(e, "Go back") == "Donald Trump"
    e = enrich_text("Holding open a book, Glenn Beck said, “Tell me if this doesn’t sound like somebody we might "
                    "know.”\n\nWhen someone in the audience shouted, “Cruz,” Beck joked, again using an exaggerated "
                    "Southern accent, “Amen, brother! Come on up and get baptized!”")
    assert speaker_of(e, "Amen, brother") == "Glenn Beck"


def test_a_hyphenated_pair_of_the_articles_people_is_no_person():
    e = enrich_text("Hillary Clinton spoke in Atlantic City on Wednesday.\n\n“Donald Trump says he’s qualified for "
                    "president because of his business record,” Clinton said.",
                    title="Trump-Clinton matchup looms as Hillary Clinton and Donald Trump win")
    assert e.persons == ["Hillary Clinton", "Donald Trump"], e.persons
    assert e.speakers == ["Hillary Clinton"]
    e = enrich_text("“We will win Florida,” Debbie Wasserman-Schultz said on Monday.")
    assert e.speakers == ["Debbie Wasserman-Schultz"], e.speakers


def test_a_title_before_another_name_makes_no_place_or_organisation_a_person():
    e = enrich_text("Senator Chuck Schumer of New York said on Monday that the party would stand together.")
    assert e.persons == ["Chuck Schumer"] and "New York" in e.places, (e.persons, e.places)
    e = enrich_text("Tom Fitton, president of Judicial Watch, said the emails showed a pattern. “This is a "
                    "scandal,” Fitton said.")
    assert e.persons == ["Tom Fitton"] and "Judicial Watch" in e.orgs, (e.persons, e.orgs)


def test_a_person_somewhere_in_the_index_makes_no_place_of_another_article_a_person():
    table = CanonicalTable()
    table.person("New York")  # an article where the model called 'New York' a person
    e = enrich_text("Voters in New York went to the polls on Tuesday.", table=table)
    assert "New York" in e.places and "New York" not in e.persons, (e.persons, e.places)


def test_a_question_quote_goes_to_the_cue_opening_the_long_sentence_after_it():
    e = enrich_text("Donald Trump has attacked several companies this year.\n\n“Who do they think they are?” Trump "
                    "said of Apple in February, when the company balked at hacking an iPhone used by one of the San "
                    "Bernardino attackers.\n\n“We are refugees,” Ms. Alawee said. “We are not terrorists.” Mr. Zahed "
                    "said: “The attack that happened today is the work of terrorists.”")
    assert speaker_of(e, "Who do they think") == "Donald Trump"
    assert speaker_of(e, "not terrorists") == "Alawee"  # 'Mr. Zahed said:' introduces the quote after it


def test_a_date_is_no_subject_and_a_party_tag_in_brackets_stands_between_name_and_verb():
    e = enrich_text("Saturday at the Massachusetts Democratic state’s party convention Sen. Elizabeth Warren (D-MA) "
                    "said presumptive Republican presidential nominee Donald Trump was a proven failure in business.")
    assert speaker_of(e, "presumptive Republican") == "Elizabeth Warren"
    assert e.speakers == ["Elizabeth Warren"], e.speakers


def test_a_name_before_a_participle_aside_between_commas_speaks():
    e = enrich_text("Not everyone was claiming success at the convention.\n\n“We’ve had more successful conventions "
                    "than this one,” Texas delegate Bill Eastland, wearing a cowboy hat and a campaign button, said "
                    "matter-of-factly.")
    assert speaker_of(e, "more successful conventions") == "Bill Eastland"


def test_a_headline_word_the_body_writes_in_lower_case_is_no_part_of_a_name():
    e = enrich_text("The Romanian hacker known as Guccifer said Clinton’s server was unprotected. “It was like an open "
                    "orchid on the Internet,” Guccifer said.",
                    title="Hacker Guccifer: Clinton’s Server Was ‘Like an Open Orchid’")
    assert e.speakers == ["Guccifer"], e.speakers
    assert "Hacker Guccifer" not in e.persons


def test_agrees_and_shot_back_right_beside_a_quote_are_cues():
    e = enrich_text("“I feel that I will be more successful than my parents,” says Diana Ruocco, 21, a student from "
                    "Daytona Beach.\n\n“Our ideas of success are different,” agrees Michelle Stevens, 30, of "
                    "Gainesville.")
    assert speaker_of(e, "ideas of success") == "Michelle Stevens"
    e = enrich_text("Jeb Bush hit Donald Trump for using eminent domain in Atlantic City.\n“Jeb wants to be a tough "
                    "guy tonight,” Mr. Trump shot back. “Let me talk.”")
    assert speaker_of(e, "tough guy") == "Donald Trump"
    assert speaker_of(e, "Let me talk") == "Donald Trump"
    assert e.speakers[0] == "Donald Trump", e.speakers
    # 'Jeb Bush hit Donald Trump for ...' is a stance PolNeAR's annotators attribute (8 of the 10 'X hit /
    # slammed / attacked Y' of train): the model may make Bush a speaker, of that sentence and nothing else
    assert all(q["speaker"] == "Donald Trump" for q in e.quotes if q["kind"] == "direct"), e.quotes
    assert {q["text"] for q in e.quotes if q["speaker"] == "Jeb Bush"} <= {
        "Jeb Bush hit Donald Trump for using eminent domain in Atlantic City."}, e.quotes


def test_each_person_of_a_coordinated_subject_of_a_speech_verb_speaks():
    e = enrich_text("The two senators campaigned in Iowa on Monday.\n\nTed Cruz and Marco Rubio said on Monday that "
                    "the deal would fail in Congress.")
    assert set(e.speakers) == {"Ted Cruz", "Marco Rubio"}, e.speakers
    # the parser hangs the second senator on the first one's state
    e = enrich_text("Sens. Johnny Isakson of Georgia and John Boozman of Arkansas, both up for reelection, also said "
                    "they would be happy to have Cruz on the trail with them.")
    assert set(e.speakers) == {"Johnny Isakson", "John Boozman"}, e.speakers
    # a he/she and a person named in the article
    e = enrich_text("Jim VandeHei and Mike Allen founded Politico. It is not only about big audiences, he and "
                    "Mr. Allen said on Monday.")
    assert "Mike Allen" in e.speakers, e.speakers
    # a 'nor' coordination names nobody who spoke
    e = enrich_text("Neither Ted Cruz nor Marco Rubio said on Monday that the deal would fail.")
    assert "Marco Rubio" not in e.speakers, e.speakers


def test_a_dash_and_a_name_after_a_quoted_paragraph_name_its_speaker():
    e = enrich_text(
        "Donald Trump spoke in Phoenix on Tuesday. Trump said the wall would be built and Mexico would pay.\n\n"
        "“He talks about us like we are criminals. My parents came here to work, and they worked hard every day.”\n"
        "― Maria Lopez, 34, Phoenix\n\n"
        "“I will vote for the first time this year, because of what he said about my family.” — Carlos Mendez\n\n"
        "In Texas, Senator Ted Cruz insisted that his party was "
        "\"still the best hope for the country.\"--Kim Hjelmgaard.\n"
    )
    assert speaker_of(e, "like we are criminals") == "Maria Lopez"
    assert speaker_of(e, "first time this year") == "Carlos Mendez"
    # a reporter's sign-off after a reported statement names no speaker
    assert speaker_of(e, "best hope") == "Ted Cruz"
    assert "Kim Hjelmgaard" not in e.speakers, e.speakers


def test_a_he_never_goes_to_a_woman_named_by_her_first_name_alone():
    e = enrich_text("Bernie Sanders met Pope Francis at the Vatican on Saturday.\n\n"
                    "Some of the senator's advisers, including his wife, Jane, also were at the meeting. "
                    "He said that there was no discussion of the election.")
    assert speaker_of(e, "no discussion") == "Bernie Sanders"


def test_a_surname_with_a_gendered_title_means_one_person_all_through_the_article():
    # 'Mrs. Clinton' stays Hillary when Chelsea Clinton is named just before; a 'Ms. Khan' after 'Mr. Khan'
    # tells nothing about which Khan is a woman, so neither becomes the son named just before
    e = enrich_text(
        "Hillary Clinton spoke at the foundation's dinner in New York on Monday. Mrs. Clinton said the work "
        "would go on whatever happened in November.\n\n"
        "An ambassador wrote to Mrs. Clinton about a visit to Ukraine by Chelsea Clinton and her husband. "
        "Mrs. Clinton replied, “Hearing nice things about your children is as good as it gets.”")
    assert speaker_of(e, "nice things") == "Hillary Clinton"
    assert e.speakers == ["Hillary Clinton"], e.speakers
    e = enrich_text(
        "The parents of a fallen soldier, Khizr and Ghazala Khan, have criticized Donald Trump for days.\n\n"
        "Mr. Khan said on Sunday that Mr. Trump had shown disrespect to his wife. "
        "Ms. Khan said she had not spoken at the convention because she could not talk about her son, Humayun Khan."
        "\n\n“Whoever saw me felt me in their heart,” Ms. Khan wrote.")
    assert "Humayun Khan" not in e.speakers, e.speakers
    assert speaker_of(e, "felt me") == "Ghazala Khan"


def test_a_dateline_the_model_ran_into_the_name_after_it_is_a_place_and_the_name_a_person():
    e = enrich_text(
        "CLEVELAND - Donald Trump painted a dire portrait of a nation in crisis on Thursday night.\n\n"
        "\"I am your voice,\" Trump said in a long address to the delegates.\n\n"
        "Trump's gloomy tone was a jarring contrast to the sunny introduction by his daughter Ivanka Trump.",
        title="Republican assails elites as he accepts party nomination")
    assert "Cleveland - Donald Trump" not in e.orgs and "Cleveland" in e.places
    assert speaker_of(e, "your voice") == "Donald Trump"  # not the daughter named first in full
    assert e.speakers == ["Donald Trump"], e.speakers


def test_a_name_ending_in_an_organisation_word_is_an_organisation_and_no_first_name_of_a_person():
    e = enrich_text(
        "Jennifer Palmieri, a veteran of the Obama White House, declined to comment. The Obama White House had "
        "particularly disliked the gatherings.\n\n"
        "“We will keep our promises,” Obama said on Tuesday.\n\n"
        "The Peter G. Peterson Foundation paid for the study.")
    assert "Obama White House" in e.orgs and "Peter G. Peterson Foundation" in e.orgs
    assert e.persons == ["Jennifer Palmieri", "Obama"], e.persons
    assert speaker_of(e, "promises") == "Obama"  # not 'Obama White House', a 'person' whose first name is Obama


def test_a_spokesman_or_chairman_with_a_womans_first_name_is_a_she():
    e = enrich_text(
        "Dahlys Hamilton is listed as the chairman of Hispanic Patriots for Trump. Recently she announced on her "
        "Facebook page that she was leaving the Cruz campaign.\n\n"
        "LeVell said the group is not a political committee. Trump spokesman Hope Hicks confirmed that the group "
        "was created independently from the campaign. \"They are not affiliated with the campaign,\" she said.")
    assert speaker_of(e, "not affiliated") == "Hope Hicks"


def test_speech_another_person_reports_makes_no_speaker_and_no_quote_of_the_reporters_words():
    e = enrich_text(
        "Bernie Sanders had breakfast in New York with Al Sharpton on Wednesday. Sanders' spokesman Michael Briggs "
        "said Sharpton asked for the meeting.\n\n"
        "Clinton: “Our goal is not to contain ISIS but to defeat it.” Bush: “The mission is to destroy ISIS.”\n\n"
        "Jeb Bush and Hillary Clinton, among others, reject the term.")
    assert "Al Sharpton" not in e.speakers and "Michael Briggs" in e.speakers, e.speakers
    assert speaker_of(e, "Sharpton asked") == "Michael Briggs"
    assert not [q for q in e.quotes if q["speaker"] == "Al Sharpton"], e.quotes
    # the lines of a transcript quote; a name and colon inside one still speaks
    assert speaker_of(e, "mission is to destroy") == "Jeb Bush" and "Jeb Bush" in e.speakers


def test_a_person_qualifying_a_title_case_headline_noun_is_no_source():
    e = enrich_text(
        "Former Bill Clinton pollster Doug Schoen says Hillary Clinton is in trouble in the California primary.\n\n"
        "“She has to worry about turnout among young voters,” Schoen said on Fox News.",
        title="Former Clinton Pollster Says Clinton Is In Trouble In California Primaries")
    assert e.speakers == ["Doug Schoen"], e.speakers  # 'Pollster', written in lower case in the body, is Clinton's


def test_news_outlets_are_organisations_with_one_value_each_never_persons():
    e = enrich_text("The official Xinhua news agency said the admiral was wrong. Xinhua said China would defend its "
                    "islands.")
    assert e.speakers == [] and e.persons == [] and "Xinhua" in e.speaker_orgs, (e.speakers, e.persons)
    e = enrich_text("Rick Perry endorsed Ted Cruz on Monday.\n\n"
                    "MSNBC and the AP carried the speech. The Associated Press said the crowd was small.")
    assert e.orgs == ["MSNBC", "Associated Press"], e.orgs
    e = enrich_text("But Gawker has not been kind to Dunham. In December, Gawker named who they believed was the "
                    "source.")
    assert e.speakers == [] and e.persons == [] and e.orgs == ["Gawker"], (e.speakers, e.persons, e.orgs)
    e = enrich_text("Salon reported that the memo was forged, and Vogue said the designer had quit.")
    assert e.speakers == [] and e.persons == [], (e.speakers, e.persons)


def test_a_headline_name_run_into_a_verb_or_noun_is_cut_to_the_person_the_body_names():
    e = enrich_text("Ben Carson criticized Hillary Clinton on Sunday for her handling of the attack.\n\n"
                    "“She should apologize to the families,” Carson said.",
                    title="Ben Carson Slams Hillary Over Benghazi")
    assert e.persons == ["Ben Carson", "Hillary Clinton"], e.persons
    e = enrich_text("Rep. Michael McCaul said the bill would revoke the clearance of Hillary Clinton and her aides.",
                    title="GOP Rep. McCaul Announces Bill Revoking Hillary’s Security Clearance")
    assert "Bill Revoking Hillary" not in e.persons, e.persons


def test_a_school_is_an_organisation_never_a_speaker():
    e = enrich_text("“The impacts of the case are important,” says Steven Schwinn, a professor at the University of "
                    "Illinois, John Marshall Law School.")
    assert e.speakers == ["Steven Schwinn"], e.speakers
    assert "John Marshall Law School" not in e.persons, e.persons


def test_a_headline_verb_the_body_never_writes_is_cut_from_the_name_before_it():
    e = enrich_text("According to a new poll, Donald Trump is far ahead in Florida. Trump said he was pleased.",
                    title="Donald Trump Rampages to +32 Point Lead in Florida")
    assert e.persons == ["Donald Trump"], e.persons
    e = enrich_text("Hillary Clinton has waded into the Brexit debate, backing the advice of Barack Obama.",
                    title="Clinton Wades In: Urges Britain to Remain")
    assert "Clinton Wades" not in e.persons and "Hillary Clinton" in e.persons, e.persons


def test_a_speech_verb_written_capitalised_ends_the_name_before_it():
    e = enrich_text("Bird CEO Travis VanderZanden Tweeted on Monday that his company had discussed a loan with its "
                    "bank.")
    assert e.persons == ["Travis VanderZanden"] and e.speakers == ["Travis VanderZanden"], (e.persons, e.speakers)


def test_a_lone_first_name_is_no_fragment_of_the_index_that_ends_in_it():
    table = CanonicalTable()
    assert table.person("Stop Hillary") == "Stop Hillary"  # a fragment the model tagged in another article
    assert table.person("Hillary") == "Hillary"
    table.person("Larry David")
    assert table.person("David") == "Larry David"  # a first name opens it: a surname that is also a first name


def test_a_stance_taken_on_something_named_makes_its_person_a_speaker():
    e = enrich_text("Senator Elizabeth Warren endorsed Hillary Clinton on Thursday in Boston.")
    assert e.speakers == ["Elizabeth Warren"], e.speakers
    stance = [q for q in e.quotes if q["rule"].startswith("stance/")]
    assert [q["speaker"] for q in stance] == ["Elizabeth Warren"] and "endorsed" in stance[0]["text"], e.quotes
    assert stance[0]["confidence"] < 0.8  # less sure than a statement: the UI can mark it
    e = enrich_text("Donald Trump called for a ban on new arrivals after the attack in California.")
    assert e.speakers == ["Donald Trump"], e.speakers
    e = enrich_text("Mitt Romney believes that the party will lose the Senate in November.")
    assert e.speakers == ["Mitt Romney"], e.speakers
    e = enrich_text("Ted Cruz and Marco Rubio opposed the bill on Tuesday.")
    assert e.speakers == ["Ted Cruz", "Marco Rubio"], e.speakers


@pytest.mark.parametrize("body", [
    "Ted Cruz raised $11.9 million in February and began March with $8 million in cash.",  # no stance verb
    "Barack Obama called both candidates on Tuesday night.",  # a phone call: 'call' needs for/on or 'X Y'
    "Barack Obama, who endorsed Hillary Clinton on Thursday, spoke in Ohio for an hour.",  # a description
    "Mitt Romney did not endorse anybody in the primary.",  # negated
    "Mitt Romney thinks about the party a lot.",  # a thought verb without what is thought
    "Serena Williams defended her title at Wimbledon on Saturday.",  # not every object is a stance
    "Judge Gonzalo Curiel dismissed the case on Monday.",
])
def test_no_stance_without_an_object_or_in_a_description(body):
    e = enrich_text(body)
    assert e.speakers == [], (body, e.speakers)


def test_a_group_subject_speaks_through_the_members_it_names():
    e = enrich_text("Other Republican candidates, including Mitt Romney and Ben Carson, said on Monday that the "
                    "history is a legitimate criticism.")
    assert set(e.speakers) == {"Mitt Romney", "Ben Carson"}, e.speakers
    e = enrich_text("Populist politicians like Marine Le Pen said the vote was a warning.")
    assert e.speakers == [], e.speakers  # 'like' compares more often than it lists members
    # ... unless a comma sets it off, as it does 'such as'
    e = enrich_text("Other prominent Republicans, like Richard Armitage and Henry Paulson, have also said they are "
                    "supporting Clinton.")
    assert set(e.speakers) == {"Richard Armitage", "Henry Paulson"}, e.speakers
    e = enrich_text("Several critics, such as Dale Kessler and Mary Tobias, said the plan would fail.")
    assert set(e.speakers) == {"Dale Kessler", "Mary Tobias"}, e.speakers


def test_a_gerund_after_by_or_before_speaks_for_the_subject_of_its_verb():
    e = enrich_text("Bernie Sanders has soared in the polls by saying that the system is rigged.")
    assert e.speakers == ["Bernie Sanders"], e.speakers
    e = enrich_text("Bernie Sanders has soared in the polls without saying that the system is rigged.")
    assert e.speakers == [], e.speakers  # 'without' says he did not


def test_a_promise_states_its_infinitive():
    e = enrich_text("President Barack Obama has promised to veto the bill.")
    assert e.speakers == ["Barack Obama"], e.speakers
    e = enrich_text("President Barack Obama has promised the governors a meeting.")
    assert e.speakers == [], e.speakers  # nothing promised to be done, no quote: no statement


@pytest.mark.parametrize("body, speakers", [
    # a conjunct the parser hung on the first person's apposition
    ("Felicia Wong, president of the Roosevelt Institute, and Stan Greenberg, co-founder of the polling firm "
     "Democracy Corps, applauded the plan.", {"Felicia Wong", "Stan Greenberg"}),
    # a group subject whose apposition names two people
    ("But the two leading Republicans, Donald J. Trump and Senator Ted Cruz, have questioned the science of "
     "climate change and criticized the Paris agreement.", {"Donald Trump", "Ted Cruz"}),
])
def test_every_person_of_a_coordinated_source_speaks(body, speakers):
    e = enrich_text(body, title="News of the day.")
    assert set(e.speakers) == speakers, e.speakers


def test_a_subject_pronoun_never_means_a_person_named_in_its_own_that_clause():
    e = enrich_text("Donald Trump attacked the judge, Gonzalo Curiel, on Friday. "
                    "Gonzalo Curiel was born in Indiana.\n\n"
                    "He insisted Curiel had “an inherent conflict of interest” in the case.", title="News of the day.")
    assert speaker_of(e, "inherent conflict") == "Donald Trump", e.quotes
    assert "Gonzalo Curiel" not in e.speakers, e.speakers


@pytest.mark.parametrize("body, person", [
    ("Former Maryland Gov. Martin O’Malley spoke in Iowa. O’Malley said he would stay in the race.", "Martin O’Malley"),
    # 'Jessica' opens names of its own: only the article, not the index, may join the two
    ("Actress Sarah Jessica Parker spoke on Monday. Jessica Parker said the show would return.",
     "Sarah Jessica Parker"),
])
def test_a_name_ending_a_longer_name_of_the_article_is_that_person(body, person):
    e = enrich_text(body, title="News of the day.")
    assert e.persons == [person], e.persons


def test_one_canonical_person_index_wide_for_apostrophe_and_two_word_surnames():
    table = CanonicalTable()
    assert table.person("Martin O’Malley") == "Martin O’Malley"
    assert table.person("O’Malley") == "Martin O’Malley"  # a lone word, though its key has two parts
    table.person("Debbie Wasserman Schultz")
    assert table.person("Wasserman Schultz") == "Debbie Wasserman Schultz"
    table.person("Billie Jean King")
    assert table.person("Jean King") == "Jean King"  # a first name opens it: maybe someone else
    table.person("Richard Neal")
    assert table.person("O’Neal") == "O’Neal"  # the last part alone is another surname


def test_a_subject_pronoun_far_from_any_name_still_never_means_the_name_in_its_own_clause():
    e = enrich_text("Gonzalo Curiel said the case would proceed.\n\nThe trial is set for November. Lawyers for the "
                    "school asked for a delay. The judge refused. Students waited outside. Reporters filled the hall. "
                    "The hearing lasted an hour.\n\nHe insisted Curiel had “a conflict of interest” in the case.",
                    title="News of the day.")
    assert speaker_of(e, "conflict of interest") is None, e.quotes


def test_a_medium_or_a_possessive_phrase_the_model_calls_a_person_is_none():
    e = enrich_text("Twitter said it would review the account. Mona Iraqi’s Twitter account was suspended.",
                    title="News of the day.")
    assert e.persons == [] and e.speakers == [], (e.persons, e.speakers)
    assert "Twitter" in e.orgs and "Twitter" in e.speaker_orgs, (e.orgs, e.speaker_orgs)


@pytest.mark.parametrize("surface, name", [
    ("Covid-19", ""), ("See Also", ""), ("Slideshow", ""),  # page furniture and a disease
    ("Donald Trump Donald", "Donald Trump"),  # an embed's name run into the next line
    ("John Smith", "John Smith"),
])
def test_names_the_model_tags_as_persons_are_cleaned(surface, name):
    from newsfind.index.nlp.entity_names import person_name
    assert person_name(surface) == name


def test_a_lone_surname_goes_to_the_full_name_the_index_names_far_more_often():
    table = CanonicalTable()
    for _ in range(20):
        table.count_article([table.person("Barack Obama"), table.person("Donald Trump")])
    table.count_article([table.person("Michelle Obama"), table.person("Ivanka Trump")])
    for _ in range(10):
        table.count_article([table.person("Hillary Clinton")])
    for _ in range(6):
        table.count_article([table.person("Bill Clinton")])
    assert table.person("Obama") == "Barack Obama"
    assert table.person("Trump") == "Donald Trump"
    assert table.person("Trump", female=True) == "Ivanka Trump"  # 'Ms. Trump'
    assert table.person("Clinton") == "Clinton"  # 10 of 16: no one Clinton is meant


def test_a_known_name_written_surname_first_is_that_person():
    table = CanonicalTable()
    table.person("Donald Trump")
    assert table.person("Trump Donald") == "Donald Trump"  # 'President Trump Donald John Trump...' link widgets
    assert table.person("Jinping Xi") == table.person("Xi Jinping")


def test_page_furniture_and_bodies_the_model_calls_persons_are_none():
    e = enrich_text("Such a motion was part of the trouble faced by Mr. Boehner, who is retiring.\n\n"
                    "SEE ALSO: Paul Ryan to run for speaker if House Republicans will rally behind him\n\n"
                    "The House GOP has been struggling to fill his shoes.", title="News of the day.")
    assert "See Also" not in e.persons + e.speakers, (e.persons, e.speakers)
    from newsfind.index.nlp.entities import ORG_ENDING
    assert all(ORG_ENDING.search(n) for n in ("Border Patrol", "Freedom Caucus", "Washington Examiner"))


def test_state_abbreviations_and_federal_initials_are_one_value_each():
    e = enrich_text("Voters in Louisville, Ky., and Lexington, Kentucky, lined up early. The GOP and the Republican "
                    "Party both sent observers, and the DOJ said the Justice Department would send monitors. The "
                    "Department of Justice has done so before. The NRA and the National Rifle Association said "
                    "nothing.", title="News of the day.")
    assert "Kentucky" in e.places and "Ky" not in e.places and "Ky." not in e.places, e.places
    assert e.orgs.count("Republican Party") == 1 and "GOP" not in e.orgs, e.orgs
    assert "Justice Department" in e.orgs and not {"DOJ", "Department of Justice"} & set(e.orgs), e.orgs
    assert "National Rifle Association" in e.orgs and "NRA" not in e.orgs + e.places, (e.orgs, e.places)


@pytest.mark.parametrize("surface", ["LLC", "Copyright", "Privacy Policy", "Daily Newsletters Manage Newsletters"])
def test_page_furniture_is_no_organisation(surface):
    from newsfind.index.nlp.entity_names import proper_name
    assert proper_name(surface) == ""


def test_a_quote_after_a_connective_goes_on_with_the_last_speakers_words():
    # 'But “...”': no cue of its own; the sentence before ends the last speaker's quote
    e = enrich_text("Republican Rep. Lee Zeldin of New York said it will help both of them.\n\n“I don’t think it’s "
                    "do or die, any endorsement in particular,” he said outside the building. But “Donald Trump’s "
                    "candidacy is strengthened with an endorsement. It helps.”\n\nThe meeting ended.")
    assert speaker_of(e, "candidacy is strengthened") == "Lee Zeldin"
    # a sentence that says more before its quote is no continuation
    e = enrich_text("Sen. Ted Cruz spoke on Monday. “We will win,” Cruz said. The polls disagree with “the "
                    "confidence of a candidate in trouble,” a line from an editorial.")
    assert speaker_of(e, "confidence of a candidate") is None


@pytest.mark.parametrize("body, fragment, speaker, others", [
    ("“The deal will fail in Congress,” Ted Cruz and Marco Rubio said on Monday in Des Moines.",
     "deal will fail", "Ted Cruz", ["Marco Rubio"]),
    # a name and colon that lists two people
    ("The pollsters wrote a memo.\n\nFrank Newport and Jim Harter: “We found that, across candidates, the "
     "strengths were shared.”", "across candidates", "Jim Harter", ["Frank Newport"]),
])
def test_a_quote_of_a_coordinated_source_is_said_by_each_of_them(body, fragment, speaker, others):
    e = enrich_text(body, title="News of the day.")
    assert set(e.speakers) == {speaker, *others}, e.speakers
    said = [q for q in e.quotes if fragment in q["text"]]
    assert len(said) == 1 and said[0]["speaker"] == speaker and said[0]["co_speakers"] == others, e.quotes
    assert all(0.5 < p <= 1 for p in said[0]["co_probabilities"]), said
    assert len(e.quotes) == 1, e.quotes  # the co-speaker needs no quote of their own to be shown


def test_a_co_speaker_the_model_drops_from_the_facet_is_dropped_from_the_quote_too(monkeypatch):
    from newsfind.index.nlp.speakers.model import using

    from tests.test_attribution_options import hand_model

    text = "“The deal will fail in Congress,” Ted Cruz and Marco Rubio said on Monday in Des Moines."
    # the rules: both speak, no probabilities
    monkeypatch.setenv("NEWSFIND_ATTRIBUTION", "rules")
    q = next(q for q in enrich_text(text).quotes if "deal will fail" in q["text"])
    assert q["co_speakers"] == ["Marco Rubio"] and q["co_probabilities"] == [None], q
    monkeypatch.delenv("NEWSFIND_ATTRIBUTION")
    # a model sure of the subject and not of its conjunct drops Rubio (below its drop level), and his place
    with using(hand_model({"dep=nsubj": 8.0, "dep=conj": -8.0}, 0.0, drop_below=0.1)):
        e = enrich_text(text)
    assert e.speakers == ["Ted Cruz"], e.speakers
    q = next(q for q in e.quotes if "deal will fail" in q["text"])
    assert q["speaker"] == "Ted Cruz" and q["co_speakers"] == [] and q["co_probabilities"] == [], q


def test_a_first_name_and_surname_the_model_calls_an_organisation_is_a_person_when_the_surname_stands_alone():
    # the small model tags 'Vanessa Tamburrino' ORG (and 'Tamburrino' a language): she speaks all the same
    e = enrich_text("For a short time, Vanessa Tamburrino considered selling her eggs to pay her loans.\n\n"
                    "\"I do well,\" said Tamburrino, who graduated in 2009.")
    assert e.speakers == ["Vanessa Tamburrino"], e.speakers
    assert speaker_of(e, "I do well") == "Vanessa Tamburrino"
    assert "Vanessa Tamburrino" in e.persons and "Vanessa Tamburrino" not in e.orgs
    # without the surname alone there is no evidence: a first name opens many an organisation's name
    e = enrich_text("For a short time, Vanessa Tamburrino considered selling her eggs to pay her loans.")
    assert "Vanessa Tamburrino" not in e.persons


def test_a_name_holding_a_title_with_of_speaks_the_quote_after_said():
    # the parser makes 'Speaker' the subject of 'said' and hangs 'Dale Morrow' on its 'of'
    e = enrich_text("After the debate, Speaker of the House Rep. Dale Morrow (R-KS) said “these remarks have no place "
                    "in a campaign.”")
    assert speaker_of(e, "no place") == "Dale Morrow"
    # and where the parse gives 'said' no subject at all, the name right before it (through its party tag)
    e = enrich_text("After the candidate tweeted an image featuring his rival, money and a six-pointed star likened "
                    "to the Star of David, Speaker of the House Rep. Dale Morrow (R-KS) said “anti-Semitic images, "
                    "they’ve got no place in a presidential campaign.”")
    assert speaker_of(e, "no place") == "Dale Morrow"


def test_an_embedded_tweet_is_its_authors_words():
    e = enrich_text("Senator Dale Morrow was furious after the rally.\n\n"
                    "This is a disgrace to our party and to the country. — Dale Morrow (@dalemorrow) September 1, 2016"
                    "\n\nThe network replied within the hour.\n\n"
                    "We stand by our reporting.\n— CNN Communications (@CNNPR) September 1, 2016\n\n"
                    "Fans weighed in too.\n\nWhat a night! — Chuck 🇺🇸 (@chuckfan88) September 2, 2016")
    tweets = [(q["speaker"], q["speaker_type"], q["kind"], q["text"]) for q in e.quotes if q["rule"] == "tweet"]
    assert tweets == [
        ("Dale Morrow", "person", "direct", "This is a disgrace to our party and to the country."),
        # the signature opens its line: the tweet is the paragraph before it
        ("CNN Communications", "org", "direct", "We stand by our reporting."),
    ]  # a display name that names no one the article knows gives no speaker
    assert e.speakers == ["Dale Morrow"] and e.speaker_orgs == ["CNN Communications"]


def test_a_tweet_signature_without_a_date_or_handle_is_no_tweet():
    e = enrich_text("Senator Dale Morrow was furious.\n\nThis is a disgrace to our party. — Dale Morrow, September 1")
    assert all(q["rule"] != "tweet" for q in e.quotes)


def test_a_tweet_with_a_quotation_inside_is_one_quote_of_its_author():
    e = enrich_text("Reporters at the rally noticed the hats.\n\n"
                    "Dale Morrow is now wearing a hat that says \"MAKE THE PLAINS GREAT AGAIN\" … for real, people "
                    "— Ann Tobias (@anntobias) September 1, 2016\n\nThe senator later took it off.")
    assert [(q["speaker"], q["rule"], q["text"]) for q in e.quotes] == [
        ("Ann Tobias", "tweet",
         "Dale Morrow is now wearing a hat that says \"MAKE THE PLAINS GREAT AGAIN\" … for real, people")]


def test_a_phrasal_cue_with_an_adverb_before_its_colon_introduces_the_quote_even_a_negated_one():
    e = enrich_text("Dale Kessler listened to the attack on his record. Then Kessler fired back forcefully: “I have "
                    "never voted for a tax increase in my life.”")
    assert speaker_of(e, "never voted") == "Dale Kessler"
    # the parser hangs 'fired' under the quotation's 'voted': the quote's own 'never' negates no cue
    e = enrich_text("Marco Rubio listened to the attack on his record. Then Rubio fired back forcefully: “I have "
                    "never voted for a tax increase in my life.”")
    assert speaker_of(e, "never voted") == "Marco Rubio"


def test_a_soft_hyphen_inside_a_name_is_read_through_and_the_stored_offsets_keep_it():
    body = ("Officials cleared the tents on Monday.\n\nD.C. Police Chief Peter \u00adNewsham said the city had waited "
            "long enough.")
    article = SourceArticle(id="s", title="Tents", body=body, source="s")
    seen = analysed(article)
    assert "\u00ad" not in seen.text and len(seen.positions) == len(seen.text) - seen.body_offset
    e = enrich_doc(article, load_pipeline()(seen.text), seen.body_offset, CanonicalTable(), seen.text,
                   positions=seen.positions)
    assert e.speakers == ["Peter Newsham"], e.speakers
    for q in e.quotes:
        assert body[q["start"]:q["end"]] == q["text"]  # the stored body, as written


def test_a_hover_card_of_headlines_after_a_name_is_no_text_of_the_article():
    body = ("Republicans met on Friday.\n\nSen. Lindsey Graham Lindsey Olin Graham'Saturday Night Live' presents the "
            "trial Schiff says Graham should be a witness in the trial MORE (R-S.C.) said the trial would be short.")
    e = enrich_text(body)
    assert e.speakers == ["Lindsey Graham"], e.speakers
    assert not any("Schiff" in q["text"] for q in e.quotes) and "Schiff" not in e.persons, (e.quotes, e.persons)


def test_a_one_word_label_before_a_colon_is_no_person():
    e = enrich_text("The primaries produced clear results.\n\nLoser: Indiana’s Democratic senator, Joe Donnelly, who "
                    "lost by ten points.\n\nWinner: Mike Braun, who spent millions.")
    assert e.speakers == [] and e.persons == ["Joe Donnelly", "Mike Braun"], (e.speakers, e.persons)
    e = enrich_text("Hurricane Florence neared the coast.\n\nPICTURES: PREPARATIONS FOR HURRICANE FLORENCE\n\n"
                    "MEMO: DISPUTED DOSSIER KEY TO FBI FISA WARRANT")
    assert e.speakers == [] and e.persons == [], (e.speakers, e.persons)


def test_a_common_word_capitalised_only_where_sentences_open_is_no_person():
    e = enrich_text("Voters in Israel went to the polls on Monday.\n\nJubilation erupted at Likud party headquarters "
                    "Monday evening as exit polls streamed in revealing that Netanyahu had defeated Gantz. The "
                    "jubilation lasted into the night, a party official said.")
    assert "Jubilation" not in e.persons and "Jubilation" not in e.speakers, (e.persons, e.speakers)
    assert {"Netanyahu", "Gantz"} <= set(e.persons)
