"""Seeded generators for the reliability tests: small news articles that spaCy parses quickly
(names, organisations, places and speech verbs, so enrichment does real work), and a corpus of
hostile inputs (`tests/hostile.py`)."""

from __future__ import annotations

import json
import random
from pathlib import Path

PEOPLE = ["Sergei Lavrov", "John Kerry", "Federica Mogherini", "Angela Merkel", "Josh Earnest", "Maria Zakharova",
          "Ban Ki-moon", "Bashar al-Assad", "Vladimir Putin", "Barack Obama"]
ORGS = ["the State Department", "the Kremlin", "the United Nations", "NATO", "the European Union", "the Pentagon"]
PLACES = ["Syria", "Vienna", "Moscow", "Washington", "Geneva", "Damascus", "Ukraine", "Berlin"]
TOPICS = ["talks", "sanctions", "a ceasefire", "refugees", "aid", "the election", "oil prices", "the summit"]
VERBS = ["said", "told reporters", "warned", "added", "stated"]
OUTLETS = ["UPI", "Reuters", "Example Wire", "112 Ukraine", "The Daily Planet"]


def article(rng: random.Random, article_id: str) -> dict:
    """One small article (two to four sentences), with an outlet and a date."""
    person, other = rng.sample(PEOPLE, 2)
    place, org, topic = rng.choice(PLACES), rng.choice(ORGS), rng.choice(TOPICS)
    sentences = [
        f"{person} met {other} in {place} on {rng.choice(['Monday', 'Tuesday', 'Friday'])} to discuss {topic}.",
        f"\u201cWe will keep working on {topic},\u201d {person} {rng.choice(VERBS)}.",
        f"{org[0].upper()}{org[1:]} {rng.choice(VERBS)} the meeting in {place} was useful.",
        f"Token {article_id} marks this story.",
    ]
    return {
        "id": article_id,
        "title": f"{person} and {other} discuss {topic} in {place}",
        "body": " ".join(sentences[:rng.randint(2, 3)] + sentences[3:]),
        "outlet": rng.choice(OUTLETS),
        "date": f"2015-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }


def articles(count: int, seed: int = 0, prefix: str = "a") -> list[dict]:
    rng = random.Random(seed)
    return [article(rng, f"{prefix}{i:05d}") for i in range(count)]


def write_articles(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path
