"""index/nlp/enrich.py masks boilerplate (credits, "Author:" lines, comment prompts) with spaces:
every other character, every newline and every offset stays where it was."""
import random

from newsfind.index.nlp.enrich import BOILERPLATE, mask_boilerplate


def masked_one_by_one(body: str) -> str:
    """The plain definition: every character of every match, newlines excepted, becomes a space."""
    chars = list(body)
    for pattern in BOILERPLATE:
        for m in pattern.finditer(body):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def test_credits_and_bylines_are_masked_in_place():
    body = "Kerry met Lavrov.\nPhoto by Jane Doe / AP\nAuthor: Staff\nThey said “talks”.\nShare this\n"
    masked = mask_boilerplate(body)
    assert len(masked) == len(body) and masked.count("\n") == body.count("\n")
    assert "Jane" not in masked and "Staff" not in masked and "Share" not in masked
    assert masked.startswith("Kerry met Lavrov.\n") and "They said “talks”." in masked


def test_overlapping_and_adjacent_matches_mask_each_character_once():
    parts = ["Photo by X\n", "Author: Y\n", "| License Photo z", "Share this\n", "Related: foo\n", "text ",
             "\n", "Credit: A | License Photo B\n", "Advertisement\n", "Screenshot via C", " ", "Kerry said"]
    rng = random.Random(5)
    for _ in range(3000):
        body = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        assert mask_boilerplate(body) == masked_one_by_one(body), body
