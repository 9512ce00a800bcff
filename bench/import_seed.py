"""Time the import of the WTSA-20 seed text. Prints figures; asserts nothing.

    .venv/bin/python bench/import_seed.py [--repeat 5] [--scales 1,5,20]

Uses a throwaway SQLite database (or DATABASE_URL if set). Times parsing
alone, a first import into an empty database, and a re-import (which must
write nothing), and prints the peak memory of parsing. First, at each scale
(the seed's detailed text repeated with renumbered resolutions), it times
parsing the text, parsing it as a Word file and a dry-run import into the
empty database, each with its ratio to parsing the seed once: linear growth
keeps each column's ratios in proportion to the scale.
"""

import argparse
import io
import os
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

from actions.importing import resolution_import  # noqa: E402
from actions.models import Action  # noqa: E402
from resolutions.models import Assembly, Resolution  # noqa: E402
from resolutions.parsing import parse_docx, parse_text  # noqa: E402
from tests.builders import seed_text, word_file  # noqa: E402

SEED = ROOT / "fixtures" / "wtsa20_itud_background.txt"


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scales", default="1,5,20", help="comma-separated (default 1,5,20)")
    arguments = parser.parse_args()
    repeat = arguments.repeat
    text = SEED.read_text(encoding="utf-8")
    call_command("migrate", verbosity=0)
    call_command("loaddata", "assemblies", "bodies", verbosity=0)
    assembly = Assembly.objects.get(code="WTSA-20")
    # First, while the database is empty, so that every preview creates everything.
    scales(assembly, [int(scale) for scale in arguments.scales.split(",")])

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


def scales(assembly: Assembly, factors: list[int]) -> None:
    """Parse and preview the seed at several scales; print times and their ratio to 1x."""
    print(f"{'scale':>5} {'chars':>10} {'parse text':>12} {'parse .docx':>12} {'preview':>12}")
    unit = None
    for factor in factors:
        text = seed_text(factor)
        data = word_file(text.split("\n"))
        parse, document = timed(lambda text=text: parse_text(text))
        word, _ = timed(lambda data=data: parse_docx(io.BytesIO(data)))
        preview, _ = timed(
            lambda document=document: resolution_import(
                document=document, assembly=assembly, dry_run=True
            )
        )
        unit = unit or parse
        cells = " ".join(
            f"{seconds:6.2f}s {seconds / unit:4.0f}x" for seconds in (parse, word, preview)
        )
        print(f"{factor:>4}x {len(text):>10,} {cells}")
    print()


if __name__ == "__main__":
    main()
