"""Recall and precision of the translation-artifact rules: DEMETR perturbations and artifacts
planted by construction into native English articles, the planted spans as gold.

Planted sets (host: Wikinews, 251 native English articles, CC BY 2.5; a fixed random seed).
Each set is one corpus: every host article, with at most one artifact planted in it, so the
rule also sees the untouched articles and its false alarms there count against precision.

- ``pronoun`` (gender-mismatch): a he/his/him/she/her that follows a person of known gender in
  the same or next sentence, flipped; the person is named by a given name, an honorific
  (Mr/Mrs/Ms), a kinship noun (father, sister ...) or a role noun (actress, king ...);
- ``respelling`` (name-variant): one occurrence of a rare capitalised name used at least
  three times in the article, respelled by a romanisation table (y/i, ia/ya, h/g, o/e, -a/-o,
  kh/h ...), by one letter (doubled or dropped), or with a diacritic;
- ``stray`` (stray-token, or foreign-fragment): one common English word replaced by its
  translation in German, French, Spanish, Italian, Russian or Chinese (not when the
  translation is an English word too);
- ``untranslated`` (foreign-fragment): a whole source sentence of DEMETR (ten languages) left
  untranslated, inserted as a paragraph of its own;
- ``quote`` (quote-drift): a quotation of at least ten words is repeated in another article
  with two or three content words replaced by synonyms (a re-translation; both quotations are
  gold). As controls (not gold) other quotations are repeated verbatim, trimmed by a few words
  at either end, with one function word changed, or with a clause left out.

Recall: share of planted artifacts covered by a warning (or error) finding of the rule.
Precision: share of the rule's warning findings on that corpus that cover a planted span.

DEMETR (MIT): per perturbation, the share of perturbed sentences (``pert_sent``, items with
``pert_check``) on which the rule gives a warning, and the share of clean machine translations
(``mt_sent``) on which it does; precision = fired on perturbed / (fired on perturbed + fired on
clean), the two sets being the same size.

Usage::

    python benchmarks/recall.py [--data /work/shared/data] [--only pronoun,quote] [--show SET] [--seed N]
    python benchmarks/recall.py --pronoun-paths [--unknown-names]   # gender-mismatch precision per path
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe.config import Config  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.rules import RuleContext, all_rules  # noqa: E402

WARNING = ("warning", "error")
SEED = 7

# ---------------------------------------------------------------------------- planted sets


@dataclass
class Planted:
    name: str
    rules: tuple  # a finding of any of these rules counts
    docs: list = field(default_factory=list)  # Document
    gold: list = field(default_factory=list)  # (doc id, start, end, kind)


def _sentence_spans(text: str):
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|$)", text)]


KINSHIP = {"father": "m", "mother": "f", "son": "m", "daughter": "f", "brother": "m", "sister": "f",
           "husband": "m", "wife": "f", "uncle": "m", "aunt": "f", "grandfather": "m", "grandmother": "f",
           "boy": "m", "girl": "f"}
ROLES = {"king": "m", "queen": "f", "actor": "m", "actress": "f", "businessman": "m", "businesswoman": "f",
         "chairman": "m", "chairwoman": "f", "spokesman": "m", "spokeswoman": "f", "prince": "m",
         "princess": "f", "policeman": "m", "policewoman": "f", "man": "m", "woman": "f"}
HONORIFIC = {"Mr": "m", "Mr.": "m", "Mrs": "f", "Mrs.": "f", "Ms": "f", "Ms.": "f", "Miss": "f"}
PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRON_RE = re.compile(r"\b(he|him|his|she|her|He|His|She|Her)\b")


def _flip(word: str, following: str) -> str:
    low = word.lower()
    if low == "her":  # possessive before a word, object otherwise
        out = "his" if re.match(r"\s+[a-z]", following) else "him"
    else:
        out = {"he": "she", "him": "her", "his": "her", "she": "he"}[low]
    return out.capitalize() if word[0].isupper() else out


def _person_mentions(text: str, unknown: bool = False):
    """(end, gender, kind) of people in ``text`` by given name, honorific, kinship or role noun;
    with ``unknown``, full names whose given name the name table does not know, of gender None
    ("unknown name": the pronoun that follows is taken to be theirs)."""
    from dedupe.rules._lex import given_name, is_place, zipf_en
    from dedupe.rules._people import lexicon_gender

    out = []
    for m in re.finditer(r"\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+", text):
        g = lexicon_gender(m.group(1))
        if g:
            out.append((m.end(), g[0], "given name"))
        elif (unknown and given_name(m.group(1)) is None and zipf_en(m.group(1).lower()) < 3
              and not is_place(m.group())):
            out.append((m.end(), None, "unknown name"))
    for m in re.finditer(r"\b(Mr\.?|Mrs\.?|Ms\.?|Miss)\s+[A-Z][a-z]+", text):
        out.append((m.end(), HONORIFIC[m.group(1)], "honorific"))
    for m in re.finditer(r"\b(?:the|a|an|his|her|their|my)\s+(\w+)\b", text):
        w = m.group(1).lower()
        if w in KINSHIP:
            out.append((m.end(), KINSHIP[w], "kinship noun"))
        elif w in ROLES:
            out.append((m.end(), ROLES[w], "role noun"))
    return sorted(out)


def plant_pronouns(articles, rng, unknown: bool = False) -> Planted:
    """A pronoun agreeing with the nearest preceding person (same or previous sentence, no
    other person or pronoun in between), flipped. ``unknown``: also after a full name the name
    table does not know (any pronoun, taken to agree)."""
    out = Planted("pronoun", ("gender-mismatch",))
    for aid, text in articles:
        people = _person_mentions(text, unknown)
        sents = _sentence_spans(text)
        options = []
        for k, (s, e) in enumerate(sents):
            window_start = sents[k - 1][0] if k else s
            for pm in _PRON_RE.finditer(text, s, e):
                before = [p for p in people if window_start <= p[0] <= pm.start()]
                if not before:
                    continue
                end, gender, kind = before[-1]
                if kind == "unknown name":
                    if len(before) > 1:
                        continue
                    gender = PRONOUNS[pm.group().lower()]
                if len({p[1] for p in before}) > 1 or PRONOUNS[pm.group().lower()] != gender:
                    continue
                if _PRON_RE.search(text, end, pm.start()):  # not the first pronoun after the person
                    continue
                options.append((pm, kind))
        if not options:
            out.docs.append(Document(id=aid, text=text))
            continue
        pm, kind = rng.choice(options)
        new = _flip(pm.group(), text[pm.end():pm.end() + 3])
        text = text[: pm.start()] + new + text[pm.end():]
        out.docs.append(Document(id=aid, text=text))
        out.gold.append((aid, pm.start(), pm.start() + len(new), kind))
    return out


ROMANISATION = (("y", "i"), ("i", "y"), ("ia", "ya"), ("ya", "ia"), ("h", "g"), ("g", "h"), ("o", "e"),
                ("e", "o"), ("kh", "h"), ("zh", "j"), ("ch", "tch"), ("ou", "u"), ("u", "ou"), ("ks", "x"))
DIACRITIC = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "s": "ş", "n": "ñ", "z": "ž"}


def _respell(name: str, how: str, rng) -> str | None:
    low = name.lower()
    if how == "romanisation":
        if low.endswith("a"):
            opts = [name[:-1] + "o"]
        elif low.endswith("o"):
            opts = [name[:-1] + "a"]
        else:
            opts = []
        for a, b in ROMANISATION:
            i = low.find(a, 1)
            if i > 0:
                opts.append(name[:i] + b + name[i + len(a):])
        return rng.choice(opts) if opts else None
    if how == "one letter":
        doubled = [i for i in range(1, len(name) - 1) if low[i] == low[i + 1]]
        if doubled:
            i = rng.choice(doubled)
            return name[:i] + name[i + 1:]
        i = rng.randrange(1, len(name))
        return name[:i] + name[i - 1].lower() + name[i:]  # double one letter
    opts = [i for i in range(1, len(name)) if name[i] in DIACRITIC]
    if not opts:
        return None
    i = rng.choice(opts)
    return name[:i] + DIACRITIC[name[i]] + name[i + 1:]


def plant_respellings(articles, rng) -> Planted:
    """One occurrence (not the first) of a rare capitalised name used 3+ times, respelled."""
    from wordfreq import zipf_frequency

    out = Planted("respelling", ("name-variant",))
    kinds = ("romanisation", "one letter", "diacritics")
    for n, (aid, text) in enumerate(articles):
        counts: dict = {}
        for m in re.finditer(r"(?<![\w\-'’])[A-Z][a-z]{4,}(?![\w\-])", text):
            counts.setdefault(m.group(), []).append(m)
        names = [w for w, ms in counts.items() if len(ms) >= 3 and zipf_frequency(w, "en") < 2.5]
        how = kinds[n % len(kinds)]
        if not names:
            out.docs.append(Document(id=aid, text=text))
            continue
        name = rng.choice(sorted(names))
        new = _respell(name, how, rng)
        if not new or new == name:
            out.docs.append(Document(id=aid, text=text))
            continue
        m = rng.choice(counts[name][1:])
        text = text[: m.start()] + new + text[m.end():]
        out.docs.append(Document(id=aid, text=text))
        out.gold.append((aid, m.start(), m.start() + len(new), how))
    return out


# English word -> its translation in the source languages of machine-translated news
FOREIGN = {
    "government": {"de": "Regierung", "fr": "gouvernement", "es": "gobierno", "it": "governo", "ru": "правительство", "zh": "政府"},
    "police": {"de": "Polizei", "fr": "policiers", "es": "policía", "it": "polizia", "ru": "полиция", "zh": "警察"},
    "city": {"de": "Stadt", "fr": "ville", "es": "ciudad", "it": "città", "ru": "город", "zh": "城市"},
    "people": {"de": "Leute", "fr": "gens", "es": "gente", "it": "persone", "ru": "люди", "zh": "人们"},
    "year": {"de": "Jahr", "fr": "année", "es": "año", "it": "anno", "ru": "год", "zh": "年度"},
    "country": {"de": "Landes", "fr": "pays", "es": "país", "it": "paese", "ru": "страна", "zh": "国家"},
    "week": {"de": "Woche", "fr": "semaine", "es": "semana", "it": "settimana", "ru": "неделя", "zh": "星期"},
    "company": {"de": "Unternehmen", "fr": "entreprise", "es": "empresa", "it": "azienda", "ru": "компания", "zh": "公司"},
    "children": {"de": "Kinder", "fr": "enfants", "es": "niños", "it": "bambini", "ru": "дети", "zh": "孩子"},
    "water": {"de": "Wasser", "fr": "eau", "es": "agua", "it": "acqua", "ru": "вода", "zh": "水"},
    "school": {"de": "Schule", "fr": "école", "es": "escuela", "it": "scuola", "ru": "школа", "zh": "学校"},
    "money": {"de": "Geld", "fr": "argent", "es": "dinero", "it": "soldi", "ru": "деньги", "zh": "钱"},
    "president": {"de": "Präsident", "fr": "président", "es": "presidente", "it": "presidente", "ru": "президент", "zh": "总统"},
    "said": {"de": "sagte", "fr": "déclaré", "es": "dijo", "it": "detto", "ru": "сказал", "zh": "说"},
    "and": {"de": "und", "fr": "et", "es": "y", "it": "e", "ru": "и", "zh": "和"},
    "with": {"de": "mit", "fr": "avec", "es": "con", "it": "con", "ru": "с", "zh": "与"},
    "about": {"de": "über", "fr": "environ", "es": "sobre", "it": "circa", "ru": "около", "zh": "关于"},
    "also": {"de": "auch", "fr": "aussi", "es": "también", "it": "anche", "ru": "также", "zh": "也"},
    "because": {"de": "weil", "fr": "parce", "es": "porque", "it": "perché", "ru": "потому", "zh": "因为"},
    "new": {"de": "neue", "fr": "nouvelle", "es": "nueva", "it": "nuova", "ru": "новый", "zh": "新的"},
    "war": {"de": "Krieg", "fr": "guerre", "es": "guerra", "it": "guerra", "ru": "война", "zh": "战争"},
    "world": {"de": "Welt", "fr": "monde", "es": "mundo", "it": "mondo", "ru": "мир", "zh": "世界"},
    "house": {"de": "Haus", "fr": "maison", "es": "casa", "it": "casa", "ru": "дом", "zh": "房子"},
    "today": {"de": "heute", "fr": "aujourd'hui", "es": "hoy", "it": "oggi", "ru": "сегодня", "zh": "今天"},
    "market": {"de": "Markt", "fr": "marché", "es": "mercado", "it": "mercato", "ru": "рынок", "zh": "市场"},
    "election": {"de": "Wahl", "fr": "élection", "es": "elección", "it": "elezione", "ru": "выборы", "zh": "选举"},
    "court": {"de": "Gericht", "fr": "tribunal", "es": "tribunal", "it": "tribunale", "ru": "суд", "zh": "法院"},
    "after": {"de": "nach", "fr": "après", "es": "después", "it": "dopo", "ru": "после", "zh": "之后"},
    "would": {"de": "würde", "fr": "serait", "es": "sería", "it": "sarebbe", "ru": "бы", "zh": "将"},
    "only": {"de": "nur", "fr": "seulement", "es": "solo", "it": "solo", "ru": "только", "zh": "只"},
}


def plant_stray(articles, rng) -> Planted:
    """One occurrence of a common English word replaced by its translation. Translations that
    are English words too ("con", "solo", "tribunal": Latin script and Zipf >= 3.5 in English)
    are not planted: nothing could tell them from English."""
    from wordfreq import zipf_frequency

    out = Planted("stray", ("stray-token", "foreign-fragment"))
    langs = ("de", "fr", "es", "it", "ru", "zh")
    for n, (aid, text) in enumerate(articles):
        lang = langs[n % len(langs)]
        usable = [w for w, tr in FOREIGN.items()
                  if zipf_frequency(tr[lang], "en") < 3.5 or not tr[lang].isascii()]
        ms = [m for m in re.finditer(r"\b(" + "|".join(usable) + r")\b", text)]
        if not ms:
            out.docs.append(Document(id=aid, text=text))
            continue
        m = rng.choice(ms)
        new = FOREIGN[m.group()][lang]
        text = text[: m.start()] + new + text[m.end():]
        out.docs.append(Document(id=aid, text=text))
        out.gold.append((aid, m.start(), m.start() + len(new), lang))
    return out


# content word -> a synonym a translator might choose instead (content words only: a
# re-translation is told by its content words, see quote-drift)
SYNONYMS = {
    "said": "stated", "big": "large", "large": "big", "important": "significant", "help": "assist",
    "need": "require", "people": "persons", "begin": "start", "start": "begin", "end": "finish",
    "show": "demonstrate", "shows": "demonstrates", "think": "believe", "believe": "think",
    "want": "wish", "hope": "expect", "problem": "issue", "problems": "issues", "issue": "problem",
    "quickly": "rapidly", "country": "nation",
    "government": "administration", "work": "labour", "working": "labouring", "support": "backing",
    "decision": "ruling", "clear": "evident", "difficult": "hard", "hard": "difficult",
    "serious": "grave", "happy": "glad", "sad": "sorrowful", "worried": "concerned",
    "concerned": "worried", "attack": "assault", "attacks": "assaults", "fight": "struggle",
    "change": "alter", "changes": "alterations", "children": "kids", "money": "funds",
    "job": "position", "jobs": "positions", "time": "period", "place": "location",
    "city": "town", "make": "create", "made": "created", "build": "construct", "built": "constructed",
    "buy": "purchase", "get": "obtain", "give": "provide", "try": "attempt", "tried": "attempted",
    "seen": "witnessed", "see": "witness", "look": "appear", "find": "discover", "found": "discovered",
    "keep": "retain", "allow": "permit", "allowed": "permitted", "stop": "halt", "leave": "depart",
    "protect": "defend", "safe": "secure", "safety": "security", "danger": "peril", "dangerous": "perilous",
    "right": "correct", "wrong": "incorrect", "good": "fine", "bad": "poor", "great": "tremendous",
    "strong": "powerful", "weak": "feeble", "fast": "swift", "small": "little", "whole": "entire",
    "answer": "reply", "ask": "request", "asked": "requested",
    "plan": "scheme", "plans": "schemes", "goal": "aim", "chance": "opportunity", "way": "manner",
    "part": "portion", "result": "outcome", "results": "outcomes", "law": "legislation", "rules": "regulations",
    "game": "match", "team": "squad", "win": "triumph", "won": "triumphed", "lost": "forfeited",
    "record": "tally", "died": "perished", "killed": "slain", "hurt": "injured", "injured": "wounded",
    "sure": "certain", "certain": "sure", "able": "capable", "possible": "feasible", "news": "tidings",
    "future": "prospects", "world": "globe", "community": "society", "family": "household",
    "business": "enterprise", "company": "firm", "market": "marketplace", "price": "cost", "prices": "costs",
    "increase": "rise", "cut": "reduce", "cuts": "reductions", "worse": "poorer", "better": "superior",
    "believed": "thought", "thought": "believed", "know": "understand", "understand": "comprehend",
    "continue": "proceed", "continued": "proceeded", "really": "truly", "happened": "occurred",
    "happen": "occur", "wanted": "wished", "needed": "required", "called": "termed", "told": "informed",
    "mistake": "error", "terrible": "awful", "wonderful": "marvellous", "proud": "honoured",
    "move": "shift", "moved": "shifted", "opportunity": "chance", "enough": "sufficient",
}
FUNCTION_SWAPS = {"would": "could", "could": "would", "the": "a", "a": "the", "will": "would",
                  "is": "was", "was": "is", "that": "which", "this": "that", "we": "we've"}
_MARK_RE = re.compile(r"[\"“”]")


def _quoted(text: str):
    """(start, end) of quotations: the quote marks of each paragraph paired in order
    (an opener then a closer), quotations of 50 to 400 characters."""
    for para in re.finditer(r"[^\n]+", text):
        marks = [m.start() for m in _MARK_RE.finditer(text, para.start(), para.end())]
        for k in range(0, len(marks) - 1, 2):
            s, e = marks[k] + 1, marks[k + 1]
            if text[marks[k]] != "”" and text[e] != "“" and 50 <= e - s <= 400 and not text[s].isspace():
                yield s, e


def _words(s: str):
    return list(re.finditer(r"[A-Za-z][A-Za-z'’]*", s))


def _retranslate(q: str, rng) -> str | None:
    ws = [m for m in _words(q) if m.group().lower() in SYNONYMS]
    if len(ws) < 2:
        return None
    pick = sorted(rng.sample(ws, min(len(ws), rng.choice((2, 3)))), key=lambda m: m.start())
    out, at = [], 0
    for m in pick:
        syn = SYNONYMS[m.group().lower()]
        syn = syn.capitalize() if m.group()[0].isupper() else syn
        out += [q[at:m.start()], syn]
        at = m.end()
    return "".join(out) + q[at:]


def _control(q: str, kind: str, rng) -> str | None:
    ws = _words(q)
    if kind == "verbatim":
        return q
    if kind == "trimmed" and len(ws) >= 12:
        return q[ws[2].start():] if rng.random() < 0.5 else q[: ws[-3].end()]
    if kind == "function word":
        fs = [m for m in ws if m.group().lower() in FUNCTION_SWAPS]
        if fs:
            m = rng.choice(fs)
            return q[: m.start()] + FUNCTION_SWAPS[m.group().lower()] + q[m.end():]
    if kind == "clause left out":
        parts = re.split(r"(?<=,) ", q)
        if len(parts) >= 3:
            k = rng.randrange(1, len(parts) - 1)
            return " ".join(parts[:k] + parts[k + 1:])
    return None


def plant_quotes(articles, rng) -> Planted:
    """Quotations repeated in another article: re-translated (gold) or as controls."""
    out = Planted("quote", ("quote-drift",))
    texts = dict(articles)
    ids = [a for a, _ in articles]
    quotes = [(aid, span) for aid, t in articles for span in _quoted(t) if len(_words(t[span[0]:span[1]])) >= 10]
    rng.shuffle(quotes)
    used_src, hosts = set(), [a for a in ids]
    rng.shuffle(hosts)
    controls = ("verbatim", "trimmed", "function word", "clause left out")
    extra: dict = {}  # host id -> [(paragraph, source id, source span, gold kind)]
    for n, (aid, span) in enumerate(quotes):
        if aid in used_src:
            continue
        q = texts[aid][span[0]:span[1]]
        kind = "re-translated" if n % 2 == 0 else controls[(n // 2) % len(controls)]
        new = _retranslate(q, rng) if kind == "re-translated" else _control(q, kind, rng)
        if not new:
            continue
        host = next((h for h in hosts if h != aid and h not in extra), None)
        if host is None:
            break
        used_src.add(aid)
        extra[host] = (f'A spokesperson repeated the remarks: "{new}"', aid, span, kind)
    for aid in ids:
        text = texts[aid]
        if aid in extra:
            para, src, span, kind = extra[aid]
            start = len(text) + 2 + para.index('"') + 1
            text = text + "\n\n" + para
            if kind == "re-translated":
                out.gold.append((aid, start, len(text) - 1, kind))
                out.gold.append((src, span[0], span[1], "source of a re-translation"))
            else:
                out.gold.append((aid, start, len(text) - 1, "control: " + kind))
        out.docs.append(Document(id=aid, text=text))
    return out


def plant_untranslated(articles, rng, demetr_folder: Path) -> Planted:
    """One sentence left untranslated: a DEMETR source sentence (``src_sent``, ten source
    languages) inserted as a paragraph of its own in the middle of each article."""
    out = Planted("untranslated", ("foreign-fragment",))
    items = json.loads((demetr_folder / "base_id35_reference.json").read_text("utf-8"))
    by_lang: dict = {}
    for it in items:
        if it["src_sent"].strip():
            by_lang.setdefault(it["lang_tag"], []).append(it["src_sent"].strip())
    langs = sorted(by_lang)
    for n, (aid, text) in enumerate(articles):
        lang = langs[n % len(langs)]
        sent = rng.choice(by_lang[lang])
        cut = text.find("\n", len(text) // 2)
        cut = len(text) if cut < 0 else cut
        text = text[:cut] + "\n" + sent + "\n" + text[cut:]
        out.docs.append(Document(id=aid, text=text))
        out.gold.append((aid, cut + 1, cut + 1 + len(sent), lang))
    return out


PLANTERS = {"pronoun": plant_pronouns, "respelling": plant_respellings, "stray": plant_stray,
            "quote": plant_quotes, "untranslated": plant_untranslated}


def score(planted: Planted, rules: dict, show: bool = False) -> dict:
    """Recall per kind and precision of the warning findings of the set's rules."""
    ctx = RuleContext(config=Config())
    found = [f for rid in planted.rules if rid in rules for f in rules[rid].run(planted.docs, ctx)
             if f.severity in WARNING]
    gold = [g for g in planted.gold if not g[3].startswith("control")]
    sources = {g for g in gold if g[3].startswith("source")}

    def covers(f, g):
        return f.doc == g[0] and f.start < g[2] and g[1] < f.end

    by_kind: dict = {}
    for g in gold:
        if g in sources:
            continue
        hit = any(covers(f, g) for f in found)
        ok, n = by_kind.get(g[3], (0, 0))
        by_kind[g[3]] = (ok + hit, n + 1)
    true = [f for f in found if any(covers(f, g) for g in gold)]
    if show:
        texts = {d.id: d.text for d in planted.docs}
        for f in found:
            tag = "TP" if f in true else "FP"
            t = texts[f.doc]
            print(f"[{planted.name} {tag} {f.rule}] {f.doc}: [{f.text}] ...{t[max(0, f.start - 60):f.end + 60]!r} "
                  f"| {f.message}", file=sys.stderr)
        for g in gold:
            if g not in sources and not any(covers(f, g) for f in found):
                t = texts[g[0]]
                print(f"[{planted.name} MISS {g[3]}] {g[0]}: [{t[g[1]:g[2]]}] ...{t[max(0, g[1] - 60):g[2] + 60]!r}",
                      file=sys.stderr)
    hits = sum(v[0] for v in by_kind.values())
    total = sum(v[1] for v in by_kind.values())
    return {"set": planted.name, "rules": "/".join(planted.rules), "planted": total,
            "recall": hits / total if total else None, "findings": len(found),
            "precision": len(true) / len(found) if found else None, "by_kind": by_kind}


# ---------------------------------------------------------------------------- DEMETR

DEMETR = {
    "critical_id11_gender": ("gender-mismatch",),
    "critical_id4_codemix": ("stray-token", "foreign-fragment"),
    "minor_id32_first_lower": ("broken-sentence",),
}


def demetr(folder: Path, rules: dict) -> list[dict]:
    ctx = RuleContext(config=Config())

    def fires(rule_ids, text):
        doc = [Document(id="s", text=text)]
        return any(f.severity in WARNING for rid in rule_ids if rid in rules for f in rules[rid].run(doc, ctx))

    rows = []
    for name, rule_ids in DEMETR.items():
        items = [x for x in json.loads((folder / f"{name}.json").read_text("utf-8")) if x.get("pert_check")]
        pert = sum(fires(rule_ids, x["pert_sent"]) for x in items)
        clean = sum(fires(rule_ids, x["mt_sent"]) for x in items)
        rows.append({"set": name, "rules": "/".join(rule_ids), "n": len(items), "recall": pert / len(items),
                     "clean": clean / len(items), "precision": pert / (pert + clean) if pert + clean else None})
        if name == "critical_id11_gender":  # the items whose antecedent can be known from the sentence
            named = [x for x in items if _names_known_gender(x["pert_sent"])]
            pert = sum(fires(rule_ids, x["pert_sent"]) for x in named)
            clean = sum(fires(rule_ids, x["mt_sent"]) for x in named)
            rows.append({"set": name + ", naming a person of known gender", "rules": "/".join(rule_ids),
                         "n": len(named), "recall": pert / len(named) if named else None,
                         "clean": clean / len(named) if named else None,
                         "precision": pert / (pert + clean) if pert + clean else None, "fired": pert})
    return rows


def _names_known_gender(text: str) -> bool:
    """Does the sentence name a person of known gender: a full mention (``mentions()``) with an
    honorific, or a given name at p >= 0.9 in the name table?"""
    from dedupe.rules._people import lexicon_gender, mentions

    return any(not m.weak and (m.honorific or lexicon_gender(m.given, 0.9)) for m in mentions(text))


def pronoun_paths(data: Path, rules: dict, unknown: bool = False) -> dict:
    """Precision of gender-mismatch per evidence path (the finding's ``evidence`` source, and
    ``subject`` for the subject-salience path), on pronoun flips planted (one per article,
    seed 7) into Wikinews, ECB+ and BASIL articles, each host scanned as one corpus; the
    figures behind the rule's ``confidence``. Returns path -> (true, findings), and
    ``(recall)`` -> (flips found, flips planted). ``unknown``: flips after full names the name
    table does not know are planted too (for the paths that give such names a gender: the
    person's pronouns in the document or the corpus)."""
    from benchmarks.false_alarms import corpora

    loaders = corpora(data)
    out: dict = {}
    for host in ("wikinews", "ecbplus", "basil"):
        try:
            docs = loaders[host]()
        except FileNotFoundError:
            continue
        planted = plant_pronouns([(d.id, d.text) for d in docs], random.Random(SEED), unknown)
        found = [f for f in rules["gender-mismatch"].run(planted.docs, RuleContext(config=Config()))
                 if f.severity in WARNING]
        gold = {(g[0], g[1]) for g in planted.gold}
        hit = {(f.doc, f.start) for f in found} & gold
        ok, n = out.get("(recall)", (0, 0))
        out["(recall)"] = (ok + len(hit), n + len(gold))
        for f in found:
            path = "subject" if f.evidence.get("path") == "subject" else f.evidence["source"]
            ok, n = out.get(path, (0, 0))
            out[path] = (ok + ((f.doc, f.start) in gold), n + 1)
    return out


def _f(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/work/shared/data", type=Path)
    ap.add_argument("--only", default="", help="comma-separated planted sets (default: all), or 'demetr'")
    ap.add_argument("--show", default="", help="print the findings and misses of these planted sets (to stderr)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed of the planting (default {SEED})")
    ap.add_argument("--json", type=Path, help="write the raw figures here")
    ap.add_argument("--pronoun-paths", action="store_true",
                    help="only: gender-mismatch precision per path on flips planted in Wikinews, ECB+ and BASIL")
    ap.add_argument("--unknown-names", action="store_true",
                    help="with --pronoun-paths: also plant flips after full names the name table does not know")
    args = ap.parse_args(argv)
    if args.pronoun_paths:
        rules = {r.id: r for r in all_rules()}
        print("| path (evidence source) | true | findings | precision | smoothed (n+1)/(N+2) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for path, (ok, n) in sorted(pronoun_paths(args.data, rules, args.unknown_names).items()):
            print(f"| {path} | {ok} | {n} | {ok / n:.2f} | {(ok + 1) / (n + 2):.2f} |")
        return
    rules = {r.id: r for r in all_rules()}
    only = [x for x in args.only.split(",") if x]
    wiki = args.data / "wikinews" / "wikinews.jsonl"
    articles = [(r["id"], r["text"]) for r in map(json.loads, wiki.read_text("utf-8").splitlines()) if r]
    results = {"planted": [], "demetr": []}
    print("### Planted artifacts in Wikinews articles (warnings)\n")
    print("| set | rule | planted | recall | warnings | precision | recall by kind |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for name, planter in PLANTERS.items():
        if only and name not in only:
            continue
        rng = random.Random(args.seed)
        planted = planter(articles, rng, args.data / "demetr") if name == "untranslated" else planter(articles, rng)
        r = score(planted, rules, show=name in args.show.split(","))
        results["planted"].append(r)
        kinds = "; ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(r["by_kind"].items()))
        print(f"| {name} | {r['rules']} | {r['planted']} | {_f(r['recall'])} | {r['findings']} | "
              f"{_f(r['precision'])} | {kinds} |")
    if not only or "demetr" in only:
        print("\n### DEMETR perturbations (warnings; each sentence scanned alone)\n")
        print("| perturbation | rule | items | recall (fires on perturbed) | fires on clean MT | precision |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for r in demetr(args.data / "demetr", rules):
            results["demetr"].append(r)
            fired = f" ({r['fired']}/{r['n']})" if "fired" in r else ""
            print(f"| {r['set']} | {r['rules']} | {r['n']} | {_f(r['recall'])}{fired} | {_f(r['clean'])} | {_f(r['precision'])} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), "utf-8")


if __name__ == "__main__":
    main()
