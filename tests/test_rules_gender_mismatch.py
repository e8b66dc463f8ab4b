"""gender-mismatch mechanisms, each on synthetic sentences: who may be a referent (weak
mentions with ordinary words, organisations, regnal names, appositions), which nouns compete
(singular people only), pronouns inside quotations, subject salience, and the name table
silenced by a document's own pronouns. Each case has a twin that must stay silent."""

from __future__ import annotations

import pytest

from dedupe.config import Config
from dedupe.model import Document
from dedupe.rules import RuleContext, all_rules
from dedupe.rules._people import Mention, WordCase, mentions, plausible_person
from dedupe.rules.gender_mismatch import _person_nouns

RULE = next(r for r in all_rules() if r.id == "gender-mismatch")


def flagged(*texts: str) -> list[str]:
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    return [f.text for f in RULE.run(docs, RuleContext(config=Config())) if f.severity == "warning"]


def findings(*texts: str):
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    return [f for f in RULE.run(docs, RuleContext(config=Config())) if f.severity == "warning"]


def test_weak_mention_with_an_ordinary_word_is_no_person():
    text = "Maria Santos toured Velkor Mining on Monday. His visit was short."
    assert flagged(text, "Open-pit mining is dangerous work, and mining pays well.") == ["His"]
    # with no sign that "Mining" is an ordinary word, the pair may be a person: silent
    assert flagged(text) == []


def test_word_case_counts_lower_case_and_capitalised_words():
    case = WordCase(["The mining town grew. Coal mining stopped. Velkor Mining closed."])
    assert case.mostly_lower("Mining") and case.common("Mining")
    assert not case.common("Velkor")
    weak = Mention(0, 12, "Velkor Mining", "Mining", None, weak=True)
    assert plausible_person(weak) and not plausible_person(weak, case)


def test_a_given_name_of_no_clear_gender_before_ordinary_words_is_no_person():
    case = WordCase(["The museum was free to visit and royal guests came."])
    assert not plausible_person(Mention(0, 10, "Royal Free", "Free", "Royal"), case)
    assert plausible_person(Mention(0, 10, "Anna Free", "Free", "Anna"), case)


def test_plural_nouns_do_not_compete_with_a_named_person():
    assert flagged("Maria Santos spoke to the refugees. His voice was calm.") == ["His"]
    assert flagged("Maria Santos spoke to the patient. His voice was calm.") == []


def test_pronoun_inside_a_quotation_that_names_the_person():
    assert flagged('The banner read: "Maria Santos changed the city. His plans worked."') == ["His"]
    assert flagged('The banner read: "Maria Santos changed the city. Her plans worked."') == []
    # nobody named inside the quotation: the speaker's own perspective, silent
    assert flagged('Maria Santos said: "He is wrong about the plan."') == []


def test_regnal_names_are_people():
    [m] = mentions("Pope John Paul II visited the town.")
    assert (m.person, m.given, m.weak) == ("John Paul II", "John", False)
    assert flagged("King Louis XIV built the palace. Her architects worked for years.") == ["Her"]


def test_a_name_of_an_organisation_is_no_person():
    text = "The grant went to Drava Selk, a small charity organization. Later, fans of Maria Santos met {} in town."
    assert flagged(text.format("his")) == ["his"]
    assert flagged("The grant went to Drava Selk in May. Later, fans of Maria Santos met his in town.") == []


def test_an_apposition_describes_the_person_just_named():
    text = "Ms Novak, spokeswoman for the firm, confirmed the recall. He said more tests would follow."
    [f] = findings(text)
    assert f.text == "He" and f.evidence["source"] == "honorific"


def test_subject_salience_sets_aside_people_named_in_passing():
    text = "The report was sent to Paul Weber in May. Yesterday Anna Lindqvist opened the clinic. {} speech was short."
    [f] = findings(text.format("His"))
    assert f.evidence["path"] == "subject" and f.confidence > 0.9
    assert flagged(text.format("Her")) == []
    # a subject pronoun (or a possessive starting the sentence) takes the latest subject ...
    assert flagged("Paul Weber lost the vote. Anna Lindqvist won it. He was not pleased.") == ["He"]
    assert flagged("Paul Weber lost the vote. Anna Lindqvist won it. His speech was short.") == ["His"]
    # ... a possessive inside the sentence may still mean someone named earlier as a subject
    assert flagged("Paul Weber lost the vote. Anna Lindqvist won it. Reporters praised his speech.") == []
    assert flagged("Paul Weber lost the vote. Anna Lindqvist said on Monday that he was gracious.") == []
    # reported speech ("said he") and objects are not governed by the subject
    assert flagged("The report was sent to Paul Weber. Anna Lindqvist said he would appeal.") == []
    assert flagged("The report was sent to Paul Weber. Anna Lindqvist thanked him in the end.") == []


def test_confidence_is_the_measured_precision_of_the_path():
    [f] = findings("Finance Minister Margaret Olsen said the budget would pass. He added that taxes would not rise.")
    assert f.evidence["path"] == "name" and f.confidence == pytest.approx(0.97)


def test_the_name_table_gives_way_to_many_pronouns_that_say_otherwise():
    # p = 0.95 for the given name: three pronouns of the other gender (log-odds 2.9) outweigh it
    doc = "Tony Marsh opened the shop. She was pleased."
    assert flagged(doc, doc, doc, doc) == []
    assert flagged(doc, doc) == ["She", "She"]
    # p = 0.999: seven would be needed
    doc = "John Marsh opened the shop. She was pleased."
    assert flagged(doc, doc, doc, doc) == ["She"] * 4


def test_a_possessive_in_what_is_said_of_a_person_means_someone_else():
    assert flagged("Anna Novak spoke about Peter Brown, who is his sister's husband.") == ["his"]
    assert flagged("Anna Novak spoke about Peter Brown, who is her sister's husband.") == []
    assert flagged("Anna Novak met Peter Brown, who is his own man.") == []


def test_a_noun_in_apposition_before_a_name_describes_that_person():
    assert flagged("The hospital said a nurse from Glasgow, Pauline Novak, is ill after his fall.") == ["his"]
    assert flagged("The hospital said a nurse treated Pauline Novak after his shift.") == []
    # a determiner after a sentence adverb starts no apposition: "the woman" is a referent
    text = "Peter Brown was arrested. Nevertheless, the woman was calm."
    assert [text[s:e] for s, e, _, _ in _person_nouns(text)] == ["woman"]
    assert _person_nouns("Peter Brown, the lawyer, was calm.") == []


def test_a_lone_word_that_ends_a_name_of_the_text_is_that_person():
    filler = " It rained. The roads were wet. Trains ran late. "
    text = "Xolani Green came to town." + filler + "Maria Santos met the press. Green said his speech was ready."
    assert flagged(text) == []
    assert flagged(text.replace("Xolani Green", "The green paint")) == ["his"]


def test_a_lone_name_in_several_documents_never_a_surname_is_no_person():
    doc = "Peter Brown told Velkora her plan was good."
    # "Velkora" stands alone in three documents and nobody bears it as a surname: an outlet
    assert flagged(doc, doc, doc) == ["her"] * 3
    assert flagged(doc, doc) == []
    assert flagged(doc, doc, doc, "Anna Velkora left.") == []


def test_an_adjective_before_a_noun_is_no_person():
    assert flagged("Peter Brown, repeating the official line, praised her work.") == ["her"]
    assert flagged("Peter Brown, talking to an official, praised her work.") == []


def test_a_lone_surname_of_a_name_in_the_text_is_no_given_name():
    filler = " It rained. The roads were wet. Trains ran late. "
    text = "Xolani Howard came to town." + filler + "Later Peter Brown thanked Howard for her plans."
    assert flagged(text) == []
    assert flagged(text.replace("Xolani Howard", "A farmer")) == ["her"]


def test_a_noun_naming_a_person_the_name_table_does_not_know_gives_the_gender():
    text = "Xolani Vukovar, an Australian woman and former nurse, said the church kept {} passport."
    assert flagged(text.format("his")) == ["his"]
    assert flagged(text.format("her")) == []
    assert flagged("The film starred actress Xolani Vukovar. Critics praised his work.") == ["his"]
    assert flagged("The film starred Xolani Vukovar. Critics praised his work.") == []


def test_a_pronoun_attributing_a_quotation_is_the_speaker_named_just_before():
    text = ('Paul Weber met the press. He was tired. Anna Lindqvist, a farmer, said the pigs were ill. '
            '"They die fast," {} said.')
    assert flagged(text.format("he")) == ["he"]
    assert flagged(text.format("she")) == []
    # the subject of the quoted clause is not the speaker
    assert flagged("Weber said the flat was empty. Anna Lindqvist lived there, he said.") == []


def test_a_region_named_after_a_place_is_no_person():
    text = "Pigs died in {}, Velkoro del Sur, this week. Peter Brown said that she could not tell why."
    assert flagged(text.format("Santa Maria")) == ["she"]
    assert flagged(text.format("the hills")) == []


def test_a_middle_initial_makes_a_person_of_a_given_name_that_is_a_place():
    [m] = mentions("We named Regina M. Cole to the post.")
    assert (m.person, m.given, m.weak) == ("Regina M Cole", "Regina", False)
    assert mentions("Regina is cold.") == []


def test_a_quotation_naming_someone_in_the_pronouns_sentence_speaks_of_that_person():
    text = 'Anna Lindqvist sang. "We hope to help Peter Brown with {} campaign," the band said.'
    assert flagged(text.format("her")) == ["her"]
    assert flagged(text.format("his")) == []
    # a quotation that names someone only in an earlier sentence: people outside still compete
    assert flagged('Anna Lindqvist sang. "Peter Brown is kind. We like her songs," the band said.') == []


def test_a_mention_with_its_own_honorific_decides_between_namesakes():
    text = "Ms. Brandt opened the shop in May. Mr. Brandt is abroad but {} wife Ana called."
    assert flagged(text.format("her")) == ["her"]
    assert flagged(text.format("his")) == []


def test_namesakes_of_one_gender_leave_no_doubt_about_the_surname():
    # another document names a namesake; the surname alone is still a man when both are men
    later = "Karim Haddad spoke at noon. Haddad lost her voice."
    assert flagged("Karim Haddad won the prize. Omar Haddad, his father, came too.", later) == ["her"]
    # namesakes of different genders: which Haddad is meant is unknown, silent
    assert flagged("Karim Haddad won the prize. Lina Haddad, his sister, came too.", later) == []
    # in its own document, a namesake named only after the surname is not known yet
    own = "Lina Haddad was fined. Haddad paid {} fine. Her brother, Karim Haddad, spoke."
    assert flagged(own.format("his")) == ["his"]
    assert flagged(own.format("her")) == []


def test_nouns_inside_an_attributed_quotation_do_not_compete_with_the_speaker():
    base = 'Peter Lindqvist spoke on Monday. "Everyone is tired and the patient is weak," {} said.'
    assert flagged(base.format("she")) == ["she"]
    assert flagged(base.format("he")) == []


def test_the_speaker_of_a_quotation_is_the_subject_of_the_reporting_verb():
    text = 'Mr Okafor said Velkor was reviewing its rules. "We will act soon," {} said.'
    assert flagged(text.format("she")) == ["she"]
    assert flagged(text.format("he")) == []


def test_a_noun_that_is_a_person_in_one_sense_only():
    assert flagged("Paul Weber said the source of the outbreak was unknown. She said tests continue.") == ["She"]
    assert flagged("Paul Weber said a source told him the plan. She said tests continue.") == []
    assert [text[s:e] for text in ["the source of the outbreak", "a source said so", "a source close to him"]
            for s, e, *_ in _person_nouns(text)] == ["source", "source"]


def test_he_or_she_is_nobody_in_particular():
    assert flagged("Paul Weber said each voter must cast his or her ballot.") == []
    assert flagged("Anna Ruiz said he or she would win.") == []


def test_an_age_apposition_marks_a_person_and_keeps_the_subject():
    # "Novak, 54, of Tyler said": Novak is the subject the next sentence's pronoun continues
    text = 'Anna Ruiz left early. Mark Novak, 54, of Tyler said, "I am fine." {} also said so.'
    assert flagged(text.format("She")) == ["She"]
    assert flagged(text.format("He")) == []
    # "Daniel Moretti, 19, a member of the club": the noun describes him, no other referent
    assert flagged("Daniel Moretti, 19, a member of the club all her life, left.") == ["her"]
    found = [m.person for m in mentions("Unique Armstead, the witness, spoke. Armstead, 32, said so.")]
    assert "Unique Armstead" in found


def test_a_plural_noun_for_people_is_no_name():
    case = WordCase(["Prosecutors said so."])
    assert not plausible_person(Mention(0, 11, "Prosecutors", "Prosecutors", None, weak=True), case)
    assert plausible_person(Mention(0, 5, "Okoro", "Okoro", None, weak=True), case)


def test_nouns_owned_by_the_speaker_or_before_a_plural_verb_are_no_referent():
    assert flagged("The girl was taken to hospital. His injuries are slight.") == ["His"]
    assert flagged("'My girlfriend and I were walking and he was there,' a witness said.") == []
    assert flagged("Bruce Hale said the coast guard have more patrols. She also said ports close.") == ["She"]
    assert flagged("Bruce Hale said the guard has more patrols. She also said ports close.") == []


def test_weekdays_are_no_lone_surnames():
    other = "Tom Tuesday met the press. "
    text = "Maria Santos was seized on Tuesday. His lawyer spoke."
    assert flagged(other, text) == ["His"]


def test_a_name_the_table_does_not_know_takes_the_gender_of_its_pronouns():
    text = "Zhvania Tebidze arrived on Monday. He said the talks went well. He visited the port. {} also met workers."
    assert flagged(text.format("She")) == ["She"]
    assert flagged(text.format("He")) == []
    # a single pronoun is no evidence
    assert flagged("Zhvania Tebidze arrived on Monday. He said the talks went well. She also met workers.") == []


def test_drafts_only_keep_evidence_from_other_documents():
    """With ``only`` (drafts against an archive) the other documents are resolved only when
    they name a person the drafts' pronouns may refer to; their pronouns still count as
    evidence of that person's gender (a name the table does not know)."""
    from dedupe.config import Config
    from dedupe.model import Document
    from dedupe.rules import run_rules

    docs = [Document("draft", "Zorblat Kettering opened the new plant on Monday. She said it would hire forty workers from the town."),
            Document("a1", "Zorblat Kettering visited the harbour on Friday. He toured the docks with the mayor. He said the work was going well."),
            Document("a2", "Officials met Zorblat Kettering at the airport. He thanked them for the welcome. He left for the capital."),
            Document("a3", "Rain fell across the region for a third day. Farmers said the harvest would be late.")]
    config = Config(select=("gender-mismatch",))
    full = [(f.doc, f.start, f.text) for f in run_rules(docs, config)]
    assert full == [("draft", docs[0].text.index("She"), "She")]
    assert [(f.doc, f.start, f.text) for f in run_rules(docs, config, only={"draft"}) if f.doc == "draft"] == full
