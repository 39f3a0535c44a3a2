"""Person and place names, normalized so the same name matches across Persian and Arabic spelling.

Grouping stories must not depend on translation quality, so it compares the
source texts' names: `باقری`/`باقري`, `أيوب`/`ایوب` fold to one key. Names are
found the way they appear in this press: after a rank or office (`سرلشکر`,
`العماد`) or a common given name (`علی محمود عباس`, `محمد باقري`).
"""

from __future__ import annotations

import re

from ingest import fold

# Ranks, offices and honorifics that precede a name in Persian and Arabic news (folded forms).
_TITLES = {fold(w) for w in """
سرلشکر سردار سرتیپ امیر سپهبد ارتشبد دریادار دریابان سرهنگ ژنرال پاسدار حجت‌الاسلام آیت‌الله آقای خانم دکتر
مهندس شهید حاج سید شیخ اللواء العماد العميد الفريق العقيد المشير الوزير الرئيس السيد الشيخ الدكتور الحاج
الشهيد اللواء الركن الأمير
""".split()}

# The most common given names: a following token is very likely part of a person's name.
_GIVEN = {fold(w) for w in """
علی محمد محمود حسن حسین رضا احمد مهدی جواد حمید عباس قاسم صلاح عبدالله عبد ابو بشار سلیمان یوسف ابراهیم
مصطفی جعفر کاظم مجید سعید اسماعیل فیصل خالد عمر عثمان سامی فهد ماهر حافظ علي أحمد مهدي إبراهيم مصطفى سليمان
""".split()}

# Words that follow titles or given names but are not names.
_NOT_NAMES = {fold(w) for w in """
در با به از و که را این آن برای تا بر وزیر وزير رئیس رییس رئيس فرمانده دفاع ستاد کل نیروهای قائد قائد
ان أن إن في على من مع عن الى إلى الذي التي وزير_الدفاع هو هي قال گفت افزود کرد است بود شد
""".split()}

_WORD = re.compile(r"[^\W\d_]+|\d+")
# Arabic `على` ("on") folds to the Persian given name `علی`: the raw form tells them apart.
_PREPOSITIONS = {"على", "الى", "إلى", "عن", "من"}


def name_key(token: str) -> str:
    """One key per name across scripts: folded letters, no Arabic article, no attached punctuation."""
    key = fold(token)
    if key.startswith("ال") and len(key) > 4:
        key = key[2:]
    return key


def find_names(text: str) -> set[str]:
    """Keys of the surnames in `text`: the last word of a run that starts at a title or given name.

    `سرلشکر محمد باقری` and `محمد باقري` both give `باقری`; `علی محمود عباس` gives `عباس`.
    Given names alone are too common to tell stories apart, so they never count by themselves.
    """
    raw = _WORD.findall(text)
    tokens = [name_key(t) for t in raw]
    names: set[str] = set()
    i = 0
    while i < len(tokens):
        if raw[i] in _PREPOSITIONS or (tokens[i] not in _TITLES and tokens[i] not in _GIVEN):
            i += 1
            continue
        j, given = i, []
        while j < len(tokens) and (tokens[j] in _TITLES or tokens[j] in _GIVEN) and raw[j] not in _PREPOSITIONS:
            if tokens[j] in _GIVEN:
                given.append(tokens[j])
            j += 1
        if len(given) >= 3:  # `علی محمود عباس`: the family name is itself a given name
            names.add(given[-1])
        elif j < len(tokens) and _name_like(tokens[j]):
            names.add(tokens[j])
            j += 1
        i = j
    return names


def _name_like(token: str) -> bool:
    return token not in _NOT_NAMES and len(token) >= 3 and not token.isdigit()
