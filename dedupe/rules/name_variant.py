"""name-variant: one person or place written two ways in the corpus.

Two kinds of name are compared across all documents:

- people (a given name and a surname): two people with one surname whose given names are
  spellings of one name (Russian vs Ukrainian romanisation, one letter, diacritics) are one
  person written two ways; two different surnames are two people;
- single capitalised words that are not given names (places, surnames used alone).

The suggestion is the spelling used most (on a tie, the one used first in corpus order); every
occurrence of the other spellings is reported. Male and female forms of a Slavic surname are two
people. Diacritics that differ between documents each consistent in itself (a house style:
"Panamá" in one, "Panama" in another) are ``info``; mixed in one document they are a warning,
unless the accented form is the name's spelling in its own language (a word of that language's
frequency list: "Zürich" beside "Zurich"), which careful English writers mix too (``info``).
A hyphen or space written or left out ("Coca-Cola"/"CocaCola") is ``info`` wherever it occurs.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from ._keyed import DocIds, Excerpt, Keyed, Part, Store, run
from ._lex import fold, given_name, native_spelling, zipf_en
from ._people import lexicon_gender, stopwords, strip_possessive
from ._variants import candidate_neighbours, candidate_pairs, may_vary, sketch, variant_reason
from .base import Rule, analysis

_WORD_RE = re.compile(r"(?<![\w'’\-])[^\W\d_a-z][\w'’\-]*")
COMMON_WORD = 3.5  # a single word this common in English (Zipf) is not compared by spelling alone
WORD_RATIO = 80  # rapidfuzz ratio two single words must reach
RELATED_DOCS = 0.2  # TF-IDF cosine at which two documents tell the same story
RELATED_CHUNK = 2_000  # documents whose vectors are held at once in the report (groups compared a chunk at a time)
MAX_LISTED = 5
# precision of each path: mixed in one document measured on planted respellings
# (benchmarks/recall.py, respelling set: 44 of 48 warnings; the 4 others are typing errors of
# the host articles themselves); the others are estimates
CONFIDENCE = {"mixed in one document": 0.92, "across documents": 0.6, "style": 0.3}


def _collect(doc, index):
    """Pass 1: full-name mentions keyed by surname (``p``), capitalised words that are not
    given names keyed by their form (``w``); each an occurrence ``(document, start, end)``."""
    text = doc.text
    for m in analysis(text).mentions:
        if m.weak or not m.given or m.honorific:
            continue
        if text[m.start : m.end].startswith(m.given):  # a full mention, not a back-reference
            yield f"p\0{fold(m.surname)}", (m.given, _occurrence(doc, index, m.start, m.end))
    for m in _WORD_RE.finditer(text):
        key = _word_key(m.group())
        if key is not None:
            yield key, (index, doc.id, m.start())  # small: the word is the key


@lru_cache(maxsize=100_000)
def _word_key(word: str):
    """The key of a capitalised word compared by its form (without a possessive), or None for
    a short word, an acronym, a stop word or a given name."""
    word = strip_possessive(word)
    if len(word) < 4 or word.isupper() or fold(word) in stopwords() or given_name(word):
        return None
    return f"w\0{word}"


def _occurrence(doc, index: int, start: int, end: int) -> tuple:
    return Part(doc.id, Excerpt(doc.text[start:end], start), index), start, end


class _Occurrences(Store):
    """name-variant's pass-1 items grouped by key (``Keyed.store``): key -> its items, in
    corpus order, as a mapping whose keys are sorted. A surname's mentions are held as its
    given names, texts and (document, start, end) numbers; a capitalised word's occurrences,
    most of the items and needed in pass 2 only for the few forms in a group of variants,
    are kept in a temporary file as (word number, document, start), read back for those forms
    only (:meth:`prefetch`), so that what stays in memory is the words, not their
    occurrences. A group read by key is a sequence that makes its items when read
    (:class:`_Group`)."""

    def __init__(self):
        from ..spill import Numbers

        self.groups: dict = {}  # key -> ([given names], [texts], array) or a word's number
        self.words: list = []  # the words' keys, by number
        self.spilled = Numbers("q")  # (word number, document index, start) per occurrence (a staged run's index: 64 bits)
        self.loaded: dict = {}  # word key -> its occurrences read back, (document, start) pairs
        self.ids = DocIds()  # document index -> id

    def add(self, found) -> None:
        groups, ids, words, row = self.groups, self.ids, self.words, array("q")
        for key, item in found:
            if key[0] == "w":
                index, doc_id, start = item
                number = groups.get(key)
                if number is None:
                    number = groups[key] = len(words)
                    words.append(key)
                row.extend((number, index, start))
            else:
                given, (part, start, end) = item
                index, doc_id = part.index, part.id
                group = groups.get(key)
                if group is None:
                    group = groups[key] = ([], [], array("q"))
                group[0].append(sys.intern(given))
                group[1].append(sys.intern(part.text.text))
                group[2].extend((index, start, end))
            ids.add(index, doc_id)
        self.spilled.extend(row)
        self.loaded.clear()

    def held_keys(self) -> dict:
        return self.groups

    def __getitem__(self, key: str) -> "_Group":
        return _Group(key, self.groups[key], self)

    def _rows(self):
        """The spilled occurrences, a chunk at a time, as arrays of (word, document, start) rows."""
        step = 3 * (1 << 20)
        for at in range(0, len(self.spilled), step):
            yield self.spilled.read(at, min(at + step, len(self.spilled))).reshape(-1, 3)

    def prefetch(self, keys) -> None:
        """Read back the occurrences of the word keys ``keys`` (those held) at once, in one
        pass over the file (a group of variant forms' words, before they are compared)."""
        import numpy as np

        wanted = sorted({self.groups[k] for k in keys if k[0] == "w" and k in self.groups and k not in self.loaded})
        if not wanted:
            return
        wanted = np.asarray(wanted, dtype=np.int64)
        rows = [r[np.isin(r[:, 0], wanted)] for r in self._rows()]
        rows = np.concatenate(rows) if rows else np.empty((0, 3), dtype=np.int64)
        rows = rows[np.argsort(rows[:, 0], kind="stable")]  # (in corpus order within a word)
        bounds = np.searchsorted(rows[:, 0], np.append(wanted, np.iinfo(np.int64).max))
        for number, lo, hi in zip(wanted.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
            self.loaded[self.words[number]] = rows[lo:hi, 1:].reshape(-1).tolist()

    def occurrences(self, key: str) -> list:
        """A word key's occurrences, (document, start) numbers one after the other."""
        if key not in self.loaded:
            self.prefetch((key,))
        return self.loaded[key]

    def holding(self, mine: set) -> set:
        """The keys whose group holds an occurrence in a document of ``mine`` (indexes; the
        :func:`_holder` of an item), read from the arrays and the file without making the
        items (``_keyed.held``)."""
        import numpy as np

        wanted = np.fromiter(mine, dtype=np.int64, count=len(mine))
        numbers = set()
        for r in self._rows():
            numbers.update(np.unique(r[np.isin(r[:, 1], wanted), 0]).tolist())
        return {self.words[n] for n in numbers} | {
            key for key, held in self.groups.items() if key[0] != "w" and not mine.isdisjoint(held[2][::3])}


class _Group(Sequence):
    """The items of one key of :class:`_Occurrences`, as :func:`_collect` gave them, each
    made when read (a word's occurrences read back from the store's file when first read)."""

    def __init__(self, key: str, held, store: _Occurrences):
        self.key, self.held, self.store = key, held, store

    def prefetch(self, names) -> None:
        """Read back the occurrences of the word forms ``names`` at once, unless this group's
        are read already (the first group compared reads every grouped form's: the others
        then cost nothing, not a key made per grouped form per group)."""
        if self.key not in self.store.loaded:
            self.store.prefetch([f"w\0{m}" for m in names])

    def __len__(self) -> int:
        return len(self.store.occurrences(self.key)) // 2 if self.key[0] == "w" else len(self.held[0])

    def __getitem__(self, n: int):
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        ids = self.store.ids
        if self.key[0] == "w":
            held = self.store.occurrences(self.key)
            index, start = held[2 * n], held[2 * n + 1]
            return index, ids[index], start
        givens, texts, numbers = self.held
        index, start, end = numbers[3 * n : 3 * n + 3]
        return givens[n], (Part(ids[index], Excerpt(texts[n], start), index), start, end)


def _opposite_genders(a: str, b: str) -> bool:
    ga, gb = lexicon_gender(a), lexicon_gender(b)
    return bool(ga and gb and ga[0] != gb[0])


def _link(a: str, b: str, allow_spelling: bool, is_given: bool):
    """The reason two forms are variants of one name (a link of a group), or None."""
    from rapidfuzz.fuzz import ratio

    reason = variant_reason(a, b, allow_spelling)
    if reason is None:
        return None
    if is_given and _opposite_genders(a, b):
        return None
    if not is_given and reason.startswith("spelling") and (
        max(zipf_en(fold(a)), zipf_en(fold(b))) >= COMMON_WORD or ratio(fold(a), fold(b)) < WORD_RATIO
    ):
        return None
    return reason


def _groups(forms, allow_spelling: bool, is_given: bool, seeds=None):
    """Connected groups of variant forms, with the reason for each link (with ``seeds``,
    forms, only the groups holding one of them: found from the seeds outwards, every link of
    a member tried, so those groups and their links are the same)."""
    names = sorted(forms)
    parent = list(range(len(names)))
    reasons: dict = {}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if seeds is None:
        sketches = [sketch(n) for n in names]
        links = ((i, j, _link(names[i], names[j], allow_spelling, is_given)) for i, j in candidate_pairs(names)
                 if may_vary(sketches[i], sketches[j], allow_spelling))
    else:
        links = _seeded_links(names, seeds, allow_spelling, is_given)
    for i, j, reason in links:
        if reason is None:
            continue
        parent[find(i)] = find(j)
        reasons[frozenset((names[i], names[j]))] = reason
    groups = defaultdict(list)
    for i, n in enumerate(names):
        groups[find(i)].append(n)
    for members in groups.values():
        if len(members) > 1:
            why = sorted({r for k, r in reasons.items() if k <= set(members)})
            yield members, why


def _seeded_links(names: list, seeds, allow_spelling: bool, is_given: bool):
    """``(i, j, reason or None)`` for the candidate pairs (:func:`candidate_pairs`) holding a
    member of a group that holds one of ``seeds``: the groups grown from the seeds, each
    member's candidates tried."""
    neighbours = candidate_neighbours(names)
    index = {n: i for i, n in enumerate(names)}
    todo = sorted({index[s] for s in seeds if s in index})
    seen, tried = set(todo), set()
    while todo:
        i = todo.pop()
        for j in sorted(neighbours(i)):
            pair = (min(i, j), max(i, j))
            if pair in tried:
                continue
            tried.add(pair)
            reason = _link(names[pair[0]], names[pair[1]], allow_spelling, is_given)
            if reason is not None and j not in seen:
                seen.add(j)
                todo.append(j)
            yield pair[0], pair[1], reason


def _findings(members, why, forms, what, whole_mention: bool, order: dict):
    counts = {m: len(forms[m]) for m in members}
    top = max(counts.values())
    leaders = [m for m in members if counts[m] == top]
    suggestion = min(leaders, key=lambda m: min((order[d.id], s) for d, s, _ in forms[m]))
    flagged = [m for m in members if m != suggestion]
    for form in flagged:
        others = [m for m in members if m != form]
        where = [{"doc": d.id, "start": s, "end": e, "text": d.text[s:e]}
                 for m in others for d, s, e in forms[m]][:MAX_LISTED]
        style_only = all(r == "diacritics" or r.startswith("hyphen") for r in why)
        # hyphens and spaces (Coca-Cola/CocaCola, Jean-Luc/Jean Luc) vary even inside careful articles
        hyphen_only = all(r.startswith("hyphen") for r in why)
        # a name in its own language's spelling beside the English one ("Zürich"/"Zurich"): careful
        # English writers mix the two in one article, so it is style even there
        native = why == ["diacritics"] and all(native_spelling(m) for m in members if fold(m) != m.lower())
        for doc, s, e in forms[form]:
            end = e if whole_mention else s + len(form)
            # a document consistent in itself, written in another house style, is no artifact
            mixed = any(d.id == doc.id for m in others for d, _, _ in forms[m])
            severity = "info" if (style_only and not mixed) or native or hyphen_only else None
            other_docs = sorted({w["doc"] for w in where})
            msg = (f"{what} '{form}' is also written '{', '.join(others)}'"
                   f" (in {', '.join(other_docs)}): {'; '.join(why)}")
            yield RULE.finding(
                doc, s, end, msg, suggestion=suggestion, severity=severity,
                confidence=CONFIDENCE["style" if severity else "mixed in one document" if mixed else "across documents"],
                evidence={"variant": form, "variants": counts, "reason": why, "elsewhere": where,
                          "tie": len(leaders) > 1, "native_spelling": native},
            )


def _census(key: str, items: list) -> bool:
    return key.startswith("w")  # the forms of capitalised words (a vocabulary)


def _plan(forms: list, totals, seeds=None) -> dict:
    """The groups of variant word forms (found over the distinct forms, by key), and the
    group of each form in one (with ``seeds``, keys: only the groups holding one of them,
    those a run keeping some documents' findings compares, ``Keyed.seeded``)."""
    groups = list(_groups([k[2:] for k in forms], allow_spelling=False, is_given=False,
                          seeds=None if seeds is None else [k[2:] for k in seeds]))
    return {"groups": groups, "group_of": {m: n for n, (members, _) in enumerate(groups) for m in members}}


def _compare(key: str, items: list, plan: dict) -> list:
    kind, name = key[0], key[2:]
    if kind == "w":
        if name not in plan["group_of"]:
            return []
        if hasattr(items, "prefetch"):  # a store's group: every grouped form's occurrences read back at once
            items.prefetch(plan["group_of"])
        return [("w", name, [(Part(doc_id, Excerpt(name, start), index), start, start + len(name)) for index, doc_id, start in items])]
    given_forms: dict = defaultdict(list)
    for given, occurrence in items:
        given_forms[given].append(occurrence)
    order = _order(given_forms)
    return [("p", [f for members, why in _groups(given_forms, allow_spelling=True, is_given=True)
                   for f in _findings(members, why, given_forms, "the name", whole_mention=True, order=order)])]


def _order(forms: dict) -> dict:
    return {d.id: d.index for occ in forms.values() for d, _, _ in occ}


def _report(matches: list, plan: dict, totals):
    people = [f for m in matches if m[0] == "p" for f in m[1]]
    yield from people
    seen = {(f.doc, f.start) for f in people}
    words = {m[1]: m[2] for m in matches if m[0] == "w"}
    # not compared: a group a form of which no document asked about uses
    asked = [(members, why) for members, why in plan["groups"] if all(m in words for m in members)]
    for chunk, documents in _chunks(asked, words):
        related = Related(totals, documents)
        for members, why in chunk:
            group = _within_related({m: words[m] for m in members}, related)
            if len(group) < 2:
                continue
            for f in _findings(sorted(group), why, group, "the name", whole_mention=False, order=_order(group)):
                if (f.doc, f.start) not in seen:
                    yield f


def _chunks(asked: list, words: dict):
    """The groups asked about, in order, a few at a time: ``(groups, their documents)``, the
    groups of a chunk using at most RELATED_CHUNK documents together (or one group using
    more), so that the vectors made for a chunk (:class:`Related`) are bounded, not those of
    every document using a variant form at once. A document's vector does not depend on the
    others' (its terms, the corpus' document frequencies): one used by groups of two chunks
    is made twice, with the same values."""
    chunk, documents = [], set()
    for members, why in asked:
        mine = {d.index for m in members for d, _, _ in words[m]}
        if chunk and len(documents | mine) > RELATED_CHUNK:
            yield chunk, documents
            chunk, documents = [], set()
        chunk.append((members, why))
        documents |= mine
    if chunk:
        yield chunk, documents


_TERM_RE = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _term_counts(text: str) -> Counter:
    """How often each term of a text occurs, as ``TfidfVectorizer(stop_words="english")``
    analyses it (lower case, its token pattern, its English stop words left out), without
    importing it; in order of first occurrence. Every token is counted at once, and the stop
    words are then dropped, once per distinct word."""
    counts = Counter(_term_list(text))
    for word in stopwords().intersection(counts):
        del counts[word]
    return counts


# ASCII bytes -> itself lower-cased for a word character (``\w``: letters, digits, "_"), else a space
_TERM_BYTES = bytes(b + 32 if 65 <= b <= 90 else b if chr(b).isalnum() or b == 95 else 32 for b in range(128)) + b" " * 128
_ONE_CHAR = frozenset(chr(b) for b in range(128) if chr(b).isalnum() or b == 95)


def _term_list(text: str) -> list:
    """``_TERM_RE.findall(text.lower())``: of an ASCII text, its runs of word characters at
    least two long (what ``\\b\\w\\w+\\b`` finds), by one translation and a split in C."""
    if not text.isascii():
        return _TERM_RE.findall(text.lower())
    words = text.encode("ascii").translate(_TERM_BYTES).decode("ascii").split()
    return [w for w in words if len(w) > 1]


def _terms(doc) -> set:
    """The document's terms once each (their document frequencies, added up in pass 1): the
    distinct words of :func:`_term_counts`, as a set, without a list of every word first."""
    text = doc.text
    if not text.isascii():
        return set(_TERM_RE.findall(text.lower())) - stopwords()
    terms = set(text.encode("ascii").translate(_TERM_BYTES).decode("ascii").split())
    terms -= _ONE_CHAR  # (the runs of one character, which ``\w\w+`` does not find)
    return terms - stopwords()


class Related:
    """Do two documents tell the same story? Word TF-IDF (sublinear tf, smoothed idf over the
    whole corpus, English stop words left out, as scikit-learn's ``TfidfVectorizer`` computes
    it) cosine at least RELATED_DOCS; a document is related to itself. Computed only for the
    documents asked about, from the corpus' document frequencies (``totals.tally``), in
    chunks of bounded size: memory and work follow the documents using variant forms, not
    the number of pairs of documents in the corpus."""

    CHUNK = 4_000_000  # distances computed at once

    def __init__(self, totals, indices):
        self.totals = totals
        self.indices = sorted(set(indices))
        self.row = {i: n for n, i in enumerate(self.indices)}
        self.matrix = self._vectors() if totals.documents >= 2 and totals.tally else None

    def _vectors(self):
        import numpy as np
        from scipy.sparse import csr_matrix
        from sklearn.preprocessing import normalize

        # each document's term counts as arrays at once (term ids in order of first sight), so
        # that only one string per distinct term is held, not a Counter per document; ids
        # as int32 and each row sorted by column in place (every document using a variant
        # form may be asked about: these arrays were the rules' largest at the end of the scan)
        seen, ids, counts, sizes = {}, array("i"), array("d"), [0]
        for t in self.totals.texts(self.indices):
            c = _term_counts(t)
            ids.extend(seen.setdefault(w, len(seen)) for w in c)
            counts.extend(c.values())
            sizes.append(len(ids))
        vocabulary = sorted(seen)  # columns in term order
        column = np.zeros(len(seen), dtype=np.int32)
        column[[seen[t] for t in vocabulary]] = np.arange(len(vocabulary), dtype=np.int32)
        del seen
        col = column[np.frombuffer(ids, dtype=np.int32)]
        del ids
        matrix = csr_matrix((np.frombuffer(counts, dtype=np.float64).copy(), col, np.array(sizes, dtype=np.int64)),
                            shape=(len(sizes) - 1, max(1, len(vocabulary))))
        del counts, col
        matrix.sort_indices()  # each row by column
        df = np.zeros(matrix.shape[1])
        df[: len(vocabulary)] = [self.totals.tally[t] for t in vocabulary]
        idf = np.full_like(df, fill_value=self.totals.documents + 1) / (df + 1.0)
        np.log(idf, out=idf)
        idf += 1.0
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= idf[matrix.indices]
        with _unchecked():
            return normalize(matrix, norm="l2", copy=False)

    def related_to_any(self, mine: set, others: set) -> set:
        """The documents of ``mine`` related to at least one of ``others``."""
        found = mine & others
        rest = sorted(mine - others)
        if not rest or not others or self.matrix is None:
            return found
        from sklearn.metrics.pairwise import cosine_distances

        theirs = self.matrix[[self.row[j] for j in sorted(others)]]
        step = max(1, self.CHUNK // len(others))
        for k in range(0, len(rest), step):
            chunk = rest[k : k + step]
            with _unchecked():
                near = (cosine_distances(self.matrix[[self.row[i] for i in chunk]], theirs) <= 1 - RELATED_DOCS).any(axis=1)
            found.update(i for i, hit in zip(chunk, near) if hit)
        return found


def _unchecked():
    """scikit-learn's setting for calls whose arguments are known good (sparse float64 matrices
    made here, finite): no validation of the parameters or the values, which costs more than
    the computation on the small matrices of one group of forms; the results are the same."""
    from sklearn import config_context

    return config_context(assume_finite=True, skip_parameter_validation=True)


def _within_related(forms: dict, related: Related) -> dict:
    """Keep, of each form, the occurrences in a document related to one using another form
    (``related``: the :class:`Related` of at least the forms' documents)."""
    docs = {form: {d.index for d, _, _ in occ} for form, occ in forms.items()}
    out = {}
    for form, occ in forms.items():
        others = {i for f, ds in docs.items() if f != form for i in ds}
        ok = related.related_to_any(docs[form], others)
        kept = [x for x in occ if x[0].index in ok]
        if kept:
            out[form] = kept
    return out


def _holder(key: str, item) -> int:
    """A surname's findings are on its own mentions, a group of word forms' on the forms'
    occurrences (its forms compared together, ``_together``)."""
    return item[1][0].index if key[0] == "p" else item[0]


def _together(plan: dict) -> list:
    return [[f"w\0{m}" for m in members] for members, _ in plan["groups"]]


KEYED = Keyed(collect=_collect, compare=_compare, report=_report, census=_census, plan=_plan, tally=_terms,
              holder=_holder, together=_together, seeded=_plan, store=_Occurrences)


def _check(docs, ctx):
    return run(RULE.id, docs)


RULE = Rule(
    id="name-variant",
    severity="warning",
    description="One person or place spelled two ways in the corpus (transliteration, one letter, diacritics).",
    check=_check,
    confidence=tuple(CONFIDENCE.items()),
    scope="corpus",
    keyed=KEYED,
    should_flag=(
        ("Foreign Minister Andriy Sybiha met envoys in Lviv.", "Minister [[Andrei Sybiha]] spoke in Lviv."),
        "Trains to [[Kharkov]] resumed on Monday. Officials in Kharkiv said damage was light. Kharkiv had power.",
        ("Mayor Renée Dubois opened the fair.", "[[Renee Dubois]] said the fair would return.", "Renée Dubois left."),
        # a romanisation swap inside one word, in one document
        "Flights to Zaporizhzhia resumed. Zaporizhzhia airport reopened and [[Zaporizhzhya]] officials cheered.",
        "The envoy met Hennadiy Ivanenko in Lviv. Ivanenko said [[Gennadiy]] was a nickname.",
    ),
    should_pass=(
        ("Vladimir Sokolov spoke in Moscow.", "Volodymyr Petrenko spoke in Kyiv."),
        ("Maria Costa won the race.", "Mario Costa finished second."),
        ("Niger and Nigeria signed the accord.", "Troops left Niger on Friday."),
        # two patronymic surnames of two traditions (-sen / -son): two families
        "Erik Hansen spoke first. Hansen said the talks went well. Mark Hanson disagreed, and Hanson left early.",
        # a husband and wife: male and female forms of one surname
        ("Judge Pavel Orlovsky spoke first. Orlovsky said the court would sit again.",
         "His wife Orlovskaya declined to comment. Orlovskaya left the court early."),
    ),
)
