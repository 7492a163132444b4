"""The side-by-side table: docs/results/smaclite/<map>.json (SMAClite) against
docs/results/smaclite/ours.json (fsv-ts SMAC-lite). Plain Python 3, no dependencies.

  python3 scripts/smaclite/table.py [--dir docs/results/smaclite]

Win rate with its 95% Wilson interval; mean length +- 1.96 sd / sqrt(n); mean return +- the same;
agent-steps/s (wall clock, on a shared 2-core machine: see each file's load). A `*` marks a row
whose two win rates' Wilson intervals do not overlap, or whose length or return intervals do not.
"""

import argparse
import json
import math
import os

POLICIES = ["random", "focus-fire"]


def wilson(k, n, z=1.96):
    if n == 0:
        return (float("nan"),) * 2
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def ci(mean, sd, n):
    h = 1.96 * sd / math.sqrt(n)
    return mean - h, mean + h


def overlap(a, b):
    return a[0] <= b[1] and b[0] <= a[1]


def cell_win(p):
    lo, hi = wilson(p["wins"], p["episodes"])
    return f"{p['win_rate']:.3f} [{lo:.3f}, {hi:.3f}]"


def cell_mean(p, key):
    h = 1.96 * p["sd_" + key] / math.sqrt(p["episodes"])
    return f"{p['mean_' + key]:.1f} ± {h:.1f}" if key == "length" else f"{p['mean_' + key]:.2f} ± {h:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "docs", "results", "smaclite"))
    args = ap.parse_args()
    ours_path = os.path.join(args.dir, "ours.json")
    ours = json.load(open(ours_path))["maps"] if os.path.exists(ours_path) else {}
    # maps not at HEAD yet: the run on another engineer's uncommitted work tree (provisional)
    wip_path = os.path.join(args.dir, "ours-worktree.json")
    wip = json.load(open(wip_path))["maps"] if os.path.exists(wip_path) else {}
    rows = []
    order = ["2s3z", "3s_vs_5z", "MMM2", "10m_vs_11m", "3s5z", "MMM", "3s5z_vs_3s6z", "27m_vs_30m",
             "2s_vs_1sc", "corridor", "bane_vs_bane", "2c_vs_64zg"]
    print("| map | policy | side | n | win rate [95% Wilson] | time-outs | mean length ± 1.96·sd/√n | mean return ± 1.96·sd/√n | agent-steps/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for m in order:
        f = os.path.join(args.dir, f"{m}.json")
        sl = json.load(open(f)).get("policies", {}) if os.path.exists(f) else {}
        us = ours.get(m, {}).get("policies", {})
        ours_label = "ours"
        if not us and m in wip:
            us, ours_label = wip[m]["policies"], "ours (uncommitted WIP tree)"
        for pol in POLICIES:
            sides = [(ours_label, us.get(pol)), ("SMAClite", sl.get(pol))]
            flag = ""
            if sides[0][1] and sides[1][1]:
                a, b = sides[0][1], sides[1][1]
                differs = (not overlap(wilson(a["wins"], a["episodes"]), wilson(b["wins"], b["episodes"]))
                           or not overlap(ci(a["mean_length"], a["sd_length"], a["episodes"]), ci(b["mean_length"], b["sd_length"], b["episodes"]))
                           or not overlap(ci(a["mean_return"], a["sd_return"], a["episodes"]), ci(b["mean_return"], b["sd_return"], b["episodes"])))
                flag = " *" if differs else ""
            for side, p in sides:
                if p is None:
                    print(f"| {m} | {pol} | {side} | – | not measured | | | | |")
                    continue
                print(f"| {m}{flag} | {pol} | {side} | {p['episodes']} | {cell_win(p)} | {p['timeout_rate']:.3f} | "
                      f"{cell_mean(p, 'length')} | {cell_mean(p, 'return')} | {p['agent_steps_per_s']:,.0f} |")


if __name__ == "__main__":
    main()
