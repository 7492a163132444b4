"""Count SMAClite wins in which every ally died too (SMAC scores those as no win). Usage, in the
scratch venv of scripts/smaclite/README.md: python mutual_wins.py MAP EPISODES ff|random
(the episodes of side_by_side.py: env.reset(seed=s), random play from default_rng(s)).
Run-time switches (`switches.py`): SL_NORMAL_TIME, SL_NO_ORCA, SL_BANE_SC2, SL_TERRAIN."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs
import switches
import numpy as np
POL = sys.argv[3]
m, N, _limit, env = switches.env_from_argv(200)
wins = both = 0
for seed in range(N):
    env.reset(seed=seed); rng = np.random.default_rng(seed)
    for t in range(400):
        av = env.get_avail_actions(); _o, r, done, _tr, info = env.step(sbs.focus_fire_actions(env, av) if POL == "ff" else sbs.random_actions(env, av, rng))
        if done: break
    if info.get("battle_won"):
        wins += 1
        if len(env.agents) == 0: both += 1
print(m, switches.label(), "episodes", N, "wins", wins, "of which every ally was dead too", both)
