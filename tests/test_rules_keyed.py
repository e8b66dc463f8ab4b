"""The keyed corpus rules (name-variant, quote-drift, gender-mismatch: ``dedupe.rules._keyed``)
find what the all-at-once implementation found, whatever the number of workers.

``fixtures/keyed/findings_before.json`` holds the findings of the implementation that saw
every document at once (main at 8f6b3d5, before the rules were keyed; gender-mismatch: main
at 8271d46) on the fixture corpora. The staged runs (partitions, shards, Ray) are compared with the in-process run in
``test_distributed.py``."""

import glob
import json
from pathlib import Path

import pytest

from dedupe.config import Config
from dedupe.model import Document
from dedupe.rules import RuleContext, _keyed, all_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ("name-variant", "quote-drift", "gender-mismatch")


def _jsonl(path: Path) -> list:
    return [Document(id=r["id"], text=r["text"]) for r in map(json.loads, path.open(encoding="utf-8"))]


CORPORA = {
    "wikinews": lambda: _jsonl(ROOT / "fixtures" / "wikinews" / "wikinews.jsonl"),
    "near": lambda: _jsonl(ROOT / "fixtures" / "near" / "corpus.jsonl"),
    "seeds": lambda: [Document(id=Path(p).name, text=Path(p).read_text(encoding="utf-8"))
                      for p in sorted(glob.glob(str(ROOT / "seeds" / "*.txt")))],
}


def _canonical(findings) -> list:
    return sorted((f.to_dict() for f in findings), key=lambda d: json.dumps(d, sort_keys=True))


@pytest.fixture(scope="module")
def before() -> dict:
    return json.loads((ROOT / "fixtures" / "keyed" / "findings_before.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize("rule_id", RULES)
def test_same_findings_as_all_at_once(before, corpus, rule_id):
    rule = {r.id: r for r in all_rules()}[rule_id]
    assert rule.keyed is not None and rule.scope == "corpus"
    found = _canonical(rule.run(CORPORA[corpus](), RuleContext(config=Config())))
    assert found == before[f"{corpus}/{rule_id}"]
    assert found or corpus == "near" and rule_id == "quote-drift"


@pytest.mark.parametrize("rule_id", RULES)
def test_workers_change_nothing(rule_id):
    """Pass 1 in two processes (batches of documents), the items grouped afterwards."""
    docs = [d for name in sorted(CORPORA) for d in CORPORA[name]()]
    assert len(docs) > _keyed.BATCH  # two batches at least: two processes
    one = _canonical(_keyed.run(rule_id, docs, workers=1))
    assert one and _canonical(_keyed.run(rule_id, docs, workers=2)) == one


def test_partition_of_is_stable_and_spread():
    """Every process puts a key in the same partition (not Python's salted hash)."""
    assert _keyed.partition_of("w\0Kyiv", 7) == _keyed.partition_of("w\0Kyiv", 7)
    assert _keyed.partition_of("p\0novak", 1) == 0
    assert len({_keyed.partition_of(f"k{i}", 7) for i in range(200)}) == 7


def test_excerpt_slices_with_document_offsets():
    text = "Minister Andriy Sybiha met envoys."
    part = _keyed.Part("d1", _keyed.Excerpt(text[9:22], 9))
    assert part.text[9:15] == text[9:15] == "Andriy"
    assert part.text[16:22] == "Sybiha"


def test_terms_are_those_of_scikit_learn():
    """name-variant's document frequencies use the terms TfidfVectorizer(stop_words="english")
    would (its relatedness was computed with it), without importing scikit-learn in pass 1."""
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from dedupe.rules.name_variant import _term_counts

    theirs = TfidfVectorizer(stop_words="english").build_analyzer()
    texts = [d.text for d in CORPORA["seeds"]()] + ["It's the 2nd élan of Zürich's co-op — naïve_user 42 x y"]
    assert all(list(_term_counts(t).items()) == list(Counter(theirs(t)).items()) for t in texts)


CORPUS_RULES = ("boilerplate", "gender-mismatch", "name-variant", "quote-drift")


def test_only_drafts_keep_their_findings():
    """With ``only`` (drafts against an archive) the corpus rules skip the key groups and
    documents that make no finding in the drafts (``Keyed.holder``/``together``,
    ``Keyed.focus``, gender-mismatch's ``Pass.wider``): the drafts' findings are those of
    the full run."""
    import random

    from dedupe.rules import run_rules

    docs = [d for name in sorted(CORPORA) for d in CORPORA[name]()]
    config = Config(select=CORPUS_RULES)
    full = run_rules(docs, config)
    flagged = sorted({f.doc for f in full})
    assert {f.rule for f in full} == set(CORPUS_RULES)
    rng = random.Random(11)
    quoting = sorted({f.doc for f in full if f.rule == "quote-drift"})  # (quote-drift's pass 1 reads fewer units)
    for k in range(4):
        only = set(rng.sample(flagged, 6) if k else rng.sample(quoting, min(4, len(quoting))))
        only |= set(rng.sample([d.id for d in docs], 2))
        expected = _canonical(f for f in full if f.doc in only)  # (the caller drops the others)
        assert expected and _canonical(f for f in run_rules(docs, config, only=only) if f.doc in only) == expected


def test_seeded_groups_are_the_groups_holding_a_seed():
    """name-variant's plan for drafts (``Keyed.seeded``) grows the groups of variant forms
    from the drafts' forms: they are the full plan's groups holding one, links and order
    included."""
    import random

    from dedupe.rules.name_variant import _collect, _groups

    forms = sorted({key[2:] for name in sorted(CORPORA) for i, d in enumerate(CORPORA[name]())
                    for key, _ in _collect(d, i) if key.startswith("w")})
    forms += ["Kharkiv", "Kharkov", "Kharkova", "Zaporizhzhia", "Zaporizhzhya", "Zaporizhia", "Renée", "Renee"]
    full = list(_groups(forms, allow_spelling=False, is_given=False))
    assert len(full) > 5
    rng = random.Random(5)
    for k in range(6):
        seeds = rng.sample(forms, 40) + ([m for members, _ in rng.sample(full, 3) for m in members[:1]] if k else [])
        expected = [g for g in full if set(g[0]) & set(seeds)]
        assert list(_groups(forms, allow_spelling=False, is_given=False, seeds=seeds)) == expected
        assert expected or not k
    given = ["Andriy", "Andrii", "Andrei", "Andrey", "Gennadiy", "Hennadiy", "Maria", "Mario", "Olena", "Elena", "Yelena"]
    for seed in given:
        assert list(_groups(given, True, True, seeds=[seed])) == [g for g in _groups(given, True, True) if seed in g[0]]


def test_boilerplate_focus_keeps_the_drafts_findings():
    """boilerplate's pass 1 for drafts (``Keyed.focus``) keeps another document's lines only
    where a draft holds the line, without pattern findings: the drafts' findings (repeated
    lines counted over every document, in their surroundings; patterns) are the full run's,
    from fewer items."""
    import random

    from dedupe.rules import run_rules
    from dedupe.rules.boilerplate import KEYED

    rng = random.Random(3)
    furniture = ["Share this story with your friends", "Photo: Jan Kowal / Reuters", "Most read",
                 "Sign up for our morning newsletter", "Topics: weather, rivers"]
    body = ["The river rose overnight and the town is cut off from the main road.",
            "Crews worked through the night to clear the roads and pump water out of the homes.",
            "The council met on Monday to decide how to pay for new pumps and sandbags.",
            "Schools stayed closed while the water fell, the mayor said in a statement."]
    docs = []
    for n in range(24):
        lines = rng.sample(body, 3) + rng.sample(furniture, rng.randint(0, 3))
        rng.shuffle(lines)
        docs.append(Document(id=f"d{n}", text="\n".join([f"Story {n} opens here today."] + lines)))
    config = Config(select=("boilerplate",))
    full = run_rules(docs, config)
    assert {f.evidence.get("repeated_in") is not None for f in full} == {True, False}  # lines and patterns
    for k in range(5):
        only = {d.id for d in rng.sample(docs, 1 + k)}
        expected = _canonical(f for f in full if f.doc in only)
        assert _canonical(f for f in run_rules(docs, config, only=only) if f.doc in only) == expected
        drafts = [d for d in docs if d.id in only]
        focused = _keyed.collect(("boilerplate",), list(enumerate(docs)), drafts)["boilerplate"][0]
        assert len(focused) < len(_keyed.collect(("boilerplate",), list(enumerate(docs)))["boilerplate"][0])
    assert KEYED.focus is not None


def test_name_variant_store_gives_back_the_groups():
    """name-variant's store (its capitalised words' occurrences in a temporary file, read
    back by key or for a set of keys at once) gives each group as a list per key holds it, in
    corpus order, with document indexes of 64 bits (a staged run's (shard, row) keys), and
    finds the keys holding a document of a set as the items' holders say."""
    import random

    from dedupe.rules.name_variant import _Occurrences, _collect, _holder
    from dedupe.spill import Numbers

    docs = [d for name in sorted(CORPORA) for d in CORPORA[name]()]
    found = [pair for i, d in enumerate(docs) for pair in _collect(d, (3 << 32) + i)]
    plain = _keyed.grouped(found)
    store = _Occurrences()
    store.spilled = Numbers("q", buffer=64)  # (most of them on file)
    for at in range(0, len(found), 500):
        store.add(found[at : at + 500])
    assert list(store) == list(plain) and len(store.spilled) > 64
    words = [k for k in plain if k[0] == "w"]
    store.prefetch(words[::3])
    def plain_item(item):  # (an Excerpt compares by identity)
        if isinstance(item[1], tuple):
            given, (part, start, end) = item
            return given, part.id, part.text.text, part.text.offset, part.index, start, end
        return item

    for key, items in plain.items():
        group = store[key]
        assert len(group) == len(items) and list(map(plain_item, group)) == list(map(plain_item, items))
    rng = random.Random(3)
    mine = {(3 << 32) + i for i in rng.sample(range(len(docs)), 20)}
    assert store.holding(mine) == {k for k, items in plain.items() if any(_holder(k, it) in mine for it in items)}


def test_doc_ids():
    ids = _keyed.DocIds()
    for index, doc_id in [(1 << 40, "a"), (1 << 40, "a"), ((1 << 40) + 5, "Zürich-\udcff"), (7, "late")]:
        ids.add(index, doc_id)
    assert len(ids) == 3 and ids[1 << 40] == "a" and ids[(1 << 40) + 5] == "Zürich-\udcff" and ids[7] == "late"
    assert 7 in ids and 8 not in ids
    with pytest.raises(KeyError):
        ids[8]


def test_visits_taken_as_they_come_are_one_visit_over_all():
    from collections import Counter
    from concurrent.futures import Future

    parts = [({i: bytes([i % 256]) * (i % 7) for i in range(s, s + 3)} | {s + 100: None}, Counter({"k": s, s: 1}),
              {s: ["m"]} if s % 2 else {}) for s in (0, 3, 6, 12)]
    futures = [Future() for _ in parts]
    visits = _keyed.Visits()
    for f in futures:
        visits.add(f)
    for f, part in reversed(list(zip(futures, parts))):  # out of corpus order, as workers may finish
        f.set_result(part)
    carried, tally, matches = visits.result()
    want = {i: v for c, _, _ in parts for i, v in c.items()}
    assert dict(carried) == want and list(carried) == sorted(want) and carried.get(99) is None
    assert tally == sum((t for _, t, _ in parts), Counter()) and matches == {3: ["m"]}
    carried.close()
    failed = Future()
    visits = _keyed.Visits()
    visits.add(failed)
    failed.set_exception(ValueError("a worker's error"))
    with pytest.raises(ValueError):
        visits.result()
