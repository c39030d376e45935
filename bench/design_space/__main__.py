"""python -m bench.design_space --section members -n 200 [--seed 0]"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.design_space import run, space_of, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--section", required=True)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    space = space_of(args.section)

    def progress(i, result):
        worst = min((v for k, v in result.metrics.items() if k != "caught"), default=1.0)
        print(f"  design {i + 1}/{args.n}: worst metric {worst:.3f}, caught {result.metrics.get('caught')}",
              flush=True)

    with tempfile.TemporaryDirectory(prefix="design-space-") as tmp:
        results = run(args.section, args.n, Path(tmp), args.seed, progress)
    print(table(results))
    silent = [r.design for r in results if not r.metrics.get("caught", 1.0)]
    print(f"\n{len(results)} designs of {args.section}; wrong with every check passing: {len(silent)}")
    for design in silent[:5]:
        print("  silent:", design)
    misses = {m: t for m, t in space.targets.items()
              if any(r.metrics.get(m, 1.0) < t for r in results)}
    print("targets:", ", ".join(f"{m} ≥ {t}" for m, t in space.targets.items()) or "none",
          "— every design meets them" if not misses else f"— below target: {sorted(misses)}")


if __name__ == "__main__":
    main()
