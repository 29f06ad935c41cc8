"""Accuracy and speed of the demand triage engine (linli/demands/triage.py). Figures only.

Run from the repository root::

    .venv/bin/python bench/triage_accuracy.py

The labelled set ``linli/demands/tests/data/triage_labelled.tsv`` is split by the 1-based line
number in the file (the header is line 1): even lines are *dev* (tune the lexicon on these),
odd lines are *held-out* (never look at their errors while tuning). A sentence counts as top-1
correct when the best suggestion is its item, or when it is labelled 9999 (其他) and nothing is
suggested; top-3 likewise over the first three suggestions. The confusions listed are those of
the dev half only, so that reading them cannot leak the held-out half into the lexicon.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linli.demands.triage import (  # noqa: E402
    Lexicon,
    find_crisis_phrases,
    load_default_lexicon,
    suggest_items,
)

DATA = ROOT / "linli" / "demands" / "tests" / "data"
LABELLED = DATA / "triage_labelled.tsv"
CRISIS = DATA / "triage_crisis.tsv"
OTHER = "9999"
PASSES = 20


@dataclass(frozen=True)
class Example:
    line: int
    item_code: str
    sentence: str

    @property
    def half(self) -> str:
        return "dev" if self.line % 2 == 0 else "held-out"


def read_tsv(path: Path) -> list[tuple[int, str, str]]:
    """(line number, first column, second column) of every row after the header."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number == 1 or not line.strip():
            continue
        first, second = line.split("\t")
        rows.append((number, first, second))
    return rows


def predictions(example: Example, lexicon: Lexicon) -> list[str]:
    codes = [s.item_code for s in suggest_items(example.sentence, lexicon, limit=3)]
    return codes or [OTHER]


def accuracy(results: list[tuple[Example, list[str]]]) -> tuple[float, float]:
    if not results:
        return 0.0, 0.0
    top1 = sum(got[0] == ex.item_code for ex, got in results)
    top3 = sum(ex.item_code in got for ex, got in results)
    return top1 / len(results), top3 / len(results)


def print_accuracy(results: list[tuple[Example, list[str]]]) -> None:
    print(f"{'half':<10}{'n':>5}{'top-1':>9}{'top-3':>9}")
    for name in ("dev", "held-out", "all"):
        subset = [r for r in results if name in ("all", r[0].half)]
        top1, top3 = accuracy(subset)
        print(f"{name:<10}{len(subset):>5}{top1:>9.1%}{top3:>9.1%}")


def print_per_category(results: list[tuple[Example, list[str]]]) -> None:
    by_category: dict[str, list[tuple[Example, list[str]]]] = defaultdict(list)
    for example, got in results:
        by_category[example.item_code[:2]].append((example, got))
    print("\nper-category top-1 (all)")
    for category in sorted(by_category):
        subset = by_category[category]
        print(f"  {category}  n={len(subset):<4}{accuracy(subset)[0]:>7.1%}")


def print_confusions(results: list[tuple[Example, list[str]]]) -> None:
    confusions = Counter(
        (ex.item_code, got[0]) for ex, got in results if ex.half == "dev" and got[0] != ex.item_code
    )
    print("\n15 most frequent confusions on dev (expected -> got)")
    for (expected, got), count in sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
        print(f"  {expected} -> {got}  x{count}")


def print_crisis() -> None:
    rows = read_tsv(CRISIS)
    flagged = [
        (expected == "1", bool(find_crisis_phrases(sentence))) for _, expected, sentence in rows
    ]
    true_positive = sum(e and f for e, f in flagged)
    precision = true_positive / max(1, sum(f for _, f in flagged))
    recall = true_positive / max(1, sum(e for e, _ in flagged))
    positives = sum(e for e, _ in flagged)
    print(f"\ncrisis set: {len(rows)} sentences ({positives} crisis, {len(rows) - positives} not)")
    print(f"  precision {precision:.1%}  recall {recall:.1%}")


def print_throughput(examples: list[Example], lexicon: Lexicon) -> None:
    started = time.perf_counter()
    for _ in range(PASSES):
        for example in examples:
            suggest_items(example.sentence, lexicon)
    elapsed = time.perf_counter() - started
    count = PASSES * len(examples)
    print(f"\nthroughput: {count / elapsed:,.0f} sentences/s (suggest_items, {PASSES} passes)")


def main() -> None:
    lexicon = load_default_lexicon()
    examples = [Example(line, code, sentence) for line, code, sentence in read_tsv(LABELLED)]
    results = [(example, predictions(example, lexicon)) for example in examples]
    print(f"labelled sentences: {len(examples)}\n")
    print_accuracy(results)
    print_per_category(results)
    print_confusions(results)
    print_crisis()
    print_throughput(examples, lexicon)


if __name__ == "__main__":
    main()
