"""python -m bench.design_space --section members -n 200 [--seed 0] [--record FILE] [--table FILE]

`--record FILE`: one JSON line per design as it is scored (design, metrics), so a long
run stopped early keeps what it measured; `--table FILE` prints the table of such a file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.design_space import Result, run, space_of, table


def report(section: str, results: list[Result]) -> None:
    space = space_of(section)
    print(table(results))
    silent = [r.design for r in results if not r.metrics.get("caught", 1.0)]
    print(f"\n{len(results)} designs of {section}; wrong with every check passing: {len(silent)}")
    for design in silent[:5]:
        print("  silent:", design)
    misses = {m: t for m, t in space.targets.items()
              if any(r.metrics.get(m, 1.0) < t for r in results)}
    print("targets:", ", ".join(f"{m} ≥ {t}" for m, t in space.targets.items()) or "none",
          "— every design meets them" if not misses else f"— below target: {sorted(misses)}")
    for r in results:
        if any(r.metrics.get(m, 1.0) < t for m, t in space.targets.items()):
            print("  below:", r.metrics, r.design)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--section", required=True)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--record", type=Path, help="append one JSON line per design scored")
    parser.add_argument("--table", type=Path, help="print the table of a --record file and stop")
    args = parser.parse_args()
    if args.table:
        lines = args.table.read_text(encoding="utf-8").splitlines()
        report(args.section, [Result(**json.loads(line)) for line in lines if line.strip()])
        return

    def progress(i, result):
        worst = min((v for k, v in result.metrics.items() if k != "caught"), default=1.0)
        print(f"  design {i + 1}/{args.n}: worst metric {worst:.3f}, caught {result.metrics.get('caught')}",
              flush=True)
        if args.record:
            with open(args.record, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"design": result.design, "metrics": result.metrics}, ensure_ascii=False) + "\n")

    with tempfile.TemporaryDirectory(prefix="design-space-") as tmp:
        results = run(args.section, args.n, Path(tmp), args.seed, progress)
    report(args.section, results)


if __name__ == "__main__":
    main()
