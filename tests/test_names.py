from newsfind.index.nlp.names import clean_name, display_name, fold_token, person_key, surname_key


def test_clean_name_strips_titles_and_possessives():
    assert clean_name("U.S. Secretary of State John Kerry") == "John Kerry"
    assert clean_name("Mr. Lavrov") == "Lavrov"
    assert clean_name("Kerry’s") == "Kerry"
    assert clean_name("the White House’s Press Secretary Josh Earnest") == "Josh Earnest"
    assert clean_name("President") == ""
    assert clean_name("Ctrl + Enter") == "Ctrl Enter" or clean_name("Ctrl + Enter") == ""


def test_clean_name_starts_after_an_office_run_into_the_name_but_keeps_names_holding_a_rank():
    assert clean_name("Santa Rosa Sheriff Bob Johnson") == "Bob Johnson"
    assert clean_name("former prosecutor Capt. Lorraine Sult") == "Lorraine Sult"
    assert clean_name("General Motors CEO Mary Barra") == "Mary Barra"
    # a word of the name, or too little left to be a full name
    assert clean_name("Billie Jean King") == "Billie Jean King"
    assert clean_name("Martin Luther King Jr.") == "Martin Luther King Jr."
    assert clean_name("D.C. Police Chief Peter") == "D.C. Police Chief Peter"


def test_person_key_merges_spelling_variants_and_initials():
    variants = ["Sergei V. Lavrov", "Sergey Lavrov", "Sergey V. Lavrov", "Sergei Lavrov"]
    assert len({person_key(v) for v in variants}) == 1
    assert person_key("Bashar al-Assad") == person_key("Bashar Assad")
    assert person_key("Dmitry Peskov") == person_key("Dmitriy Peskov") == person_key("Dmitrii Peskov")
    assert person_key("John Kerry") != person_key("John Kirby")


def test_display_name_drops_middle_initials_only():
    assert display_name("Sergei V. Lavrov") == "Sergei Lavrov"
    assert display_name("Ashton B. Carter") == "Ashton Carter"
    assert display_name("Bashar al-Assad") == "Bashar al-Assad"


def test_surname_and_fold():
    assert surname_key("Mr. Lavrov") == surname_key("Sergei Lavrov")
    assert fold_token("Sergey") == fold_token("Sergei")
    assert fold_token("Zakharova") != fold_token("Zakharov")


def test_names_of_places_buildings_and_media_are_no_persons_but_lookalike_people_are():
    from newsfind.index.nlp.names import names_no_person

    for name in ["Trump Tower", "Ponte Vedra Beach", "Orlando Sentinel", "South Carolina", "New York City",
                 "Twitter", "Trump’s Indiana", "Bellwether County"]:
        assert names_no_person(name), name
    for name in ["John Tower", "Kanye West", "Kerry Washington", "Arsenio Hall", "Chan Park", "Newt Gingrich",
                 "Trump", "Mike Pence"]:
        assert not names_no_person(name), name
