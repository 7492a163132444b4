"""Whom the enemies shoot in MMM while the allies still have Marines and Marauders (issue 18: the
MMM 0.9 in docs/smac-lite.md (4); marauder-shots-ours.ts is our side). side_by_side.py's focus
fire and seeding, cut where SMAC ends the episode. Over the steps in which both types are alive it
prints the enemy shots (a non-Medivac enemy whose cooldown was reset during the step, by its
target's type at the step's end), the share of enemies whose nearest fighting ally (surface
distance at the step's start) is a Marauder, and each type's mean distance from the enemies'
centroid. Usage (SMAClite's venv): [SL_NORMAL_TIME=1] [SL_NO_ORCA=1] python marauder_shots.py MMM 60
"""
import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(60)


def kind(u):
    return u.type.name.lower()


shots = collections.Counter()
nearest = collections.Counter()
dist = collections.defaultdict(list)
steps = 0
for seed in range(episodes):
    env.reset(seed=seed)
    t = 0
    while True:
        actions = sbs.focus_fire_actions(env, env.get_avail_actions())
        fighters = [u for u in env.agents.values() if not sbs.is_medivac(u)]
        both = {"marine", "marauder"} <= {kind(u) for u in fighters}
        cooldown = {k: u.cooldown for k, u in env.enemies.items()}
        if both:
            steps += 1
            centroid = np.mean([u.pos for u in env.enemies.values()], axis=0)
            for u in fighters:
                dist[kind(u)].append(float(np.linalg.norm(u.pos - centroid)))
            for e in env.enemies.values():
                if not sbs.is_medivac(e):
                    nearest[kind(min(fighters, key=lambda u: float(np.linalg.norm(u.pos - e.pos)) - u.radius))] += 1
        _o, _r, done, _t, _i = env.step(actions)
        t += 1
        if both:
            for k, e in env.enemies.items():
                if not sbs.is_medivac(e) and e.target is not None and sbs.fired_in_step(e, cooldown[k]):
                    shots[kind(e.target)] += 1
        if sbs.smac_end(env) or done or t >= limit:
            break
print("%s focus fire SMAClite %s, %d episodes: %d steps with Marines and Marauders alive" % (name, switches.label(), episodes, steps))
print("  enemy shots at Marauders %d of %d (%.2f); an enemy's nearest fighting ally is a Marauder %.2f;"
      " from the enemies' centroid Marines %.2f, Marauders %.2f"
      % (shots["marauder"], sum(shots.values()), shots["marauder"] / sum(shots.values()),
         nearest["marauder"] / sum(nearest.values()), np.mean(dist["marine"]), np.mean(dist["marauder"])))
