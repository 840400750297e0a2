"""`python -m bench.mentions [--set dev|holdout|holdout-3|holdout-4|holdout-5|holdout-6|holdout-7|holdout-8|holdout-9|holdout-10|holdout-11|holdout-12|holdout-13|holdout-14|holdout-15|holdout-16|holdout-17|all] [--posts FILE] [--misses]`: precision and recall of
(post, character) pairs and of the AI flag per category, and posts a second on one core against a
1,000-character catalogue, with a yardstick (a plain `str.find` loop over the same names) run alike.
Rates are posts per CPU second of this one process (time.process_time): on a shared machine the wall
clock counts other processes' turns too (the wall-clock rate is printed beside it)."""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import yaml

from bench.mentions.dataset import CATALOG, SETS, LabelledPost, load_posts, synthetic_catalogue
from matcher.text import MentionDetector, normalise

SPEED_POSTS = 20000


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score(detector: MentionDetector, posts: list[LabelledPost], show_misses: bool) -> dict:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lp in posts:
        result = detector.detect(lp.post)
        got = {m.character for m in result.characters}
        for key in (lp.category, "ALL"):
            s = stats[key]
            s["posts"] += 1
            s["tp"] += len(got & lp.characters)
            s["fp"] += len(got - lp.characters)
            s["fn"] += len(lp.characters - got)
            s["ai_tp"] += int(result.ai_generated and lp.ai)
            s["ai_fp"] += int(result.ai_generated and not lp.ai)
            s["ai_fn"] += int(lp.ai and not result.ai_generated)
        if show_misses and (got != lp.characters or result.ai_generated != lp.ai):
            print(f"  miss {lp.post['id']} [{lp.category}] {lp.post['title'][:60]!r}: characters {sorted(got)} "
                  f"expected {sorted(lp.characters)}; ai {result.ai_generated} expected {lp.ai} "
                  f"{[m.text for m in result.ai_markers]}")
    return stats


def print_table(name: str, stats: dict) -> None:
    print(f"\n== {name}: (post, character) pairs and the AI flag ==")
    print(f"{'category':<10} {'posts':>5} {'char P':>7} {'char R':>7} {'tp/fp/fn':>10} {'AI P':>6} {'AI R':>6} "
          f"{'tp/fp/fn':>9}")
    for cat in sorted(stats, key=lambda c: (c == "ALL", c)):
        s = stats[cat]
        print(f"{cat:<10} {s['posts']:>5} {_ratio(s['tp'], s['tp'] + s['fp']):>7.3f} "
              f"{_ratio(s['tp'], s['tp'] + s['fn']):>7.3f} {s['tp']:>4}/{s['fp']}/{s['fn']:<3} "
              f"{_ratio(s['ai_tp'], s['ai_tp'] + s['ai_fp']):>6.3f} {_ratio(s['ai_tp'], s['ai_tp'] + s['ai_fn']):>6.3f} "
              f"{s['ai_tp']:>3}/{s['ai_fp']}/{s['ai_fn']}")


def yardstick(works: list[dict], posts: list[dict]) -> tuple[float, int]:
    """A plain loop: every name, case-folded, looked for with str.find in the case-folded fields."""
    names = [n.casefold() for w in works for c in w["characters"] for n in c["names"]]
    names += [t.casefold() for w in works for t in w.get("titles", [])]
    start, hits = time.process_time(), 0
    for post in posts:
        text = " ".join((post["title"], post["description"], " ".join(post["hashtags"]),
                         post["uploader_name"])).casefold()
        hits += sum(1 for n in names if text.find(n) >= 0)
    return len(posts) / (time.process_time() - start), hits


def speed(real: list[dict], posts: list[LabelledPost]) -> None:
    works = synthetic_catalogue(real)
    n_chars = sum(len(w["characters"]) for w in works)
    t0 = time.perf_counter()
    detector = MentionDetector(works)
    build = time.perf_counter() - t0
    stream = [dict(lp.post, id=i) for i, lp in zip(range(SPEED_POSTS), _cycle(posts))]
    for post in stream[:200]:
        detector.detect(post)  # warm the fold table
    start, cpu = time.perf_counter(), time.process_time()
    for post in stream:
        detector.detect(post)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = len(stream) / cpu
    yard_posts = stream[:2000]
    yard_rate, _ = yardstick(works, yard_posts)
    print(f"\n== speed: one core, {n_chars} characters, {detector.pattern_count} patterns "
          f"(automaton built in {build:.1f} s) ==")
    print(f"detector: {rate:,.0f} posts per CPU second over {len(stream)} posts (target 10,000; "
          f"{len(stream) / wall:,.0f} posts/s by the wall clock on this shared machine)")
    print(f"yardstick (str.find loop over the {n_chars}-character catalogue's names, case-folded only): "
          f"{yard_rate:,.0f} posts per CPU second; detector / yardstick = {rate / yard_rate:.1f}x")
    start = time.process_time()
    for post in stream:
        for key in ("title", "description", "uploader_name"):
            normalise(post[key])
    print(f"normalisation alone: {len(stream) / (time.process_time() - start):,.0f} posts per CPU second")


def _cycle(items):
    while True:
        yield from items


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mentions", description=__doc__)
    parser.add_argument("--set", choices=(*SETS, "all"), default="all", help="Which labelled posts to score.")
    parser.add_argument("--posts", type=Path, help="Another labelled file in the same format (scored alone).")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="The catalogue YAML (default: ours).")
    parser.add_argument("--misses", action="store_true", help="Print every post scored wrong.")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    real = yaml.safe_load(args.catalog.read_text(encoding="utf-8"))["works"]
    detector = MentionDetector(real)
    if args.posts:
        sets = {args.posts.stem: load_posts(args.posts.stem, args.posts)}
    else:
        sets = {name: load_posts(name) for name in (SETS if args.set == "all" else (args.set,))}
    everything = []
    for name, posts in sets.items():
        print_table(f"{name} ({len(posts)} posts)", score(detector, posts, args.misses))
        everything += posts
    if not args.no_speed:
        speed(real, everything)


if __name__ == "__main__":
    main()
