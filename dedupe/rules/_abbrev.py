"""Words that end in a dot without ending a sentence: abbreviations of titles, months, units,
companies, and the state and province abbreviations of news style."""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "gov", "sen", "rep", "capt", "cmdr",
    "adm", "maj", "rev", "hon", "pres", "no", "nos", "vs", "v", "etc", "inc", "ltd", "co", "corp", "bros", "dept",
    "univ", "assn", "est", "approx", "ca", "cf", "al", "viz", "vol", "vols", "pp", "p", "ed", "eds", "fig", "figs",
    "op", "cit", "ibid", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "mt", "ft", "ave", "blvd", "rd", "hwy",
    "min", "max", "sq", "km", "kg", "lb", "lbs", "oz", "cu", "mi", "yr", "yrs", "hr", "hrs", "incl", "excl", "esp",
    "govt", "llc", "plc", "gmbh", "ag", "pty", "intl", "natl", "misc", "dist", "div", "art", "sec", "ch", "para", "gr", "ref", "tel", "ext", "resp",
    # state and province abbreviations of news style (AP): "Salem, Ore. police said"
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md",
    "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt",
    "wash", "wis", "wyo", "alta", "ont", "que", "sask",
}
# the part after a dot of a web address or file name, when the text was rebuilt from tokens
# with a space after every dot ("example. com", "setup. exe")
ADDRESS_SUFFIXES = {"com", "org", "net", "gov", "edu", "int", "mil", "info", "biz", "co", "uk", "us", "io", "tv", "ly",
                  "html", "htm", "php", "asp", "aspx", "exe", "dll", "pdf", "doc", "docx", "jpg", "png", "gif",
                  "txt", "zip", "xml", "js", "css"}

_SPLIT_ADDRESS = re.compile(r"(?:[\w-]+(?: - [\w-]+)*\. ){1,5}(?:%s)\b" % "|".join(sorted(ADDRESS_SUFFIXES)))


def in_split_address(text: str, pos: int) -> bool:
    """``pos`` is inside a web address or file name split by tokenisation ("www. example. com")."""
    lo = max(0, pos - 80)
    return any(m.start() <= pos < m.end() for m in _SPLIT_ADDRESS.finditer(text, lo, min(len(text), pos + 80)))


def is_abbreviation(word: str) -> bool:
    """``word`` (the text before a dot) is an abbreviation, an initial or a dotted form."""
    bare = word.lstrip("(\"'“‘[").lower()
    if "." in bare or "/" in bare or "@" in bare:  # e.g, a.m, U.S, www.site
        return True
    short_capitalised = len(bare) <= 3 and word.lstrip("(\"'“‘[")[:1].isupper() and not word.isupper()
    return bare in ABBREVIATIONS or len(bare) == 1 or short_capitalised  # Bt., Co., Jr.
