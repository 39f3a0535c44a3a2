"""Normalization that is safe for MT, and `fold` for matching patterns.

`normalize_text(text, language)` is what the translation model gets; the text as
written is always kept beside it (`Sentence.source`). Normalization is
idempotent: `normalize_text(normalize_text(t, l), l) == normalize_text(t, l)`.

Steps: NFC (plus NFKC for Arabic presentation forms only), invisible/bidi
control characters and tatweel removed, stray short vowels removed (tanwin fath
kept: it is orthographic), letter variants per language (fa: ي→ی ك→ک ى→ی,
ar: ی→ي ک→ك), Persian/Arabic-Indic digits → ASCII (with ٫/٬ separators),
whitespace collapsed, and for Persian the zero-width non-joiner restored where
the affix is unambiguous (`میدانیم` → `می‌دانیم`, `گروههای` → `گروه‌های`).
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"
BIDI_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM: punctuation wrapped in them still ends a sentence

# Zero-width and bidi controls that carry no meaning for MT (ZWNJ is handled apart).
_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c]")
_TATWEEL = "\u0640"
# Short vowels, shadda, sukun (harakat) except tanwin fath U+064B; also Quranic marks.
_HARAKAT = re.compile("[\u064c-\u0652\u0656-\u065f\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Between digits: ٫ is the decimal separator; ٬ and the Arabic comma ، (17،500, 15،00) separate groups or
# decimals as an ASCII comma does (`mt.qa.numbers.number_value` tells which by the digits after it).
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)([٫٬،])(?=\d)")

_FA_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ە": "ه"})
_AR_LETTERS = str.maketrans({"ی": "ي", "ک": "ك", "ە": "ه"})

_ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06fa-\u06ff"
_WORD = re.compile(f"[{_ARABIC_LETTER}\u064b-\u065f\u0670]+")

# --- Persian ZWNJ restoration --------------------------------------------------------
# Verb stems that take the progressive prefix می/نمی. Only words that are prefix +
# stem + personal ending are joined, so nouns such as میز, میدان, میلیون, میهمان or
# میگو are never touched. Present stems need an ending; past stems may stand bare.
_PRESENT_STEMS = (
    "دان کن شو گوی گو خواه توان رو آی ده گیر بین پذیر جنگ باش رس یاب ساز نویس خوان دار "
    "گذار گذر آور بر زن مان کوش پرداز رسان شناس اندیش خور نشین افت فرست بخش کش گرد پرس "
    "ترس خند دو ریز سوز فروش خر پوش بند جوی خواب نما نمای گشا گشای افزا افزای کاه بار "
    "چرخ لرز طلب فهم رقص پاش کوب شکن گریز پیوند آموز سپار چین شمار ایست شنو کاو تاب"
).split()
_PAST_STEMS = (
    "دانست کرد شد گفت خواست توانست رفت آمد داد گرفت دید پذیرفت جنگید بود رسید یافت ساخت "
    "نوشت خواند داشت گذاشت گذشت آورد برد زد ماند کوشید پرداخت رساند شناخت اندیشید خورد "
    "نشست افتاد فرستاد بخشید کشید گردید پرسید ترسید خندید دوید ریخت سوخت فروخت خرید "
    "پوشید بست جست خوابید نمود گشود افزود کاهید بارید چرخید لرزید طلبید فهمید رقصید "
    "پاشید کوبید شکست گریخت پیوست آموخت سپرد چید شمرد ایستاد شنید کاوید تابید"
).split()


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(set(words), key=len, reverse=True)) + ")"


_PROGRESSIVE = re.compile(
    f"^(ن?می)({_alternation(_PRESENT_STEMS)}{_alternation(['م', 'ی', 'د', 'یم', 'ید', 'ند'])}"
    f"|{_alternation(_PAST_STEMS)}{_alternation(['', 'م', 'ی', 'یم', 'ید', 'ند', 'ه'])})$"
)
_NOT_VERB = frozenset(["میدانی"])  # "a square", not "you know"

# Plural suffixes that may be joined with ZWNJ.
_PLURAL = "(?:هایشان|هایتان|هایمان|هایی|هایم|هایت|هایش|هاست|های|ها)"
# Words ending in ها that are not plurals (تنها "alone", انتهای "end of", بها "price"...).
_NOT_PLURAL = frozenset(
    "تنها تنهایی انتها انتهای انتهایی بها بهای رها رهای رهایی اژدها اژدهای نهایی "
    "اینها آنها اشتها اشتهای شبها گرانبها کمبها پربها بیبها منتها".split()
)
# Nouns that themselves end in هه, so that Xههای may be "Xهه‌ای" (جبهه‌ای "a front").
_HEH_HEH = frozenset("جبهه شبهه وجهه بدیهه کوهه".split())
_AFTER_HEH_PLURAL = re.compile(f"^(.{{2,}}ه)({_PLURAL})$")  # گروههای → گروه‌های
# After ی only ها/هایی: "یهای" may be "یه‌ای" (بیانیه‌ای "a statement").
_AFTER_YEH_PLURAL = re.compile("^(.{2,}ی)(هایی|هاست|ها)$")  # همکاریها → همکاری‌ها
_BARE_PLURAL = re.compile("^(.{3,}[^هی])(ها)$")  # شرارتها → شرارت‌ها (not های: ambiguous with ـه‌ای)
# Fixed compounds written without their ZWNJ.
_COMPOUNDS = {
    "گفتوگو": "گفت‌وگو", "گفتوگوی": "گفت‌وگوی", "رفتوآمد": "رفت‌وآمد", "جستوجو": "جست‌وجو", "پرسوجو": "پرس‌وجو", "شستوشو": "شست‌وشو",
    "بهویژه": "به‌ویژه", "بهعنوان": "به‌عنوان", "بهطور": "به‌طور", "بهخصوص": "به‌خصوص",
    "بهاتفاق": "به‌اتفاق", "بهرغم": "به‌رغم", "بهدنبال": "به‌دنبال", "نرمافزار": "نرم‌افزار",
    "سختافزار": "سخت‌افزار",
}
_COMPOUND_PLURAL = re.compile(f"^({_alternation(list(_COMPOUNDS))})({_PLURAL})$")
_SPACED_PREFIX = re.compile(f"(?<![{_ARABIC_LETTER}])(ن?می) (?=[{_ARABIC_LETTER}])")
_SPACED_PLURAL = re.compile(f"(?<=[{_ARABIC_LETTER}]) ({_PLURAL})(?![{_ARABIC_LETTER}])")


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits → ASCII, with ٫ → . and ٬ or ، → , between digits."""
    text = text.translate(_DIGITS)
    return _DIGIT_SEPARATORS.sub(lambda m: "." if m.group(1) == "٫" else ",", text)


def _restore_word(word: str) -> str:
    if ZWNJ in word:
        return word
    if word in _COMPOUNDS:
        return _COMPOUNDS[word]
    plural = _COMPOUND_PLURAL.match(word)
    if plural:
        return _COMPOUNDS[plural.group(1)] + ZWNJ + plural.group(2)
    match = _PROGRESSIVE.match(word)
    if match and word not in _NOT_VERB:
        return match.group(1) + ZWNJ + match.group(2)
    if word in _NOT_PLURAL:
        return word
    for pattern in (_AFTER_HEH_PLURAL, _AFTER_YEH_PLURAL, _BARE_PLURAL):
        match = pattern.match(word)
        if match and not (pattern is _AFTER_HEH_PLURAL and match.group(1) + "ه" in _HEH_HEH):
            # The stem is restored too (`میدانیمها` → `می‌دانیم‌ها`): a later pass sees it as a word of its own.
            return _restore_word(match.group(1)) + ZWNJ + match.group(2)
    return word


def _join_spaced(match: re.Match[str], text: str) -> str:
    """`می کنیم` → `می‌کنیم` only when the next word is a known verb form."""
    prefix = match.group(1)
    rest = _WORD.match(text, match.end())
    if rest and _PROGRESSIVE.match(prefix + rest.group(0)) and prefix + rest.group(0) not in _NOT_VERB:
        return prefix + ZWNJ
    return match.group(0)


def restore_zwnj(text: str) -> str:
    """Insert ZWNJ in Persian words whose affix is unambiguous; everything else unchanged."""
    text = _SPACED_PREFIX.sub(lambda m: _join_spaced(m, text), text)
    text = _SPACED_PLURAL.sub(lambda m: ZWNJ + m.group(1), text)
    return _WORD.sub(lambda m: _restore_word(m.group(0)), text)


def _clean_zwnj(text: str, keep: bool) -> str:
    if not keep:
        return text.replace(ZWNJ, "")
    text = re.sub(f"{ZWNJ}+", ZWNJ, text)
    text = re.sub(f" *{ZWNJ} *", lambda m: ZWNJ if m.group(0) == ZWNJ else " ", text)
    # A ZWNJ not between two letters is noise.
    return re.sub(f"(?<![{_ARABIC_LETTER}\u064b-\u065f]){ZWNJ}|{ZWNJ}(?![{_ARABIC_LETTER}])", "", text)


def unpresent(text: str) -> str:
    """Arabic presentation forms (U+FB50–U+FEFF, common in text copied from PDFs) as the letters they
    show, so language identification and matching see Arabic script, not symbols."""
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def normalize_text(text: str, language: str | None) -> str:
    """The form of `text` the MT model gets, for `language` ("fa", "ar", "en" or None)."""
    text = unpresent(unicodedata.normalize("NFC", text))
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "")
    text = _HARAKAT.sub("", text)
    if language == "fa":
        text = text.translate(_FA_LETTERS)
    elif language == "ar":
        text = text.translate(_AR_LETTERS)
    text = to_ascii_digits(text)
    text = _SPACES.sub(" ", text).strip()
    text = _clean_zwnj(text, keep=language == "fa")
    if language == "fa":
        text = restore_zwnj(text)
    return unicodedata.normalize("NFC", _SPACES.sub(" ", text).strip())


_FOLD_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ی", "ە": "ه"}
)


def fold(text: str) -> str:
    """An aggressive matching key: one form per letter family, no ZWNJ, ASCII digits, lowercase.

    Only for comparing and pattern matching, never shown or translated.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "").replace(ZWNJ, "")
    text = re.sub("[\u064b-\u065f\u0670]", "", text)
    text = to_ascii_digits(text.translate(_FOLD_LETTERS))
    # NFKC again: removing a ZWNJ or tatweel can bring a letter and a combining mark together.
    return unicodedata.normalize("NFKC", _SPACES.sub(" ", text).strip().lower())
