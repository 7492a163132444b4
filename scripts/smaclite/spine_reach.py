"""Random play on SMAClite's 2s_vs_1sc with the Spine Crawler's radius as a switch (issue 18: why
SMAClite's random 2s_vs_1sc episodes run longer than ours; docs/smac-lite.md, (1)). Prints the
mean length, how often the nearer Stalker is within 8.5 of the Spine Crawler, and the damage the
Stalkers take per step, over seeds 0..N-1 (side_by_side.py's random policy and seeding).
Run-time switches:
  SL_NORMAL_TIME=1      every unit type's speed / 1.4 and weapon cooldown x 1.4 (variants/README.md);
  SL_SPINE_RADIUS=R     the Spine Crawler's radius (SMAClite's size 1 gives 0.5; SC2's stock unit,
                        and ours, 1.125). A unit attacks within its range plus both radii.
Usage (SMAClite's venv): SL_NORMAL_TIME=1 SL_SPINE_RADIUS=1.125 python spine_reach.py 60
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
from smaclite.env import SMACliteEnv  # noqa: E402
from smaclite.env.maps.map import get_standard_map  # noqa: E402
from smaclite.env.units.unit_type import StandardUnit  # noqa: E402

if os.environ.get("SL_NORMAL_TIME") == "1":
    for u in StandardUnit:
        u.value.speed /= 1.4
        u.value.cooldown *= 1.4
if os.environ.get("SL_SPINE_RADIUS"):
    StandardUnit.SPINE_CRAWLER.value.size = 2 * float(os.environ["SL_SPINE_RADIUS"])

episodes = int(sys.argv[1]) if len(sys.argv) > 1 else 60
stem, limit = sbs.MAPS["2s_vs_1sc"]
env = SMACliteEnv(map_info=get_standard_map(stem), use_cpp_rvo2=True, seed=0)
steps = near = 0
damage = 0.0
for seed in range(episodes):
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    spine = list(env.enemies.values())[0]
    t = 0
    while True:
        before = {k: u.hp + u.shield for k, u in env.agents.items()}
        _o, _r, done, _t, _info = env.step(sbs.random_actions(env, env.get_avail_actions(), rng))
        t += 1
        steps += 1
        d = min([float(np.hypot(*(u.pos - spine.pos))) for u in env.agents.values()] or [99.0])
        near += d <= 8.5
        damage += sum(h - (env.agents[k].hp + env.agents[k].shield if k in env.agents else 0) for k, h in before.items())
        if done or t >= limit:
            break
switches = {k: v for k, v in sorted(os.environ.items()) if k.startswith("SL_")} or "unpatched"
print("2s_vs_1sc random, %s, %d episodes: length %.1f, nearer Stalker within 8.5 of the Spine Crawler in %.3f of steps, damage to the Stalkers %.2f per step"
      % (switches, episodes, steps / episodes, near / steps, damage / steps))
