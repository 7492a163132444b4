"""The kiting script of kite.ts, on SMAClite (issue 19: is 3s_vs_5z easier to win there?).

Same rule, per living agent: weapon ready within the first half of the step (cooldown ≤ 4 loops,
SMAClite's seconds × 16) and an attack available → the focus-fire target; else nearest living
enemy closer than `safe` → the available move whose end point is on the map and farthest from it
(ties N, S, E, W); else focus fire's choice (attack and wait, or approach). Seeds 0..N-1 to env.reset.

  python kite.py [--map 3s_vs_5z] [--episodes 100] [--safe 2,3,4,5]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import MAPS, MOVE_AMOUNT, N_NON_ATTACK, focus_fire_actions, nearest_enemy  # noqa: E402
from smaclite.env import SMACliteEnv  # noqa: E402
from smaclite.env.maps.map import get_standard_map  # noqa: E402
from smaclite.env.util.direction import Direction  # noqa: E402

TICKS_PER_SECOND = 16


def kite_actions(env, avail, safe):
    out = focus_fire_actions(env, avail)
    for a in range(env.n_agents):
        unit = env.agents.get(a)
        if unit is None:
            continue
        if out[a] >= N_NON_ATTACK and unit.cooldown * TICKS_PER_SECOND <= 4 + 1e-9:
            continue
        nearest = nearest_enemy(env, unit)
        if nearest is None or np.sqrt(float(((nearest.pos - unit.pos) ** 2).sum())) >= safe:
            continue
        best, best_d2 = 1, -1.0
        for d in Direction:
            if not avail[a][2 + d.value]:
                continue
            p = unit.pos + d.dx_dy * MOVE_AMOUNT
            if p[0] < 0 or p[1] < 0 or p[0] >= env.map_info.width or p[1] >= env.map_info.height:
                continue  # as kite.ts: no move whose end point is off the map
            d2 = float(((nearest.pos - p) ** 2).sum())
            if d2 > best_d2:
                best, best_d2 = 2 + d.value, d2
        out[a] = best
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--map", default="3s_vs_5z")
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--safe", default="2,3,4,5")
    args = ap.parse_args()
    stem, limit = MAPS[args.map]
    env = SMACliteEnv(map_info=get_standard_map(stem), use_cpp_rvo2=True, seed=0)
    for safe in [float(x) for x in args.safe.split(",")]:
        wins = timeouts = length = killed = 0
        ret = 0.0
        for seed in range(args.episodes):
            env.reset(seed=seed)
            steps = 0
            while True:
                avail = env.get_avail_actions()
                _obs, r, done, _trunc, info = env.step(kite_actions(env, avail, safe))
                steps += 1
                ret += r
                if done or steps >= limit:
                    break
            wins += 1 if done and info["battle_won"] else 0
            timeouts += 0 if done else 1
            length += steps
            killed += env.n_enemies - len(env.enemies)
        print(json.dumps({"side": "SMAClite", "variant": {k: v for k, v in sorted(os.environ.items()) if k.startswith("SL_")} or "unpatched",
                          "map": args.map, "safe": safe, "episodes": args.episodes, "wins": wins, "timeouts": timeouts,
                          "meanLength": length / args.episodes, "meanReturn": ret / args.episodes,
                          "enemiesKilledPerEpisode": killed / args.episodes}), flush=True)


if __name__ == "__main__":
    main()
