"""Two runs of ``bench.callbacks`` side by side, as a Markdown table for the README.

    python -m bench.compare BEFORE.txt AFTER.txt [--over 100]

Each file is what ``python -m bench.callbacks`` printed. A callback is listed when either run
had it over ``--over`` ms (first load, repeated p95 or max); the last lines compare the
"all requests" summaries. Callback labels are the ones the bench prints (cut at 44 characters).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

SUMMARY = re.compile(r"^all (\d+) requests .*median ([\d.]+) ms, p95 ([\d.]+) ms, max ([\d.]+) ms")
ROLES = ("reviewer", "inspector", "cadre", "reporter", "admin", "security", "auditor")


@dataclass(frozen=True)
class Timing:
    first: float
    p50: float
    p95: float
    max: float
    cpu_first: float
    cpu_p50: float
    cache: str

    def worst(self) -> float:
        return max(self.first, self.p95, self.max)


def parse_line(line: str) -> tuple[tuple[str, str, str], Timing] | None:
    """One row of the bench's table: role, page, callback label, six numbers, cache."""
    tokens = line.split()
    if len(tokens) < 10 or not tokens[0].startswith(ROLES):  # reviewer-d1 too
        return None
    if tokens[-1] == "*":
        tokens = tokens[:-1]
    try:
        numbers = [float(t) for t in tokens[-7:-1]]
    except ValueError:
        return None
    label = " ".join(tokens[2:-7])
    return (tokens[0], tokens[1], label), Timing(*numbers, cache=tokens[-1])


def read_run(path: Path) -> tuple[dict[tuple[str, str, str], Timing], tuple[float, ...] | None]:
    rows: dict[tuple[str, str, str], Timing] = {}
    summary = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := SUMMARY.match(line):
            summary = tuple(float(g) for g in match.groups())
        elif parsed := parse_line(line):
            rows[parsed[0]] = parsed[1]
    return rows, summary


def _cell(timing: Timing | None) -> str:
    if timing is None:
        return "—"
    return (f"{timing.first:,.0f} / {timing.p50:,.0f} ({timing.cpu_first:,.0f} / "
            f"{timing.cpu_p50:,.0f}) {timing.cache}")


def table(before: dict, after: dict, over: float) -> list[str]:
    keys = [k for k in dict.fromkeys([*before, *after])
            if max((run[k].worst() for run in (before, after) if k in run), default=0) > over]
    lines = ["| role | page | callback | before: first / p50 wall ms (CPU first / p50), cache "
             "| after |", "|---|---|---|---|---|"]
    for role, page, label in keys:
        lines.append(f"| {role} | `{page}` | {label} | {_cell(before.get((role, page, label)))} "
                     f"| {_cell(after.get((role, page, label)))} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--over", type=float, default=100.0)
    args = parser.parse_args(argv)
    (before, before_all), (after, after_all) = read_run(args.before), read_run(args.after)
    print("\n".join(table(before, after, args.over)))
    for name, summary in (("before", before_all), ("after", after_all)):
        if summary:
            count, median, p95, most = summary
            print(f"\n{name}: {count:.0f} requests, median {median:,.1f} ms, p95 {p95:,.1f} ms, "
                  f"max {most:,.1f} ms")


if __name__ == "__main__":
    main()
