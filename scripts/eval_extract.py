"""``make eval``: score ``vigil extract`` against ``../shared/samples/*.gold.json``.

Prints one column per sample and an overall column: incident match, act /
perpetrator / article / outcome / citizenship / sources micro-P/R/F1, and
accuracy of city, region, country, month (date_start), victims, ages and
detention days.  It reports; it does not gate (exit 0).  The test suite holds the
floor on the overall score.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.extraction.evaluation import evaluate, format_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "samples")
    args = parser.parse_args(argv)
    if not args.samples.is_dir():
        print(f"no samples directory at {args.samples}", file=sys.stderr)
        return 0
    per, total = evaluate(args.samples)
    print(format_table(per, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
