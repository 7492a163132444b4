"""Random play on SMAClite's 2s_vs_1sc with the Spine Crawler's radius as a switch (issue 18: why
SMAClite's random 2s_vs_1sc episodes run longer than ours; docs/smac-lite.md, (1)). Prints the
mean length, how often the nearer Stalker is within 8.5 of the Spine Crawler, and the damage the
Stalkers take per step, over seeds 0..N-1 (side_by_side.py's random policy and seeding).
Run-time switches (`switches.py`): SL_NORMAL_TIME and SL_SPINE_RADIUS.
Usage (SMAClite's venv): SL_NORMAL_TIME=1 SL_SPINE_RADIUS=1.125 python spine_reach.py 60
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
from smaclite.env import SMACliteEnv  # noqa: E402
from smaclite.env.maps.map import get_standard_map  # noqa: E402
import switches  # noqa: E402

switches.apply()

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
print("2s_vs_1sc random, %s, %d episodes: length %.1f, nearer Stalker within 8.5 of the Spine Crawler in %.3f of steps, damage to the Stalkers %.2f per step"
      % (switches.label(), episodes, steps / episodes, near / steps, damage / steps))
