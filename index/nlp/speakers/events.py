"""A speech event: a cue (a speech verb, "according to", a transcript label, a dash or a colon) with
its source and, where the parse shows it, what was said."""

from __future__ import annotations

from dataclasses import dataclass

from newsfind.index.nlp.canonical import CanonicalTable
from newsfind.index.nlp.names import MEDIA_NAMES, names_no_person

# Events that a line's layout makes, quoting rather than reporting.
STRUCTURAL_RULES = frozenset({"transcript", "colon-name", "dash-line", "tweet"})


@dataclass
class SpeechEvent:
    cue_i: int  # token index of the cue
    cue: str
    speaker: str | None  # canonical value, None when the source is unnamed
    speaker_type: str | None  # person | org
    rule: str
    confidence: float
    content: tuple[int, int] | None  # character span of what was said, when the parse shows it
    sent_start: int  # character offset of the cue's sentence
    subject_i: int | None = None  # token index of the source, when known
    co_speakers: tuple[str, ...] = ()  # more persons of a coordinated subject: 'Cruz and Marco Rubio said'
    reported_by: str | None = None  # the person whose reported words hold this cue: 'Sims says ... Haley said'

    @property
    def names_a_speaker(self) -> bool:
        """The source is a speaker of the article (its facet); a he/she that could only be resolved to
        a person merely mentioned nearby gives its quote a speaker but is not evidence enough, nor is
        speech that another person reports ('Briggs said Sharpton asked for the meeting')."""
        return bool(self.speaker) and not self.rule.startswith("pronoun-mentioned") and self.reported_by is None


def correct_non_person(event: SpeechEvent, table: CanonicalTable) -> None:
    """A source the model took for a person that is none: a medium speaks as an organisation
    ('Twitter said'), a place or building not at all ('Ponte Vedra Beach'); either way it still
    claims its quote, so the quote goes to nobody else."""
    if event.speaker_type != "person" or not event.speaker or not names_no_person(event.speaker):
        return
    if event.speaker.lower() in MEDIA_NAMES:
        event.speaker, event.speaker_type = table.org(event.speaker), "org"
    else:
        event.speaker, event.speaker_type = None, None
    event.rule = f"{event.rule}/not-a-person"
