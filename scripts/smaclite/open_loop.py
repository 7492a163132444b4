"""Our reference episode's joint actions replayed open loop on SMAClite (issue 19: MMM2's gap).

`policy-export.ts` records one greedy episode on our map with every unit's hit points and
position after each step. This script starts SMAClite's map of the same name (seed 0: its acting
order), translates each step's actions into SMAClite's numbering (`play_policy.Translator`), and
plays them whatever SMAClite's state: an action SMAClite does not allow there (an attack on a
target that its positions put out of range) becomes a stop, and is counted. After each step it
prints both sides' summed hit points in both simulators and the largest distance between a
unit's position in ours and in SMAClite. Same starts, same commands: where the columns part is
where the two simulators' mechanics part. Switches of `switches.py` apply (SL_NORMAL_TIME=1:
SMAClite on our time base).

Usage (SMAClite's venv): python open_loop.py POLICY.json [--steps 30] [--units]
(`--units`: each unit's position and hit points in both, per step.)
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import play_policy as pp  # noqa: E402
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402
from smaclite.env import SMACliteEnv  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("policy")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--units", action="store_true")
    args = ap.parse_args()
    with open(args.policy) as f:
        pol = json.load(f)
    ref = pol["reference"]["steps"]
    if "after" not in ref[0]:
        sys.exit("%s has no unit trace (written by an older policy-export.ts)" % args.policy)
    switches.apply()
    stem, _limit = sbs.MAPS[pol["map"]]
    env = SMACliteEnv(map_info=switches.map_info(stem), use_cpp_rvo2=True, seed=0)
    env.reset(seed=0)
    shape = pol["shape"]
    N, E = shape["agents"], shape["enemies"]
    tr = pp.Translator(env, pp.match(pol["allies"], env.agents), pp.match(pol["enemies"], env.enemies), pol)
    types = [u["type"] for u in pol["allies"]] + [u["type"] for u in pol["enemies"]]
    print("%s, its reference episode (start %d, %d steps) open loop on SMAClite %s %s"
          % (pol["run"], pol["reference"]["start"], len(ref), pol["map"], switches.label()))
    print("step | stops for unavailable | allies' hp: ours, SMAClite | enemies' hp: ours, SMAClite | largest position gap")
    for t, step in enumerate(ref[:args.steps]):
        avail = tr.avail()
        ours = [a if avail[i][a] else 1 for i, a in enumerate(step["actions"])]  # 1: stop
        stops = sum(1 for i, a in enumerate(step["actions"]) if tr.ap[i] in env.agents and not avail[i][a])
        env.step(tr.joint(ours))
        units = [env.agents.get(k) for k in tr.ap] + [env.enemies.get(k) for k in tr.ep]
        hp = np.array([u.hp if u else 0.0 for u in units])
        after = step["after"]
        oh = np.array(after["hp"])
        gaps = [float(np.hypot(u.pos[0] - after["x"][k], u.pos[1] - after["y"][k])) for k, u in enumerate(units) if u and oh[k] > 0]
        print("%4d | %d | %7.1f %7.1f | %7.1f %7.1f | %.2f"
              % (t + 1, stops, oh[:N].sum(), hp[:N].sum(), oh[N:].sum(), hp[N:].sum(), max(gaps) if gaps else 0.0))
        if args.units:
            for k, u in enumerate(units):
                print("       %2d %-8s ours (%6.2f, %6.2f) hp %5.1f | SMAClite %s"
                      % (k, types[k], after["x"][k], after["y"][k], oh[k],
                         "(%6.2f, %6.2f) hp %5.1f" % (u.pos[0], u.pos[1], u.hp) if u else "dead"))
        if not env.agents or not env.enemies:
            break


if __name__ == "__main__":
    main()
