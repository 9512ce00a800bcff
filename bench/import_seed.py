"""Time the import of the WTSA-20 seed text. Prints figures; asserts nothing.

    .venv/bin/python bench/import_seed.py [--repeat 5] [--scales 1,5,20]

Uses a throwaway SQLite database (or DATABASE_URL if set). Times parsing
alone, a first import into an empty database, and a re-import (which must
write nothing), and prints the peak memory of parsing.

Then the same at 1×, 5× and 20× the seed (its resolutions repeated under
other numbers): parsing, the preview (a plan made by reading) and the import,
each with its ratio to parsing alone and its time per seed. The import is
linear when the ratios and the time per seed stay flat as the scale grows.
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wtsa_tracker.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from actions.importing import import_plan, resolution_import  # noqa: E402
from actions.models import Action  # noqa: E402
from resolutions.models import Assembly, Resolution  # noqa: E402
from resolutions.parsing import parse_text  # noqa: E402

SEED = ROOT / "fixtures" / "wtsa20_itud_background.txt"


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


HEADING = re.compile(r"(?m)^\tRESOLUTION (\d+)$")


def scaled(text: str, scale: int, base: int) -> str:
    """The seed's resolution texts ``scale`` times, each copy under its own numbers."""
    body = text[HEADING.search(text).start() :]
    copies = [
        HEADING.sub(
            lambda match, offset=base + copy * 200: f"\tRESOLUTION {offset + int(match[1])}",
            body,
        )
        for copy in range(scale)
    ]
    return "\n".join(copies)


def scales_report(text: str, scales: list[int]) -> None:
    print()
    print("scale   chars      parse ms   preview ms (×parse)   import ms (×parse)   import ms/seed")
    for number, scale in enumerate(scales, start=1):
        source = scaled(text, scale, base=number * 20_000)
        assembly = Assembly.objects.create(
            code=f"BENCH-{scale}x-{number}",
            name="Benchmark",
            place="Nowhere",
            start_date=datetime.date(1900 + number, 1, 1),
            end_date=datetime.date(1900 + number, 1, 2),
        )
        parse, document = timed(lambda source=source: parse_text(source))
        preview, _ = timed(
            lambda document=document, assembly=assembly: import_plan(
                document=document, assembly=assembly
            )
        )
        total, _ = timed(
            lambda source=source, assembly=assembly: resolution_import(
                document=parse_text(source), assembly=assembly
            )
        )
        print(
            f"{scale:>4}×  {len(source):>9,}  {parse * 1000:>9.1f}"
            f"  {preview * 1000:>10.1f} ({preview / parse:>5.1f}×)"
            f"  {total * 1000:>10.1f} ({total / parse:>5.1f}×)"
            f"  {total * 1000 / scale:>12.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scales", default="1,5,20", help="Multiples of the seed to time.")
    options = parser.parse_args()
    repeat = options.repeat
    text = SEED.read_text(encoding="utf-8")
    call_command("migrate", verbosity=0)
    call_command("loaddata", "assemblies", "bodies", verbosity=0)
    assembly = Assembly.objects.get(code="WTSA-20")

    parse_times = [timed(lambda: parse_text(text))[0] for _ in range(repeat)]
    tracemalloc.start()
    document = parse_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    first, _ = timed(lambda: resolution_import(document=document, assembly=assembly))
    again = [
        timed(lambda: resolution_import(document=parse_text(text), assembly=assembly))[0]
        for _ in range(repeat)
    ]
    print(f"seed: {SEED.name}, {len(text):,} characters")
    print(f"imported: {Resolution.objects.count()} resolutions, {Action.objects.count()} actions")
    print(f"parse only:        median {statistics.median(parse_times) * 1000:8.1f} ms")
    print(f"parse peak memory: {peak / 1024:8.0f} KiB")
    print(f"first import:             {first * 1000:8.1f} ms")
    print(f"re-import (no-op): median {statistics.median(again) * 1000:8.1f} ms")
    scales_report(text, [int(scale) for scale in options.scales.split(",")])


if __name__ == "__main__":
    main()
