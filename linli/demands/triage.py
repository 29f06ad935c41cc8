"""Triage of a free-text need (需求): catalog item suggestions, crisis phrases, urgency.

Pure standard library, no Django: the engine can be imported and run anywhere.

Method
------
*Item suggestion* is weighted keyword matching with a character-bigram fallback:

1. Every catalog item has keywords: the pieces of its own name (split on ``/ ( ) 与 和 、``) and
   the extra keywords of ``data/triage_lexicon.json``. Text and keywords are NFKC-normalised.
2. Each keyword found in the text scores ``length_weight × rarity`` for each item listing it.
   Longer keywords weigh more (``LENGTH_BASE + LENGTH_STEP × (len − 2)``); *rarity* is an inverse
   document frequency over items, where an item "contains" a keyword when one of its own keywords
   contains it as a substring (so 医生 is rarer than 老人 only if fewer items talk about it).
   Keywords from the item's name get a small bonus (``NAME_BONUS``).
3. Matches strictly inside a longer match are dropped ("maximal munch": 低保户 beats 低保), and a
   keyword counts once however often it occurs.
4. Character bigrams of the text not covered by a kept keyword are compared with every item's
   keyword bigrams (again weighted by rarity over items; function-word bigrams such as 怎么 or
   社区 are ignored); they add ``BIGRAM_WEIGHT`` × their weight, which breaks ties and rescues
   paraphrases that share no whole keyword (an item reached by bigrams alone needs at least
   ``MIN_BIGRAM_SCORE``).
5. Items are ranked by score (then by code, for determinism). Nothing matching gives ``[]``.

*Crisis phrases* (suicide and self-harm risk) are regular expressions run after masking known
false friends (不想活动, 死机, 笑死, 累死了, 想死你了, 跳楼价 …). *Urgency* combines crisis
phrases, emergency words, the person's target-group tags and the item; levels only go up.

Extending the lexicon
---------------------
Add Chinese keywords to ``linli/demands/data/triage_lexicon.json`` under the item code, prefer
phrases of two to six characters that a resident would actually type, and avoid words shared by
many items (they score little anyway). Then run ``bench/triage_accuracy.py`` and compare the
*dev* figures only: the held-out half of ``tests/data/triage_labelled.tsv`` must never be used
to pick keywords, or its accuracy stops meaning anything.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "triage_lexicon.json"
CATALOG_PATH = Path(__file__).resolve().parent.parent / "catalog" / "data" / "default_catalog.json"

NAME_SEPARATORS = re.compile(r"[/()（）、]|与|和")
MIN_KEYWORD_LENGTH = 2
LENGTH_BASE = 1.0
LENGTH_STEP = 0.6
NAME_BONUS = 1.2
BIGRAM_WEIGHT = 0.25
MIN_BIGRAM_SCORE = 0.5
# Function-word bigrams: they say nothing about the need, so the bigram fallback ignores them.
STOP_BIGRAMS = frozenset(
    "怎么 什么 有没 没有 有人 可以 能不 不能 需要 我们 你们 他们 一下 这个 那个 现在 还是 "
    "就是 不是 已经 社区 小区 老人 孩子 家里 一个 知道 时候 问题 帮忙 申请 服务 想要 看看".split()
)

URGENCY_LOW, URGENCY_NORMAL, URGENCY_HIGH, URGENCY_CRITICAL = 1, 2, 3, 4


@dataclass(frozen=True)
class Suggestion:
    item_code: str
    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Read-only matching tables; build it once with :func:`build_lexicon` and share it."""

    item_codes: tuple[str, ...]
    # keyword -> ((item_code, weight), ...)
    keywords: Mapping[str, tuple[tuple[str, float], ...]]
    # first character -> keywords starting with it, longest first
    by_first_char: Mapping[str, tuple[str, ...]]
    # bigram -> ((item_code, weight), ...)
    bigrams: Mapping[str, tuple[tuple[str, float], ...]]


# --------------------------------------------------------------------------- lexicon building


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case, no surrounding space."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def name_keywords(name: str) -> list[str]:
    """The pieces of an item name: 高龄/养老补贴申办 -> [高龄, 养老补贴申办]."""
    pieces = (normalize(piece) for piece in NAME_SEPARATORS.split(name))
    return [piece for piece in pieces if len(piece) >= MIN_KEYWORD_LENGTH]


def _item_keywords(
    catalog: dict, keywords: dict[str, list[str]]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per item: all keywords, and the subset coming from the item's own name."""
    all_words: dict[str, set[str]] = {}
    from_name: dict[str, set[str]] = {}
    for category in catalog["categories"]:
        for item in category["items"]:
            code = item["code"]
            from_name[code] = set(name_keywords(item["name"]))
            extra = (normalize(word) for word in keywords.get(code, ()))
            all_words[code] = from_name[code] | {w for w in extra if len(w) >= MIN_KEYWORD_LENGTH}
    return all_words, from_name


def _rarity(document_frequency: int, documents: int) -> float:
    """Inverse document frequency scaled to (0, 1]: 1.0 for a term of a single item."""
    return math.log((documents + 1) / document_frequency) / math.log(documents + 1)


def length_weight(keyword: str) -> float:
    return LENGTH_BASE + LENGTH_STEP * (len(keyword) - MIN_KEYWORD_LENGTH)


def _keyword_table(
    all_words: dict[str, set[str]], from_name: dict[str, set[str]]
) -> dict[str, tuple[tuple[str, float], ...]]:
    vocabulary = sorted(set().union(*all_words.values()))
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for word in vocabulary:
        containing = [code for code, words in all_words.items() if any(word in w for w in words)]
        rarity = _rarity(len(containing), len(all_words))
        for code in sorted(all_words):
            if word in all_words[code]:
                bonus = NAME_BONUS if word in from_name[code] else 1.0
                table[word].append((code, round(length_weight(word) * rarity * bonus, 6)))
    return {word: tuple(entries) for word, entries in table.items()}


def text_bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def content_bigrams(word: str) -> set[str]:
    return {bigram for bigram in text_bigrams(word) if bigram not in STOP_BIGRAMS}


def _bigram_table(all_words: dict[str, set[str]]) -> dict[str, tuple[tuple[str, float], ...]]:
    item_bigrams = {
        code: set().union(*(content_bigrams(word) for word in words))
        for code, words in all_words.items()
    }
    frequency: dict[str, int] = defaultdict(int)
    for bigrams in item_bigrams.values():
        for bigram in bigrams:
            frequency[bigram] += 1
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for code in sorted(item_bigrams):
        for bigram in sorted(item_bigrams[code]):
            rarity = _rarity(frequency[bigram], len(item_bigrams))
            table[bigram].append((code, round(rarity, 6)))
    return {bigram: tuple(entries) for bigram, entries in table.items()}


def build_lexicon(catalog: dict, keywords: dict[str, list[str]]) -> Lexicon:
    """Build the matching tables from the parsed catalog and the extra keywords per item code."""
    all_words, from_name = _item_keywords(catalog, keywords)
    keyword_table = _keyword_table(all_words, from_name)
    by_first: dict[str, list[str]] = defaultdict(list)
    for word in sorted(keyword_table, key=lambda w: (-len(w), w)):
        by_first[word[0]].append(word)
    return Lexicon(
        item_codes=tuple(sorted(all_words)),
        keywords=MappingProxyType(keyword_table),
        by_first_char=MappingProxyType({c: tuple(words) for c, words in by_first.items()}),
        bigrams=MappingProxyType(_bigram_table(all_words)),
    )


@functools.cache
def load_default_lexicon() -> Lexicon:
    """The lexicon of the shipped catalog and ``data/triage_lexicon.json``, built once."""
    catalog = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    lexicon_file = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    return build_lexicon(catalog, lexicon_file["keywords"])


# --------------------------------------------------------------------------- item suggestion


def find_keywords(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """Keyword occurrences as (start, end, keyword), without those inside a longer occurrence."""
    # By start, then longest first (by_first_char is sorted so): an occurrence ending no further
    # than one already kept lies inside it.
    found = [
        (start, start + len(word), word)
        for start, char in enumerate(text)
        for word in lexicon.by_first_char.get(char, ())
        if text.startswith(word, start)
    ]
    kept: list[tuple[int, int, str]] = []
    reach = -1
    for start, end, word in found:
        if end > reach:
            kept.append((start, end, word))
            reach = end
    return kept


def _bigram_scores(
    text: str, covered: set[int], lexicon: Lexicon
) -> dict[str, tuple[float, list[str]]]:
    """Bigram overlap per item, counting each distinct uncovered bigram of the text once."""
    scores: dict[str, tuple[float, list[str]]] = {}
    seen: set[str] = set()
    for start, bigram in enumerate(text_bigrams(text)):
        if bigram in seen or (start in covered and start + 1 in covered):
            continue
        seen.add(bigram)
        for code, weight in lexicon.bigrams.get(bigram, ()):
            total, shared = scores.get(code, (0.0, []))
            scores[code] = (total + weight, [*shared, bigram])
    return scores


def suggest_items(text: str, lexicon: Lexicon, *, limit: int = 3) -> list[Suggestion]:
    """Catalog items the text most likely belongs to, best first; ``[]`` when nothing matches."""
    text = normalize(text)
    matches = find_keywords(text, lexicon)
    keyword_scores: dict[str, float] = defaultdict(float)
    keyword_hits: dict[str, list[str]] = defaultdict(list)
    for word in dict.fromkeys(word for _, _, word in matches):
        for code, weight in lexicon.keywords[word]:
            keyword_scores[code] += weight
            keyword_hits[code].append(word)
    covered = {i for start, end, _ in matches for i in range(start, end)}
    bigram_scores = _bigram_scores(text, covered, lexicon)
    suggestions = []
    for code in set(keyword_scores) | set(bigram_scores):
        bigram_score, shared = bigram_scores.get(code, (0.0, []))
        if code not in keyword_scores and bigram_score < MIN_BIGRAM_SCORE:
            continue
        score = keyword_scores.get(code, 0.0) + BIGRAM_WEIGHT * bigram_score
        matched = tuple(keyword_hits[code]) if code in keyword_hits else tuple(shared)
        suggestions.append(Suggestion(code, round(score, 3), matched))
    suggestions.sort(key=lambda s: (-s.score, s.item_code))
    return suggestions[:limit]


# --------------------------------------------------------------------------- crisis phrases

# Masked before searching: everyday hyperbole and words that merely contain a crisis phrase.
CRISIS_EXCLUSIONS = re.compile(
    r"不想活动|不想活跃|想死(?:你|您|我了|他|她|咱)|死机|卡死|"
    r"[笑累热忙饿冷气烦吓急难贵慢困渴痛疼怕丑懒美]死|"
    r"跳楼价|跳楼梯|跳楼机|楼梯|台阶|自杀式|要死"
)

CRISIS_PATTERNS = re.compile(
    r"不想(?:再)?活(?:了|下去|着)?|活着(?:真|都|也|还)?(?:没|没有)(?:啥|什么)?意思|"
    r"活不下去|活够了|生不如死|轻生|自杀|自尽|自残|寻死|寻短见|"
    r"想(?:去)?死|要去死|(?:还)?不如死了|死了算了|一死了之|一了百了|"
    r"结束(?:自己的?)?生命|了结自己|跳楼|跳河|跳江|跳海|跳湖|"
    r"(?:楼|天台|桥|阳台|窗)[上顶台边外]?[^，。,.!！?？]{0,3}跳下|"
    r"割腕|上吊|烧炭|喝农药|喝敌敌畏|喝药(?:死|自杀)|吃药自尽|吞药|遗书|死给[你他她]"
)


def _masked(text: str, exclusions: re.Pattern[str]) -> str:
    """The text with every exclusion replaced by as many spaces (positions stay the same)."""
    return exclusions.sub(lambda m: " " * len(m.group()), text)


def find_crisis_phrases(text: str) -> list[str]:
    """Suicide or self-harm phrases in the text, in order of appearance, without repeats."""
    masked = _masked(normalize(text), CRISIS_EXCLUSIONS)
    return list(dict.fromkeys(m.group() for m in CRISIS_PATTERNS.finditer(masked)))


# --------------------------------------------------------------------------- urgency

EMERGENCY_EXCLUSIONS = re.compile(r"打不着火|点不着火|打不着|被打扰|被打针|被打卡|被打折")

EMERGENCY_PATTERNS = re.compile(
    r"摔(?:倒|了|跤|伤)?[^，。,.!！?？]{0,8}(?:起不来|爬不起来|站不起来|动不了)|倒地不起|倒在地上|"
    r"昏迷|晕倒|昏倒|晕过去|不省人事|叫不醒|没(?:有)?(?:了)?呼吸|没气了|心脏骤停|抽搐|"
    r"出血|流血|吐血|窒息|溺水|中毒|噎住|"
    r"着火|起火|失火|火灾|烧起来|冒烟|火苗|"
    r"(?:煤气|燃气|天然气)(?:泄漏|泄露|漏气|漏了)|闻到(?:煤气|燃气|天然气)|一氧化碳|爆炸|"
    r"漏电|触电|被打|家暴|家庭暴力|打人|持刀|砍人|殴打|"
    r"走失|走丢|失踪|人不见了|被困"
)

ELDER_TAGS = frozenset(
    {
        "elderly-living-alone",
        "elderly-empty-nest",
        "elderly-disabled",
        "elderly-advanced-age",
        "elderly-left-behind",
    }
)
ELDER_HEALTH_ITEMS = frozenset({"0103", "0105", "0108", "0601", "0602", "0604", "0302"})
HEALTH_WORDS = re.compile(
    r"生病|病了|病倒|发烧|发热|血压|血糖|头晕|头疼|疼|痛|药|咳嗽|不舒服|住院|看病|摔|喘|"
    r"心脏|胸闷|中风|卧床|瘫痪|吃不下|没吃饭"
)

CHILD_TAGS = frozenset(
    {"child-in-difficulty", "child-left-behind", "child-unsupported", "child-orphan"}
)
CHILD_PROTECTION_ITEMS = frozenset({"0201", "0202", "0205"})
CHILD_RISK_WORDS = re.compile(
    r"打骂|挨打|没人管|没人照顾|没人带|没人看|挨饿|饿肚子|虐待|欺负|辍学|离家出走|受伤"
)

PROTECTION_ITEMS = frozenset({"1502", "0205"})
INFORMATION_CATEGORIES = frozenset({"07", "14"})
INFORMATION_WORDS = re.compile(
    r"几点|什么时候|何时|怎么报名|怎么参加|在哪|哪里|有没有|请问|咨询|了解|想问|多少钱|名额|开门"
)
COMPLAINT_WORDS = re.compile(r"投诉|反映|不满|太差|没人管|坏了")


def has_emergency_words(text: str) -> bool:
    return EMERGENCY_PATTERNS.search(_masked(normalize(text), EMERGENCY_EXCLUSIONS)) is not None


def _urgency_rules(
    item_code: str | None, tags: frozenset[str], text: str
) -> Iterable[tuple[int, str]]:
    """Every (level, reason) rule that applies; each one can only raise the level."""
    if find_crisis_phrases(text):
        yield URGENCY_CRITICAL, "crisis_phrase"
    if has_emergency_words(text):
        yield URGENCY_CRITICAL, "emergency_words"
    if tags & ELDER_TAGS and (item_code in ELDER_HEALTH_ITEMS or HEALTH_WORDS.search(text)):
        yield URGENCY_HIGH, "vulnerable_elder_health"
    if tags & CHILD_TAGS and (item_code in CHILD_PROTECTION_ITEMS or CHILD_RISK_WORDS.search(text)):
        yield URGENCY_HIGH, "vulnerable_child"
    if item_code in PROTECTION_ITEMS:
        yield URGENCY_HIGH, "protection"


def is_information_only(item_code: str | None, text: str) -> bool:
    """A question about an activity or a meeting (categories 07 and 14), not a complaint."""
    if not item_code or item_code[:2] not in INFORMATION_CATEGORIES:
        return False
    return bool(INFORMATION_WORDS.search(text)) and not COMPLAINT_WORDS.search(text)


def suggest_urgency(
    *, item_code: str | None, tag_codes: frozenset[str] | set[str], text: str
) -> tuple[int, tuple[str, ...]]:
    """(level, reason codes): the highest level of the rules that applied, and all their reasons.

    No rule gives ``URGENCY_NORMAL`` with no reason, or ``URGENCY_LOW`` with
    ``("information_only",)`` for a plain question about categories 07 and 14.
    """
    text = normalize(text)
    applied = list(_urgency_rules(item_code, frozenset(tag_codes), text))
    if applied:
        return max(level for level, _ in applied), tuple(reason for _, reason in applied)
    if is_information_only(item_code, text):
        return URGENCY_LOW, ("information_only",)
    return URGENCY_NORMAL, ()
