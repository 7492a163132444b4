"""Focus fire on SMAClite's MMM and MMM2, scored under SMAC's end rule (issue 18: MMM's focus-fire
return, docs/smac-lite.md (4)). SMAC (S2 `update_units`, `only_medivac_left`) ends an episode as a
win once the only enemy left is a Medivac, and pays the win bonus there; SMAClite plays on until
the Medivac is shot down and pays its hp and kill too. Over seeds 0..N-1 (side_by_side.py's focus
fire and seeding, SMAC's episode limit) it prints SMAClite's own wins and mean return, then wins and
mean return with each episode cut at SMAC's end point (its bonus added there if SMAC calls it a win),
and what SMAClite paid after that point per such episode; last, the same cut trajectories scored
with S2's reward (reward_only_positive: each step |Δ enemy hp + shield + 10 per enemy dead at the
step's end|, the win bonus 200, scaled by the same maximum), which pays healing as S2 does and
sees no kill of a unit that a Medivac revived within the step.
Usage (SMAClite's venv): python medivac_end.py MMM 60
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(60)

full, cut, s2 = [], [], []
wins_sl = wins_smac = 0
for seed in range(episodes):
    env.reset(seed=seed)
    bonus = 200 / (env.max_reward / 20)
    scale = env.max_reward / 20
    ret = 0.0
    ret_cut = None
    ret_s2 = 0.0
    dead = set()
    t = 0
    while True:
        before = sbs.enemy_health(env)
        _o, r, done, _t, _i = env.step(sbs.focus_fire_actions(env, env.get_avail_actions()))
        t += 1
        ret += r
        if ret_cut is None:
            delta, kills = sbs.s2_step(before, env, dead)
            ret_s2 += abs(delta + 10 * kills) / scale
            end = sbs.smac_end(env)
            if end == "win":
                ret_cut = ret + bonus  # SMAC's win: the episode ends here with the bonus
                ret_s2 += bonus
                wins_smac += 1
            elif end == "loss" or done or t >= limit:
                ret_cut = ret  # SMAC ends it here too: a loss, a time-out, or SMAClite's own end
                if done and len(env.enemies) == 0 and len(env.agents) > 0:
                    wins_smac += 1
                    ret_s2 += bonus
        if done or t >= limit:
            break
    won = done and len(env.enemies) == 0 and len(env.agents) > 0
    wins_sl += int(won)
    full.append(ret)
    cut.append(ret_cut)
    s2.append(ret_s2)
full, cut, s2 = np.array(full), np.array(cut), np.array(s2)
print("%s focus fire SMAClite %s, %d episodes" % (name, switches.label(), episodes))
print("  SMAClite's rule: wins %d, mean return %.2f" % (wins_sl, full.mean()))
print("  SMAC's rule (cut where only the enemy Medivac is left): wins %d, mean return %.2f; SMAClite paid %.2f per episode after that point"
      % (wins_smac, cut.mean(), (full - cut).mean()))
print("  the cut episodes under S2's reward: mean return %.2f +- %.2f (1.96 sd / sqrt n)" % (s2.mean(), 1.96 * s2.std(ddof=1) / np.sqrt(len(s2))))
