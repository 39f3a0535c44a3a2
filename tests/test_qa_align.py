"""The sentence aligner on the seeds: English stand-ins per source sentence, perturbed.

Stand-ins are deterministic English of plausible length (the pair's length model
with ±25% noise, words drawn from tests/data/english.txt) carrying what any
translation carries: the source's numbers, Latin names, places (English names from
the gazetteer) and quotation marks; then sentences are merged (2–1), split (1–2),
dropped (1–0) and inserted (0–1), and the aligner must recover the known beads.

Measured (`pytest -s -q tests/test_qa_align.py -k recovers`): the share of links
recovered is printed per configuration; every one must reach 95%.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.names import find_places
from ingest import read_inputs
from core.article import Article
from mt.glossary import Glossary, Term
from mt.qa.alignment import BEAD_KINDS, Bead, align
from mt.qa.anchors import PLACE_NAMES
from mt.qa.checks import MIN_QUOTE_WORDS, latin_names, quoted_spans
from mt.qa.length import chars, length_model
from mt.qa.numbers import source_numbers
from core.english import split_english

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
_VOCABULARY = sorted({w.lower() for w in re.findall(r"[A-Za-z]{2,}", (ROOT / "tests" / "data" / "english.txt")
                                                      .read_text(encoding="utf-8"))})
_EXTRA = "The agency said further details would be published later in the day."


def seed_article(path: Path) -> Article:
    (article,) = [a for a in read_inputs([str(path)]) if isinstance(a, Article)]
    return article


def standin(source: str, language: str, key: str) -> str:
    """Deterministic English for one source sentence: plausible length, carrying what any translation carries.

    That is its numbers (in ASCII digits), Latin-script names, the places it names (in their English form,
    from the gazetteer) and, around a few words, its quotation marks when it quotes someone at length.
    """
    rng = random.Random(key)
    target = chars(source) * length_model(language).ratio * rng.uniform(0.8, 1.25)
    carried = [m.text for m in source_numbers(source)] + latin_names(source) + sorted(find_places(source))
    carried = [re.sub("[۰-۹]", lambda d: str("۰۱۲۳۴۵۶۷۸۹".index(d.group())), c) for c in carried]
    carried = [re.sub("[٠-٩]", lambda d: str("٠١٢٣٤٥٦٧٨٩".index(d.group())), c) for c in carried]
    words: list[str] = []
    while len(" ".join(words + carried)) < target or len(words) < 3:
        words.append(rng.choice(_VOCABULARY))
    for token in carried:
        words.insert(rng.randrange(1, len(words) + 1), token.replace("/", "."))
    for _ in [q for q in quoted_spans(source) if len(q.split()) >= MIN_QUOTE_WORDS]:
        start = rng.randrange(1, len(words))
        stop = min(len(words), start + rng.randint(2, 6))
        words[start], words[stop - 1] = "“" + words[start], words[stop - 1] + "”"
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paraphrase(english: str, key: str, keep: float = 0.5) -> str:
    """Another translation of the same sentence: about half its words replaced (our model's output stand-in)."""
    rng = random.Random(key)
    return " ".join(w if rng.random() < keep or any(c.isdigit() for c in w) else rng.choice(_VOCABULARY)
                    for w in english.split())


@dataclass
class Case:
    name: str
    source: list[str]
    english: list[str]
    gold: list[Bead]
    ours: list[str]
    language: str


def perturbed(article: Article, seed: int, merges: int = 2, splits: int = 2, drops: int = 1,
              inserts: int = 1) -> Case:
    """Stand-ins for every sentence, then merges, splits, drops and an insertion at random places."""
    sentences = article.sentences()
    language = article.language or "fa"
    ours = [standin(s.normalized, language, f"{article.id}/{s.id}") for s in sentences]
    rng = random.Random(seed)
    n = len(sentences)
    free = list(range(n - 1))
    rng.shuffle(free)
    used: set[int] = set()
    ops: dict[int, str] = {}

    def take(kind: str, span: int) -> None:
        for i in free:
            if all(k not in used for k in range(i, i + span)) and (kind != "split" or len(ours[i].split()) >= 10):
                used.update(range(i, i + span))
                ops[i] = kind
                return

    for kind, count, span in (("merge", merges, 2), ("split", splits, 1), ("drop", drops, 1)):
        for _ in range(count):
            take(kind, span)
    insert_at = {i for i in rng.sample(range(1, n), inserts)} if inserts else set()
    english: list[str] = []
    gold: list[Bead] = []
    i = 0
    while i < n:
        if i in insert_at:
            gold.append(Bead((), (len(english),)))
            english.append(_EXTRA)
        op = ops.get(i)
        if op == "merge":
            second = ours[i + 1]
            gold.append(Bead((i, i + 1), (len(english),)))
            english.append(ours[i][:-1] + ", while " + second[0].lower() + second[1:])
            i += 2
            continue
        if op == "split":
            words = ours[i][:-1].split()
            cut = len(words) // 2
            gold.append(Bead((i,), (len(english), len(english) + 1)))
            english += [" ".join(words[:cut]) + ".", words[cut][0].upper() + " ".join(words[cut:])[1:] + "."]
        elif op == "drop":
            gold.append(Bead((i,), ()))
        else:
            gold.append(Bead((i,), (len(english),)))
            english.append(ours[i])
        i += 1
    return Case(f"{article.id}#{seed}", [s.normalized for s in sentences], english, gold, ours, language)


def as_text(english: list[str], seed: int) -> str:
    """The English as a translator would send it: arbitrary paragraph breaks."""
    rng = random.Random(seed)
    paragraphs, current = [], []
    for sentence in english:
        current.append(sentence)
        if rng.random() < 0.3:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs + [" ".join(current)]) + "\n"


def links(beads: list[Bead]) -> set[tuple[int | None, int | None]]:
    """Every aligned (source, English) pair; unmatched sentences pair with None."""
    found: set[tuple[int | None, int | None]] = set()
    for bead in beads:
        found |= {(s, e) for s in bead.source for e in bead.english}
        found |= {(s, None) for s in bead.source if not bead.english}
        found |= {(None, e) for e in bead.english if not bead.source}
    return found


def accuracy(cases: list[Case], use_ours: bool | str = False) -> tuple[float, float]:
    """(share of gold links recovered, share of gold beads recovered exactly) over all cases."""
    hit = total = bead_hit = bead_total = 0
    for case in cases:
        english = split_english(as_text(case.english, len(case.english)))
        assert english == case.english, case.name
        ours = [paraphrase(t, f"ours/{k}") for k, t in enumerate(case.ours)] if use_ours is True else None
        if use_ours == "noise":
            ours = [standin(s, case.language, f"noise/{k}") for k, s in enumerate(case.source)]
        got = align(case.source, english, case.language, ours=ours).beads
        gold_links, got_links = links(case.gold), links(got)
        hit += len(gold_links & got_links)
        total += len(gold_links)
        bead_hit += len(set(case.gold) & set(got))
        bead_total += len(case.gold)
    return hit / total, bead_hit / bead_total


# (merges, splits, drops, inserts) per perturbed translation; three random placements per seed.
DROP_ONE = (2, 2, 1, 0)
RESHAPED = (2, 2, 0, 0)
EVERYTHING = (2, 2, 1, 1)


def make_cases(shape: tuple[int, int, int, int]) -> list[Case]:
    merges, splits, drops, inserts = shape
    return [perturbed(seed_article(path), seed, merges, splits, drops, inserts) for path in SEEDS for seed in (1, 2, 3)]


def test_standins_split_back_into_their_sentences() -> None:
    for case in make_cases(EVERYTHING):
        assert split_english(as_text(case.english, 0)) == case.english


TARGET = 0.95


@pytest.mark.parametrize(
    ("shape", "use_ours"),
    [
        # With our own translation (stand-in: a paraphrase sharing about half the words) every bead type is found.
        (DROP_ONE, True),
        (EVERYTHING, True),
        # Without a model: length, numbers, names, places and quotes.
        (RESHAPED, False),
        (DROP_ONE, False),
        # Our translation as noise (what the tiny test models give) must not lead the aligner astray.
        (DROP_ONE, "noise"),
    ],
    ids=["drop-with-ours", "all-beads-with-ours", "merge-split-no-model", "drop-no-model", "drop-noisy-ours"],
)
def test_aligner_recovers_known_alignment(shape: tuple[int, int, int, int], use_ours: bool | str) -> None:
    cases = make_cases(shape)
    link_accuracy, bead_accuracy = accuracy(cases, use_ours)
    print(f"\naligner {shape} ours={use_ours}: {link_accuracy:.1%} of links, {bead_accuracy:.1%} of beads "
          f"on {len(cases)} perturbed seed translations")
    assert link_accuracy >= TARGET


def test_anchors_a_translation_never_carries_say_nothing() -> None:
    """A translator who names no place the gazetteer knows must align as well as on length alone."""
    cases = make_cases(RESHAPED)
    for case in cases:
        case.english = [" ".join(PLACE_NAMES.sub("", t).split()) for t in case.english]
    link_accuracy, _ = accuracy(cases)
    print(f"\naligner {RESHAPED} without places in the English: {link_accuracy:.1%} of links")
    assert link_accuracy >= TARGET


@pytest.mark.parametrize(
    ("name", "english_name", "glossary"),
    [("سوریه", "Syria", None), ("سرلشکر باقری", "General Bagheri", Glossary((Term("باقری", "Bagheri"),))),
     ("ابن عباس", "Ibn 'Abbas", None), ("سرلشکر باقری", "General Bagheri", None)],
    ids=["gazetteer-place", "glossary-name", "transliterated-pair", "transliterated-skeleton"],
)
def test_a_name_tells_which_of_two_like_sentences_was_dropped(name: str, english_name: str,
                                                                 glossary: Glossary | None) -> None:
    """Like lengths leave a drop ambiguous; a name only one of the two states settles it, either way round."""
    plain = ("وزیر دفاع در این دیدار بر ادامه همکاری‌های دو کشور در همه زمینه‌ها تاکید کرد.",
             "The defence minister stressed that the two countries would go on working together in every field.")
    named = (f"در این دیدار {name} بر ادامه همکاری در همه زمینه‌ها تاکید کرد.",
             f"In the meeting {english_name} stressed continued cooperation in every field and area.")
    others = [(f"سخنگوی وزارت خارجه در نشست خبری هفتگی به پرسش شماره {k} خبرنگاران پاسخ داد.",
               f"The foreign ministry spokesman answered question number {k} at the weekly press briefing.")
              for k in range(1, 7)]
    for dropped, kept in ((plain, named), (named, plain)):
        pairs = [*others[:3], dropped, kept, *others[3:]]
        english = [e for source, e in pairs if source is not dropped[0]]
        beads = align([source for source, _ in pairs], english, "fa", glossary=glossary).beads
        assert Bead((3,), ()) in beads and Bead((4,), (3,)) in beads, (dropped[1], beads)


def test_cross_script_names_match_by_consonant_skeleton() -> None:
    from mt.qa.anchors import name_skeletons

    assert "k:bn|bs" in name_skeletons("روایت ابن عباس", latin=False) & name_skeletons("Ibn 'Abbas said", latin=True)
    for source, english in [("جونز", "Jones"), ("إيفانوف", "Ivanov"), ("هاميل", "Hammel"), ("جايلز", "Giles"),
                            ("باقری", "Bagheri")]:
        assert name_skeletons(source, latin=False) & name_skeletons(f"Then {english} spoke", latin=True), source
    # places have anchors of their own; a sentence's capitals that are no names match nothing here
    assert not name_skeletons("دمشق", latin=False) and not name_skeletons("Damascus", latin=True)


def test_common_words_that_share_a_names_consonants_are_no_anchor() -> None:
    """`ممکن` (possible) and Michigan share m-k-n, but they sit far apart in the document: not a name pair."""
    from mt.qa.anchors import build_sides

    source = ["این کار ممکن است."] + [f"جمله شماره {k} درباره موضوعی دیگر است." for k in range(1, 12)] + \
             ["او از دانشگاه میشیگان آمد."]
    english = ["This may be possible."] + [f"Sentence number {k} is about another matter." for k in range(1, 12)] + \
              ["The expert came from the University of Michigan."]
    src, _ = build_sides(source, english, None, None)
    assert not any(k.startswith("k:") for a in src[0].anchors for k in a)


@pytest.mark.parametrize("pieces", [3, 4])
def test_a_long_sentence_split_into_three_or_four_english_sentences(pieces: int) -> None:
    """Human translators split a long Arabic sentence into three or four; the aligner has 1–3 and 1–4 beads."""
    long_source = ("وقال الوزير في مؤتمر صحفي عقده في العاصمة بعد اجتماع مطول مع نظرائه إن المحادثات تناولت ملفات "
                   "الطاقة والتجارة والأمن الإقليمي وإن الجانبين اتفقا على مواصلة التنسيق وعلى عقد جولة جديدة "
                   "من المفاوضات قبل نهاية العام وعلى تشكيل لجان فنية مشتركة لمتابعة تنفيذ ما تم الاتفاق عليه")
    others = [(f"وأكد المتحدث في البيان رقم {k} أن الوفد سيعود غدا إلى بلاده بعد انتهاء الزيارة.",
               f"The spokesman said in statement number {k} that the delegation would return home tomorrow.")
              for k in range(1, 7)]
    parts = ["The minister told a news conference in the capital after a long meeting with his counterparts.",
             "The talks covered energy, trade and regional security.",
             "Both sides agreed to keep coordinating and to hold a new round of negotiations before the year ends.",
             "They will also form joint technical committees to follow up on what was agreed."][:pieces]
    if pieces == 3:
        parts[2] = parts[2][:-1] + ", and to form joint technical committees to follow up on what was agreed."
    source = [s for s, _ in others[:3]] + [long_source] + [s for s, _ in others[3:]]
    english = [e for _, e in others[:3]] + parts + [e for _, e in others[3:]]
    beads = align(source, english, "ar").beads
    assert Bead((3,), tuple(range(3, 3 + pieces))) in beads, beads


def test_three_short_sentences_joined_into_one_english_sentence() -> None:
    short = ["وصل الوفد إلى العاصمة صباح اليوم.", "واستقبله وزير الخارجية في المطار.",
             "ثم توجه الجميع إلى القصر الرئاسي."]
    others = [(f"وأكد المتحدث في البيان رقم {k} أن الوفد سيعود غدا إلى بلاده بعد انتهاء الزيارة.",
               f"The spokesman said in statement number {k} that the delegation would return home tomorrow.")
              for k in range(1, 7)]
    joined = ("The delegation reached the capital this morning, was met by the foreign minister at the airport "
              "and then went on with him to the presidential palace.")
    source = [s for s, _ in others[:3]] + short + [s for s, _ in others[3:]]
    english = [e for _, e in others[:3]] + [joined] + [e for _, e in others[3:]]
    assert Bead((3, 4, 5), (3,)) in align(source, english, "ar").beads


_ANY_TEXT = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", " ", "۱۲۳٬۴۵۶", "2011", "٢٠١١ 5", "\u200f\u200e", "«»", '"', "سوریه Syria", "...",
                     "x" * 3000, "وزیر " * 600]),
    st.text(alphabet=st.characters(whitelist_categories=("Nd", "Lo", "Zs", "Po", "Cf")), max_size=200),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.lists(_ANY_TEXT, max_size=12), english=st.lists(_ANY_TEXT, max_size=12),
       language=st.sampled_from(["fa", "ar", None]), with_ours=st.booleans(),
       breaks=st.one_of(st.none(), st.tuples(st.lists(st.booleans(), min_size=12, max_size=12),
                                             st.lists(st.booleans(), min_size=12, max_size=12))))
def test_align_covers_every_sentence_once_in_order(source: list[str], english: list[str], language: str | None,
                                                   with_ours: bool,
                                                   breaks: tuple[list[bool], list[bool]] | None) -> None:
    ours = english[: len(source)] + [""] * (len(source) - len(english)) if with_ours else None
    paragraphs: dict[str, list[int]] = {}
    if breaks:  # paragraph numbers: a new paragraph after every True
        paragraphs = {side: [sum(flags[:k]) for k in range(len(items))]
                      for side, items, flags in (("source_paragraphs", source, breaks[0]),
                                                 ("english_paragraphs", english, breaks[1]))}
    beads = align(source, english, language, ours=ours, **paragraphs).beads  # type: ignore[arg-type]
    assert [i for b in beads for i in b.source] == list(range(len(source)))
    assert [j for b in beads for j in b.english] == list(range(len(english)))
    assert all(b.kind in BEAD_KINDS for b in beads)
