"""Page furniture in plain text: which lines are the article and which are the page.

`strip_boilerplate(lines)` classifies every line of a scraped article, in three passes:

1. **Patterns** (whole lines, Persian, Arabic and English): navigation, ads, news codes,
   end-of-article marks, source lines, widgets, "read more" boxes, tags, comment
   sections and their rules, captchas, "latest news" footers, datelines, glued photo
   file names.
2. **Sections**: after an end-of-article mark, a comment heading or a "latest news"
   heading, the rest of the page is furniture (after an end mark, only when no article
   prose follows: an outlet may put the mark before a second part); after "read more"
   the headline block that follows is an unrelated article; after "show summary" the block that follows
   is the site's own summary.
3. **Position**: the title (first headline-like line, a site suffix such as
   " – موقع قناة المنار – لبنان" cut off; when a kicker precedes it, the second line),
   its repetitions, masthead lines between the page title and its repetition, then in
   the header (before the first body paragraph) captions, the author line and short
   variants of the title; after the last body paragraph, short credit lines.

Every removed line keeps its text and a reason, so users can audit the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.dates import DateMatch, date_line
from core.normalize import ZWNJ, fold

_FOLD_PATTERN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", ZWNJ: ""})


_BULLETED = re.compile(r"\s*[-–•*▪●]\s")


def _line(pattern: str) -> re.Pattern[str]:
    """A whole-line pattern over `fold`ed text (letters folded like the text), bullets allowed."""
    body = pattern.translate(_FOLD_PATTERN)
    return re.compile(rf"^[\s•·*\-–—/]*(?:{body})[\s:：/.!…»«]*$", re.I)


def _contains(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.translate(_FOLD_PATTERN), re.I)


# reason → whole-line patterns
_LINE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("navigation", _line(
        "رفتن به محتوا(ی اصلی)?|پرش به محتوا(ی اصلی)?|انتقال به محتوای اصلی|رفتن به (منو|ناوبری)|"
        "تخطى الى المحتوى|انتقل الى المحتوى|الانتقال الى المحتوى|تجاوز الى المحتوى|"
        "skip to (main )?content|skip navigation|صفحه اصلی|الصفحه الرئیسیه|الرئیسیه|منو|فهرست|القائمه|menu|home")),
    ("advertisement", _line("تبلیغات|اگهی|اعلان|advertisement|sponsored( content)?|ads?")),
    ("news_code", _line(r"(کد|شناسه|شماره) (خبر|مطلب)|رقم الخبر|رمز الخبر|news (id|code)")),
    ("news_code", _line(r"(کد|شناسه|شماره) (خبر|مطلب)\s*:?\s*\d+|(رقم|رمز) الخبر\s*:?\s*\d+|news (id|code)\s*:?\s*\d+")),
    ("end_marker", _line(r"انتهای پیام|پایان پیام|انتهای خبر|پایان خبر|\(?انتهی\)?|-?\s*انتهی\s*-?|\(end\)|ends?")),
    ("source", _line(r"(المصدر|المصادر|مصدر|منبع|منابع|source|sources)\s*:\s*[^.!?؟]{1,60}")),
    ("widget", _line(
        r"\+?\s*الخط\s*-?|\+\s*-|a\s*\+?\s*a\s*-?|(اندازه|سایز) (متن|قلم|فونت)|حجم الخط|طباعه|چاپ|نسخه چاپی|print|"
        r"share|شارک|مشارکه|اشتراک ?گذاری|ارسال به دوستان|ذخیره|save|کپی (لینک|شد)|لینک کوتاه.{0,60}|copy link|"
        r"تلگرام|توییتر|فیسبوک|واتساپ|اینستاگرام|twitter|facebook|telegram|whatsapp|email|"
        r"(تعداد )?بازدید\s*:?\s*\d*|زمان (تقریبی )?مطالعه\s*:?.{0,20}|دقیقه مطالعه|وقت القراءه.{0,20}")),
    ("show_summary", _line(r"(اظهر|عرض|اخف|اخفاء) (الملخص|الموجز)|(نمایش|مشاهده) (خلاصه|چکیده)|show summary")),
    ("read_more", _line(
        r"بیشتر بخوانید|بخوانید|ببینید|بیشتر ببینید|پیشنهاد (ما|سردبیر)|اقرا ایضا|اقرا کذلک|اقرا المزید|"
        r"اقرا ایضا|read more|read also|see also")),
    ("related", _line(
        r"تازه ?ترین (خبرها|اخبار|مطالب)|اخرین (خبرها|اخبار|مطالب)|(اخبار|خبرهای|مطالب) (مرتبط|مشابه|پیشنهادی)|"
        r"پربازدیدترین( ها| اخبار)?|پربیننده ?ترین( ها)?|پربحث ?ترین( ها)?|احدث الاخبار|اخر الاخبار|"
        r"(اخبار|مواضیع|مقالات) (ذات صله|متعلقه|مشابهه)|الاکثر (قراءه|مشاهده)|latest news|most read|"
        r"related (news|articles|stories|posts)")),
    ("tags", _line(
        r"(برچسب\s*ها|برچسب|کلیدواژه( ?ها)?|کلمات کلیدی|موضوعات|الکلمات المفتاحیه|کلمات مفتاحیه|الوسوم|وسوم|tags?|topics)"
        r"(\s*:\s*[^.!?؟]{0,200})?")),
    ("comments_heading", _line(
        r"نظرات کاربران|نظر شما|نظرات|دیدگاه ?ها|دیدگاه شما|ارسال (نظر|دیدگاه)|التعلیقات|تعلیقات|"
        r"اضف تعلیقا|اضف تعلیق|اترک تعلیقا|اترک ردا|comments?|leave a (comment|reply)")),
    ("captcha", _line(r"\d+\s*[+\-×x*]\s*\d+\s*=\s*\??|کد امنیتی|captcha")),
]
# reason → patterns found anywhere in a (short) line
_COMMENT_RULES = _contains(
    r"نظرات حاوی|منتشر نمی ?شود|معذور است|در حال پاسخ به نظر|فینگیلیش|غیر از زبان فارسی|"
    r"لن یتم نشر|التعلیقات المسیئه|your email address will not be published|required fields are marked"
)
_AD_CUES = _contains(r"ضمانت|گارانتی|تخفیف|حراج|فروش ویژه|خرید اقساطی|عرض خاص|تخفیضات|اشتر الان|اطلب الان")
_PHOTO_PREFIX = re.compile(
    r"^\s*((?:photo|img|image|dsc|pic|screenshot|file)[A-Za-z0-9_.\-]*?\d[A-Za-z0-9_\-]*(?:\.(?:jpe?g|png|gif|webp))?"
    r"|[A-Za-z0-9_\-]+\.(?:jpe?g|png|gif|webp))(?![A-Za-z0-9])",
    re.I,
)
_CAPTION_PREFIX = _contains(r"^(عکس|تصویر|صوره|الصوره|photo|image|عکس از)\s*:")
_CREDIT_SUFFIX = re.compile(r"\(([^()]{2,40})\)\s*$")
_DATELINE = re.compile(r"\s*((?:[^\s.،,:؛!?؟\-–—]+\s*){1,3}[-–—]\s*){1,2}(?=\S)")
_AUTHOR_LABEL = _contains(r"^\s*(نویسنده|به قلم|بقلم|کتب|کتبه|اعداد|تقریر|خبرنگار|by|author|written by)\s*:?\s+(\S.{1,40})$")
_KNOWN_DATELINES = frozenset(
    fold(w) for w in "تهران ایرنا ایسنا ایلنا مهر فارس تسنیم دمشق سانا بیروت بغداد القاهره طهران عمان الریاض".split()
)
SITE_CUES = _contains(r"نیوز|موقع|قناه|خبرگزاری|سایت|پایگاه|وکاله|صحیفه|جریده|روزنامه|شبکه|تلویزیون|news|online|tv\b|\.com|\.ir")
_STOPWORDS = frozenset(
    fold(w) for w in (
        "و در به از با که را این آن برای تا بر یا هم نیز است بود شد کرد گفت می ای "
        "في من على الى إلى عن مع هذا هذه التي الذي ان أن إن لا ما هو هي قد كان the a of in to and for on with"
    ).split()
)
_TERMINAL_END = re.compile(r"[.!?؟…:؛]['\"»”’)\]]*\s*$")
_FULL_STOP_END = re.compile(r"[.!?؟…]['\"»”’)\]]*\s*$")
_WORD_RE = re.compile(r"[^\W\d_]+")
_SEPARATORS = re.compile(r"\s+[–—|-]\s+|\s*\|\s*|\s+::\s+")

# Sections: once one of these starts, the rest of the page is furniture of that kind.
_SECTION_STARTS = {"end_marker": "footer", "comments_heading": "comments", "related": "related"}
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# Article prose after an end mark: this many sentence-like lines, or one line of this many words.
_PROSE_LINES, _PROSE_WORDS = 2, 40


@dataclass
class Layout:
    """Where the article is in the lines: title, kept lines (with the offset their text starts at), removed."""

    lines: list[str]
    reasons: list[str | None]
    starts: list[int]
    title: str | None = None
    title_line: int | None = None
    site_suffix: list[str] = field(default_factory=list)
    removed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    dates: dict[int, DateMatch] = field(default_factory=dict)

    def kept(self) -> list[tuple[int, str]]:
        """(line index, text from its start offset) of the lines that are article text."""
        return [(i, self.lines[i][self.starts[i]:]) for i, r in enumerate(self.reasons) if r is None and self.lines[i].strip()]

    def lines_with(self, reason: str) -> list[int]:
        return [i for i, r in enumerate(self.reasons) if r == reason]


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


def is_body_like(text: str) -> bool:
    """A paragraph of running text: a full sentence of 6+ words, or 20+ words."""
    n = len(text.split())
    return (n >= 6 and bool(_FULL_STOP_END.search(text))) or n >= 20


def is_headline_like(text: str, max_words: int = 30) -> bool:
    return 1 <= len(text.split()) <= max_words and not _TERMINAL_END.search(text.rstrip("»”\"')"))


def _is_name_like(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 3 or _TERMINAL_END.search(text):
        return False
    return all(_WORD_RE.fullmatch(fold(t)) and fold(t) not in _STOPWORDS for t in tokens)


def is_prose(text: str, reason: str | None) -> bool:
    """A line of article prose: no furniture pattern, running text (`is_body_like`) of 8+ words."""
    return reason is None and is_body_like(text) and len(text.split()) >= 8


def script_of(text: str) -> str:
    """'arabic' or 'latin': the script most of the letters are in."""
    return "arabic" if len(_ARABIC_LETTER.findall(text)) >= len(_LATIN_LETTER.findall(text)) else "latin"


def pattern_reason(line: str) -> tuple[str | None, DateMatch | None]:
    """Pass 1 for one line: the furniture pattern it matches, or 'date' (with the date) for a short date line."""
    reason = _line_reason(fold(line), line) if line.strip() else None
    if reason is None and line.strip():
        found = date_line(line)
        if found is not None and len(line.split()) <= 10:
            return "date", found
    return reason, None


def _line_reason(folded: str, raw: str) -> str | None:
    for reason, pattern in _LINE_PATTERNS:
        if pattern.match(folded):
            return reason
    short = len(folded.split()) <= 40
    if short and _COMMENT_RULES.search(folded):
        return "comment_rules"
    if len(folded.split()) <= 12 and not _TERMINAL_END.search(folded) and _AD_CUES.search(folded):
        return "advertisement"
    if _PHOTO_PREFIX.match(raw) and not raw[_PHOTO_PREFIX.match(raw).end():].strip():
        return "photo_filename"
    if _CAPTION_PREFIX.search(folded):
        return "caption"
    return None


# A lone line of this many words is the article itself, not a headline over nothing, nor a caption or an advert
# by its looks: a sentence pasted without its full stop (FLORES-200 devtest sentences, tests/data/flores).
LONE_LINE_WORDS = 6
_LOOKS_ONLY = ("caption", "advertisement")


def _lone_text(lines: list[str], present: list[int]) -> bool:
    return len(present) == 1 and len(lines[present[0]].split()) >= LONE_LINE_WORDS


def split_site_suffix(line: str, others: set[str]) -> tuple[str, list[str]]:
    """'Headline – Site – Country' → ('Headline', ['Site', 'Country']) when the tail names a site."""
    text = line.strip()
    for separator in _SEPARATORS.finditer(text):
        head = text[: separator.start()].strip()
        tail = [t.strip() for t in _SEPARATORS.split(text[separator.end():]) if t.strip()]
        if not head or not tail or any(len(t.split()) > 5 for t in tail):
            continue
        if fold(head) in others or any(SITE_CUES.search(fold(t)) or fold(t) in others for t in tail):
            return head, tail
    return text, []


def _is_dateline(prefix: str, furniture: str) -> bool:
    """'ساعت 24-' or 'تهران- ایرنا-': a place or outlet named elsewhere on the page, or a known one."""
    if len(prefix) > 30:
        return False
    parts = [fold(p) for p in re.split(r"[-–—]", prefix) if p.strip()]
    return bool(parts) and all(
        p in _KNOWN_DATELINES or p in furniture or SITE_CUES.search(p) for p in parts
    )


def _prose_follows(lines: list[str], reasons: list[str | None], present: list[int], pos: int) -> bool:
    """Whether article prose in the script of the text before it follows the end mark at `present[pos]`
    (up to the next section heading), three times as many lines as other unlabelled ones (headlines
    with teasers are not a second part): then the mark does not start a footer."""
    before = " ".join(lines[i] for i in present[max(0, pos - 20):pos] if reasons[i] is None)
    script = script_of(before)
    count = longest = others = 0
    for i in present[pos + 1:]:
        if reasons[i] in _SECTION_STARTS:
            break
        if is_prose(lines[i], reasons[i]) and script_of(lines[i]) == script:
            count += 1
            longest = max(longest, len(lines[i].split()))
        elif reasons[i] is None:
            others += 1
    return (count >= _PROSE_LINES or longest >= _PROSE_WORDS) and count >= 3 * others


def strip_boilerplate(lines: list[str], title: str | None = None) -> Layout:
    """Classify every line; `title` is a known title (from HTML or a JSON record), if any."""
    n = len(lines)
    folded = [fold(line) for line in lines]
    reasons: list[str | None] = [None] * n
    starts = [0] * n
    layout = Layout(lines, reasons, starts)
    removed_parts: dict[int, tuple[str, str]] = {}
    present = [i for i in range(n) if folded[i]]

    # 1. patterns
    for i in present:
        reasons[i], found = pattern_reason(lines[i])
        if found is not None:
            layout.dates[i] = found
        elif reasons[i] is None:
            match = _PHOTO_PREFIX.match(lines[i])
            if match:
                starts[i] = match.end()
                removed_parts[i] = (match.group(1), "photo_filename")

    # 2. sections and blocks
    section: str | None = None
    pos = 0
    while pos < len(present):
        i = present[pos]
        reason = reasons[i]
        if section is None and reason == "end_marker" and _prose_follows(lines, reasons, present, pos):
            pass  # a second part after the mark: the mark is furniture, what follows is not
        elif section is not None:
            if reason == "comments_heading":
                section = "comments"
            elif reason == "related":
                section = "related"
            reasons[i] = section if reason in (None, "comments_heading") else reason
        elif reason in _SECTION_STARTS:
            section = _SECTION_STARTS[reason]
            if reason == "comments_heading":
                reasons[i] = "comments"
        elif reason in ("read_more", "show_summary"):
            block = "read_more" if reason == "read_more" else "site_summary"
            if reason == "show_summary":
                reasons[i] = "widget"
            j = pos + 1
            bulleted = False
            while j < len(present) and reasons[present[j]] is None:
                k = present[j]
                if block == "read_more" and not is_headline_like(lines[k]):
                    break
                # A page's extracted text has no blank lines: after bulleted summary points, prose is the body.
                if block == "site_summary" and bulleted and not _BULLETED.match(lines[k]):
                    break
                bulleted = bulleted or bool(_BULLETED.match(lines[k]))
                reasons[k] = block
                if j + 1 < len(present) and present[j + 1] != k + 1:  # a blank line ends the block
                    break
                j += 1
            pos = j
            continue
        pos += 1

    # 3. position: title, repetitions, masthead, header, footer
    candidates = [i for i in present if reasons[i] is None]
    others = {folded[i] for i in candidates}
    title_keys: set[str] = set()
    if title:
        layout.title = title.strip()
        title_keys = {fold(title)}
    elif candidates and is_headline_like(lines[candidates[0]]) and not is_body_like(lines[candidates[0]]) \
            and not _lone_text(lines, present):
        first = candidates[0]
        head, tail = split_site_suffix(lines[first], others - {folded[first]})
        layout.title, layout.title_line, layout.site_suffix = head, first, tail
        if tail:
            removed_parts[first] = (lines[first].strip()[len(head):].strip(" \t–—|:-"), "site_name")
        title_keys = {fold(head), folded[first]}
        reasons[first] = "title"
    site_keys = {fold(t) for t in layout.site_suffix}

    duplicates = [i for i in candidates if reasons[i] is None and folded[i] in title_keys]
    for i in duplicates:
        reasons[i] = "duplicate_title"
    if layout.title_line is not None and duplicates and duplicates[0] - layout.title_line <= 8:
        for i in range(layout.title_line + 1, duplicates[0]):
            if reasons[i] is None and folded[i] and len(lines[i].split()) <= 6:
                reasons[i] = "site_name"
    for i in candidates:
        if reasons[i] is None and site_keys and any(folded[i] in key for key in site_keys) and len(folded[i].split()) <= 5:
            reasons[i] = "site_name"

    remaining = [i for i in present if reasons[i] is None]
    if layout.title_line is not None and not duplicates and not layout.site_suffix and remaining:
        first, nxt = layout.title_line, remaining[0]
        before_body = not is_body_like(lines[nxt]) and is_headline_like(lines[nxt], 15)
        only_blanks_between = all(not folded[k] or reasons[k] is not None for k in range(first + 1, nxt))
        if before_body and only_blanks_between and not _is_name_like(lines[nxt]) and len(lines[nxt].split()) >= 4:
            # Kicker (روتیتر) then headline, or a site name then the headline.
            short_first = len(lines[first].split()) <= 3
            reasons[first] = "site_name" if short_first else None
            layout.title, layout.title_line = lines[nxt].strip(), nxt
            title_keys = {folded[nxt]}
            reasons[nxt] = "title"
            for i in remaining[1:]:
                if folded[i] in title_keys:
                    reasons[i] = "duplicate_title"

    title_words = set(words(layout.title or ""))
    after_title = (layout.title_line or -1) + 1
    author_found = False
    for i in present:
        if i < after_title or reasons[i] is not None:
            continue
        if is_body_like(lines[i]):
            break
        text = lines[i].strip()
        line_words = words(text)
        if len(line_words) >= 2 and title_words and set(line_words) <= title_words:
            reasons[i] = "duplicate_title"
        elif _CREDIT_SUFFIX.search(text) and len(text.split()) <= 15:
            reasons[i] = "caption"
        elif _AUTHOR_LABEL.search(fold(text)) or (not author_found and _is_name_like(text)):
            reasons[i] = "author"
            author_found = True

    kept = [i for i in present if reasons[i] is None]
    if not kept and _lone_text(lines, present) and reasons[present[0]] in _LOOKS_ONLY:
        kept = [present[0]]
        reasons[present[0]] = None
    body = [i for i in kept if is_body_like(lines[i])]
    if body:
        for i in kept:
            if i > body[-1] and len(lines[i].split()) <= 4 and not _TERMINAL_END.search(lines[i]):
                reasons[i] = "source"
        first_body = body[0]
        match = _DATELINE.match(lines[first_body], starts[first_body])
        furniture = " ".join(folded[i] for i in present if reasons[i] not in (None, "title"))
        if match and _is_dateline(match.group(0), furniture) and len(lines[first_body][match.end():].split()) >= 5:
            removed_parts[first_body] = (match.group(0).strip(), "dateline")
            starts[first_body] = match.end()

    for i in present:
        if i in removed_parts and reasons[i] in (None, "title"):
            layout.removed.append((i, *removed_parts[i]))
        if reasons[i] not in (None, "title"):
            layout.removed.append((i, lines[i].strip(), reasons[i]))
    return layout
