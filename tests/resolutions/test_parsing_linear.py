"""Parsing time grows linearly with the text.

Timings on a shared machine vary, so each size is timed several times
(interleaved) and the best kept; the bounds sit between linear growth and
quadratic growth, far from both.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from resolutions.parsing import parse_text
from tests.builders import seed_text


def best_times(*jobs: Callable[[], object], rounds: int = 3) -> list[float]:
    best = [float("inf")] * len(jobs)
    for _ in range(rounds):
        for index, job in enumerate(jobs):
            start = time.perf_counter()
            job()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def test_ten_times_the_seed_parses_in_about_ten_times_the_time():
    once, ten = seed_text(1), seed_text(10)
    assert len(parse_text(ten).resolutions) == 10 * len(parse_text(once).resolutions)
    small, large = best_times(lambda: parse_text(once), lambda: parse_text(ten))
    # Linear: 10; quadratic: 100.
    assert large / small < 20


def long_item(lines: int) -> str:
    head = ["RESOLUTION 1", "Title", "instructs", "the Director of TSB", "1\tto support BDT"]
    line = "in support of BDT and with the assistance of BR, to report to Council on ITU-T work"
    return "\n".join(head + [line] * lines)


def test_one_very_long_item_parses_in_linear_time():
    # A wrapped item of thousands of lines once took minutes: every line was
    # joined to the whole item, and every body or "report" searched all the
    # text before or after it.
    # The longest an item may be: 1,000 lines of 84 characters (the cap is 100,000).
    short, long = long_item(250), long_item(1000)
    (item,) = parse_text(long).resolutions[0].parts[0].items
    assert item.directive.collaborators == ("BDT", "BR")
    assert item.directive.reports_to == ("council",)
    assert len(item.text) > 1000 * 80
    small, large = best_times(lambda: parse_text(short), lambda: parse_text(long), rounds=2)
    # Linear: 4; quadratic: 16.
    assert large / small < 8
