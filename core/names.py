"""Person and place names, normalized so the same name matches across Persian, Arabic and English.

Grouping stories must not depend on translation quality, so it compares the
source texts' names: `باقری`/`باقري`, `أيوب`/`ایوب` fold to one key (hamza and
alef variants, ya/kaf, ta marbuta/he, diacritics, tatweel, ZWNJ, the Arabic
article). Person names are found the way they appear in this press: after a rank,
office or honorific (`سرلشکر`, `اللواء`, `العماد`, `امیر`, `سرتیپ`), which is
stripped, or a common given name (`علی محمود عباس`, `محمد باقري`).

Places come from a small gazetteer of the region's capitals, cities and countries
with their Persian, Arabic and English spellings, keyed by the English name; the
sentence aligner (`mt.qa.alignment`) uses them as cross-script anchors too.

English articles have no source-script names to compare, so every name also has
a consonant skeleton (`latin_skeleton`): `باقری`, `Bagheri` and `Baqeri` all give
`bkr`. Skeletons are lossy and are only used to match English articles with
Persian/Arabic ones.
"""

from __future__ import annotations

import re

from core.normalize import fold


def name_key(token: str) -> str:
    """One key per name across scripts: folded letters, no Arabic article, no hamza on the line."""
    key = fold(token).replace("ء", "")
    if key.startswith("ال") and len(key) > 4:
        key = key[2:]
    return key


# Ranks, offices and honorifics that precede a name in Persian and Arabic news (as name keys).
TITLES = frozenset(name_key(w) for w in """
سرلشکر سردار سرتیپ سرتیپ‌دوم امیر سپهبد ارتشبد دریادار دریابان سرهنگ ژنرال پاسدار حجت‌الاسلام حجت‌الاسلام‌والمسلمین
آیت‌الله آیت‌الله‌العظمی آقای خانم دکتر مهندس شهید حاج سید شیخ سرکار
اللواء لواء العماد عماد العميد عميد الفريق فريق العقيد عقيد المشير مشير السيد سيد الشيخ الدكتور
الحاج الشهيد الركن الأمير الأستاذ
""".split())

# The most common given names: a following token is very likely part of a person's name.
GIVEN_NAMES = frozenset(name_key(w) for w in """
علی محمد محمود حسن حسین رضا احمد مهدی جواد حمید عباس قاسم صلاح عبدالله عبد ابو بشار سلیمان یوسف ابراهیم
مصطفی جعفر کاظم مجید سعید اسماعیل فیصل خالد عمر عثمان سامی فهد ماهر حافظ علي أحمد مهدي إبراهيم مصطفى سليمان
عبدالرحمن عبدالعزیز نور عز سیف حسام عماد ولید طارق یاسر هادی امین محسن مسعود اکبر اصغر أكبر أصغر
""".split())

# Second halves of compound given names (`صلاح الدین`, `عبد الله`): the name goes on after them.
_COMPOUND_TAILS = frozenset(fold(w) for w in "الدین الدين الله الرحمن العزيز العزیز".split())

# Words that follow titles or given names but are not names.
_NOT_NAMES = frozenset(name_key(w) for w in """
در با به از و که را این آن برای تا بر وزیر وزير رئیس رییس رئيس فرمانده دفاع ستاد کل نیروهای قائد
ان أن إن في على من مع عن الى إلى الذي التي هو هي قال گفت افزود کرد است بود شد
ستاد ستادکل ارکان أركان مجلس شورای جمهوری دولت حکومت سپاه ارتش جيش قوات وزارت مجمع
سوری ایرانی عراقی لبنانی روسی آمریکایی امریکایی اسرائیلی فلسطینی السوري الإيراني العراقي اللبناني الروسي الأمريكي
""".split())

_WORD = re.compile(r"[^\W\d_]+|\d+")
# Arabic `على` ("on") folds to the Persian given name `علی`: the raw form tells them apart.
_PREPOSITIONS = frozenset({"على", "الى", "إلى", "عن", "من"})

# English name → spellings in Persian, Arabic and English (folded on use).
_PLACES = {
    "Tehran": "تهران طهران tehran teheran",
    "Damascus": "دمشق damascus",
    "Baghdad": "بغداد baghdad",
    "Beirut": "بیروت بيروت beirut",
    "Aleppo": "حلب aleppo",
    "Idlib": "ادلب إدلب idlib",
    "Homs": "حمص homs",
    "Latakia": "لاذقیه اللاذقية latakia",
    "Tartus": "طرطوس tartus",
    "Deir ez-Zor": "دیرالزور دیر_الزور دير_الزور deir-ez-zor",
    "Gaza": "غزه غزة gaza",
    "Jerusalem": "قدس القدس jerusalem",
    "Riyadh": "ریاض الرياض riyadh",
    "Moscow": "مسکو موسكو moscow",
    "Cairo": "قاهره القاهرة cairo",
    "Washington": "واشنگتن واشنطن washington",
    "Ankara": "آنکارا أنقرة ankara",
    "Doha": "دوحه الدوحة doha",
    "Sanaa": "صنعا صنعاء sanaa",
    "Kabul": "کابل كابل kabul",
    "Isfahan": "اصفهان أصفهان isfahan",
    "Mashhad": "مشهد mashhad",
    "Tabriz": "تبریز تبريز tabriz",
    "Iran": "ایران إيران iran",
    "Syria": "سوریه سوريا سورية syria",
    "Iraq": "عراق العراق iraq",
    "Lebanon": "لبنان lebanon",
    "Yemen": "یمن اليمن yemen",
    "Israel": "اسرائیل إسرائيل israel",
    "Palestine": "فلسطین فلسطين palestine",
    "Russia": "روسیه روسيا russia",
    "Turkey": "ترکیه تركيا turkey",
    "Saudi Arabia": "عربستان السعودية saudi",
    "United States": "آمریکا امریکا أمريكا امريكا الأمريكية الامريكية america",
    "Egypt": "مصر egypt",
    "Afghanistan": "افغانستان أفغانستان afghanistan",
    "Pakistan": "پاکستان باكستان pakistan",
    "Qatar": "قطر qatar",
}
PLACE_KEYS: dict[str, str] = {}
for _english, _spellings in _PLACES.items():
    for _spelling in _spellings.split():
        _key = fold(_spelling.replace("_", " "))
        PLACE_KEYS[_key] = PLACE_KEYS[_key.removeprefix("ال")] = _english


def strip_titles(name: str) -> str:
    """A name without its leading ranks and honorifics: `سردار سرلشکر پاسدار محمد باقری` → `محمد باقری`."""
    words = name.split()
    while words and name_key(words[0]) in TITLES:
        words.pop(0)
    return " ".join(words)


def find_names(text: str) -> set[str]:
    """Keys of the surnames in `text`: the last word of a run that starts at a title or given name.

    `سرلشکر محمد باقری` and `اللواء محمد باقري` both give `باقری`; `علی محمود عباس` gives `عباس`;
    `صلاح الدین کاسر` gives `کاسر`. Given names alone are too common to tell stories apart, so they
    never count by themselves.
    """
    raw = _WORD.findall(text)
    tokens = [name_key(t) for t in raw]
    names: set[str] = set()
    i = 0
    while i < len(tokens):
        if raw[i] in _PREPOSITIONS or (tokens[i] not in TITLES and tokens[i] not in GIVEN_NAMES):
            i += 1
            continue
        j, given = i, []
        while j < len(tokens) and raw[j] not in _PREPOSITIONS and (
                tokens[j] in TITLES or tokens[j] in GIVEN_NAMES or (given and fold(raw[j]) in _COMPOUND_TAILS)):
            if tokens[j] in GIVEN_NAMES:
                given.append(tokens[j])
            j += 1
        if len(given) >= 3:  # `علی محمود عباس`: the family name is itself a given name
            names.add(given[-1])
        elif j < len(tokens) and _name_like(tokens[j]):
            names.add(tokens[j])
            j += 1
        i = j
    return names


def find_places(text: str) -> set[str]:
    """English names of the gazetteer's places that `text` mentions, in any of the three scripts."""
    words = [fold(w) for w in _WORD.findall(text)]
    found = set()
    for i, word in enumerate(words):
        candidates = [word[len(p):] for p in _PROCLITICS if word.startswith(p) and len(word) - len(p) >= 3]
        if i + 1 < len(words):
            candidates.append(f"{word} {words[i + 1]}")
        found.update(PLACE_KEYS[c] for c in (word, *candidates) if c in PLACE_KEYS)
    return found


# Arabic prefixes attached to a place name: `بدمشق` (in Damascus), `وطهران`, `والعراق`, `للسعودية`.
_PROCLITICS = ("ال", "و", "ب", "ل", "ف", "وال", "بال", "لل", "فال", "وب", "ول")


def _name_like(token: str) -> bool:
    return token not in _NOT_NAMES and len(token) >= 3 and not token.isdigit()


# Consonant classes shared by Arabic-script letters and their usual English transliterations.
_SCRIPT_CLASSES = str.maketrans({
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ش": "s", "ص": "s", "ج": "j", "چ": "j",
    "ح": "h", "ه": "h", "خ": "k", "غ": "k", "ق": "k", "ک": "k", "گ": "k", "د": "z", "ذ": "z", "ز": "z", "ژ": "z",
    "ض": "z", "ظ": "z", "ر": "r", "ف": "f", "ل": "l", "م": "m", "ن": "n", "و": "w", "ی": "y", "ا": "", "ع": "",
    "ء": "",
})
_LATIN_DIGRAPHS = (("kh", "k"), ("gh", "k"), ("sh", "s"), ("ch", "j"), ("th", "s"), ("dh", "z"), ("zh", "z"),
                   ("ph", "f"), ("ou", "u"))
_LATIN_CLASSES = str.maketrans({"q": "k", "g": "k", "c": "k", "x": "k", "d": "z", "p": "b", "v": "w", "e": "",
                                "a": "", "i": "", "o": "", "u": ""})


def latin_skeleton(name: str) -> str:
    """Consonant skeleton of a name in Arabic script or Latin letters: vowels, `ع` and doubled letters
    dropped, w/y kept only word-initially, letters that transliterate alike in one class."""
    key = name_key(name)
    if re.fullmatch("[a-z'-]+", key):
        for digraph, letter in _LATIN_DIGRAPHS:
            key = key.replace(digraph, letter)
        key = key.replace("'", "").replace("-", "").translate(_LATIN_CLASSES)
    else:
        if key.endswith("ه") and len(key) > 2:  # final he is a vowel: `قاسمی`, `زاده`
            key = key[:-1]
        key = key.translate(_SCRIPT_CLASSES)
    key = key[:1] + key[1:].replace("w", "").replace("y", "")
    return re.sub(r"(.)\1+", r"\1", key)
