"""Names as people type them into a search box: full pinyin and initials (拼音、首字母).

Stored beside the name (``Cadre.name_pinyin`` / ``name_initials``) so that the roster can search
with a plain ``contains`` in the database. A surname read otherwise than the character's common
reading (曾 zēng, 单 shàn, 解 xiè …) is stored in both readings, separated by a space, so that
either spelling finds the person.
"""

from pypinyin import lazy_pinyin

# Surnames whose reading as a surname differs from pypinyin's default reading of the character.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha", "覃": "qin",
    "翟": "zhai", "缪": "miao", "盖": "ge", "种": "chong", "繁": "po", "召": "shao", "秘": "bi", "员": "yun",
    "尉": "yu", "宁": "ning", "华": "hua", "纪": "ji", "任": "ren", "沈": "shen", "祭": "zhai", "蕃": "pi",
}


def _readings(name: str) -> list[list[str]]:
    syllables = lazy_pinyin(name, errors="ignore")
    if not syllables or len(syllables) != len(name):
        return [syllables]
    surname = SURNAME_READINGS.get(name[0])
    if surname and surname != syllables[0]:
        return [syllables, [surname, *syllables[1:]]]
    return [syllables]


def name_search_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of ``name``, lower case; several readings joined by spaces."""
    name = "".join((name or "").split())
    readings = _readings(name)
    full = " ".join(dict.fromkeys("".join(syllables) for syllables in readings if syllables))
    initials = " ".join(dict.fromkeys("".join(s[0] for s in syllables) for syllables in readings if syllables))
    return full, initials


def is_pinyin_query(text: str) -> bool:
    """Whether ``text`` is a pinyin or initials search (ASCII letters only)."""
    return bool(text) and text.isascii() and text.isalpha()

