"""Pinyin forms of Chinese names for search: 张三 → "zhangsan" and "zs".

Surnames have their own readings (曾 zeng, 单 shan, 区 ou), which general-purpose pinyin gets
wrong, and compound surnames are read whole (尉迟恭 yuchigong / ycg, not weichigong). People also
type the everyday reading of a polyphonic surname (dan for 单, ceng for 曾), so an elder has two
sets of search keys: ``name_pinyin`` / ``name_initials`` in the surname's own reading (also the
list's sort order), and ``name_pinyin_alt`` / ``name_initials_alt`` in the everyday reading where
it differs (empty otherwise, and then not in the partial index). The readings are data, below.

Characters are cached: a whole city's names share a few thousand characters, which makes
converting two million names a dictionary look-up per character.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin

#: Polyphonic surnames: character → (reading as a surname, everyday reading people also type).
POLYPHONIC_SURNAMES: dict[str, tuple[str, str]] = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "仇": ("qiu", "chou"),
    "朴": ("piao", "pu"),
    "查": ("zha", "cha"),
    "区": ("ou", "qu"),
    "盖": ("ge", "gai"),
    "乐": ("yue", "le"),
    "秘": ("bi", "mi"),
    "覃": ("qin", "tan"),
    "缪": ("miao", "mou"),
    "翟": ("zhai", "di"),
    "召": ("shao", "zhao"),
    "种": ("chong", "zhong"),
    "员": ("yun", "yuan"),
    "句": ("gou", "ju"),
    "尉": ("yu", "wei"),
    "繁": ("po", "fan"),
    "长": ("chang", "zhang"),
    "重": ("chong", "zhong"),
    "薄": ("bo", "bao"),
    "折": ("she", "zhe"),
    "藏": ("zang", "cang"),
    "能": ("nai", "neng"),
}

#: Surnames with one reading, pinned (general-purpose pinyin may read them otherwise in a word).
SURNAME_READINGS: dict[str, str] = {
    "车": "che",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "纪": "ji",
    "过": "guo",
    "宁": "ning",
    "燕": "yan",
    "万": "wan",
    "柏": "bai",
}

#: Compound surnames, read whole, syllable by syllable: every one of core.names.COMPOUND_SURNAMES.
COMPOUND_READINGS: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "夏侯": ("xia", "hou"),
    "轩辕": ("xuan", "yuan"),
    "令狐": ("ling", "hu"),
    "钟离": ("zhong", "li"),
    "端木": ("duan", "mu"),
    "独孤": ("du", "gu"),
    "南宫": ("nan", "gong"),
    "西门": ("xi", "men"),
    "单于": ("chan", "yu"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "呼延": ("hu", "yan"),
    "淳于": ("chun", "yu"),
    "濮阳": ("pu", "yang"),
    "太史": ("tai", "shi"),
    "申屠": ("shen", "tu"),
    "公羊": ("gong", "yang"),
    "司空": ("si", "kong"),
    "闻人": ("wen", "ren"),
    "赫连": ("he", "lian"),
    "拓跋": ("tuo", "ba"),
    "百里": ("bai", "li"),
    "东郭": ("dong", "guo"),
    "第五": ("di", "wu"),
    "左丘": ("zuo", "qiu"),
    "亓官": ("qi", "guan"),
}


@lru_cache(maxsize=65536)
def _char(ch: str) -> str:
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return ch.lower() if ch.isalnum() else ""
    return lazy_pinyin(ch, style=Style.NORMAL, v_to_u=False)[0].replace("ü", "v").lower()


def surname_readings(surname: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(syllables as a surname, everyday syllables) of a one- or two-character family name."""
    if surname in COMPOUND_READINGS:
        return COMPOUND_READINGS[surname], tuple(_char(ch) for ch in surname)
    if surname in POLYPHONIC_SURNAMES:
        reading, everyday = POLYPHONIC_SURNAMES[surname]
        return (reading,), (everyday,)
    reading = SURNAME_READINGS.get(surname) or _char(surname)
    return (reading,), (reading,)


class NameKeys(NamedTuple):
    """An elder's search keys: full pinyin and initials, in the surname's own reading and, where
    it differs, in the everyday reading (else empty)."""

    pinyin: str
    initials: str
    pinyin_alt: str
    initials_alt: str


def _keys(syllables: list[str]) -> tuple[str, str]:
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:120], "".join(s[0] for s in syllables)[:20]


@lru_cache(maxsize=262144)  # names repeat a great deal across a district; an import asks millions
def name_keys(name: str) -> NameKeys:
    """The search keys of a person's name, lower-case ASCII without separators."""
    name = "".join(name.split()).replace("·", "").replace("•", "")
    if not name:
        return NameKeys("", "", "", "")
    cut = 2 if name[:2] in COMPOUND_READINGS else 1
    own, everyday = surname_readings(name[:cut])
    given = [_char(ch) for ch in name[cut:]]
    pinyin, initials = _keys([*own, *given])
    alt = _keys([*everyday, *given]) if everyday != own else ("", "")
    return NameKeys(pinyin, initials, *alt) if alt[0] != pinyin else NameKeys(pinyin, initials, "", "")


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a person's name in the surname's own reading."""
    keys = name_keys(name)
    return keys.pinyin, keys.initials


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
