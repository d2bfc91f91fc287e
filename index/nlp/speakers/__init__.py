"""Speech attribution: who is quoted as speaking, from the dependency parse, and the quotes they claim.

A *speech event* is a cue (a speech verb such as said/told/warned/emphasized, "according to", a
transcript label, a dash line) with a source. The source comes from the parse, never from entity
labels alone. The modules, each building on those before it:

* `lexicon`: the words: speech, stance and thought verbs and their forms, cue forms;
* `events`: `SpeechEvent`, and a source taken for a person that is none;
* `article`: one article as the rules read it (parse, sentences, mentions, persons, quotes);
* `pronouns`: who a he/she/him/her is;
* `subjects`: which token of the parse is a speech verb's source;
* `sources`: who that token names (names, noun phrases, coordinated subjects, groups);
* `cues`: speech events and stances from cue verbs and "according to";
* `layout`: speech events that a line's layout makes (transcripts, name and colon, dash lines);
* `attribution`: `SpeakerFinder`, putting it together, and `Quote`: each quote's speaker.
"""
