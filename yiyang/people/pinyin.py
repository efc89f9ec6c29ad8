"""Pinyin forms of Chinese names for search: 张三 → "zhangsan" and "zs".

Surnames have their own readings (曾 zeng, not ceng; 单 shan, not dan), which general-purpose
pinyin gets wrong, so the first character is read from the surname table when it is a surname.
Characters are cached: a whole city's names share a few thousand characters, which makes
converting two million names a dictionary look-up per character.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from yiyang.core.names import COMPOUND_SURNAMES

# Characters whose reading as a surname differs from pypinyin's default reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "秘": "bi",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "召": "shao",
    "种": "chong",
    "员": "yun",
    "句": "gou",
    "尉": "yu",
    "繁": "po",
    "长": "chang",
    "重": "chong",
    "车": "che",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "薄": "bo",
    "纪": "ji",
    "过": "guo",
    "折": "she",
    "宁": "ning",
    "燕": "yan",
    "万": "wan",
    "藏": "zang",
    "柏": "bai",
    "能": "nai",
}


@lru_cache(maxsize=65536)
def _char(ch: str) -> str:
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return ch.lower() if ch.isalnum() else ""
    return lazy_pinyin(ch, style=Style.NORMAL, v_to_u=False)[0].replace("ü", "v").lower()


@lru_cache(maxsize=262144)  # names repeat a great deal across a district; an import asks millions
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a person's name, both lower-case ASCII without separators."""
    name = "".join(name.split()).replace("·", "").replace("•", "")
    if not name:
        return "", ""
    syllables: list[str] = []
    start = 2 if name[:2] in COMPOUND_SURNAMES else 1
    for i, ch in enumerate(name):
        if i < start and ch in SURNAME_READINGS and name[:2] not in COMPOUND_SURNAMES:
            syllables.append(SURNAME_READINGS[ch])
        else:
            syllables.append(_char(ch))
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:120], "".join(s[0] for s in syllables)[:20]


# Every syllable of Hanyu Pinyin is one of these initials followed by one of these finals (the
# product is a superset of the real syllables, which is all a "could this be pinyin" test needs),
# plus the interjections m, n, ng, hm, hng.
_INITIALS: tuple[str, ...] = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x")
_INITIALS += ("zh", "ch", "sh", "r", "z", "c", "s", "y", "w")
_FINALS: tuple[str, ...] = ("a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er")
_FINALS += ("i", "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong")
_FINALS += ("u", "ua", "uo", "uai", "ui", "uan", "un", "uang", "ueng", "v", "ve", "van", "vn", "ue")
_SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS) | {"m", "n", "ng", "hm", "hng"}
_SYLLABLE_PREFIXES = frozenset(s[:k] for s in _SYLLABLES for k in range(1, len(s) + 1))
_LONGEST = max(map(len, _SYLLABLES))


@lru_cache(maxsize=4096)
def could_be_pinyin(term: str) -> bool:
    """Whether a lower-case ASCII term can begin some name's full pinyin (zhangs: yes; zs: no).

    Initials such as "zs" or "wxy" cannot, so a search for them need not also scan the pinyin index.
    """
    reachable = {0}
    for pos in range(len(term)):
        if pos not in reachable:
            continue
        if term[pos:] in _SYLLABLE_PREFIXES:
            return True
        for size in range(1, _LONGEST + 1):
            if term[pos : pos + size] in _SYLLABLES:
                reachable.add(pos + size)
    return len(term) in reachable
