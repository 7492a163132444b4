"""Random play on SMAClite: when the fight starts and how it goes (issue 18, the random-play
lengths still open in docs/smac-lite.md (1): 27m_vs_30m and 2s_vs_1sc). Over seeds 0..N-1
(side_by_side.py's random policy and seeding) it prints the mean length; the first step an ally
and an enemy lose hp + shield (contact); the mean step of the k-th allied death for k = 1, n/4,
n/2, 3n/4, n; enemies killed per episode; and from contact on, the hp + shield each side loses
per step and the attack actions the agents choose per step.
Run-time switches (`switches.py`): SL_NORMAL_TIME, SL_NO_ORCA, SL_SPINE_RADIUS, SL_TERRAIN.
Usage (SMAClite's venv): SL_NORMAL_TIME=1 python timeline.py 27m_vs_30m 40
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(40)
n = env.n_agents
ks = sorted({1, max(1, n // 4), max(1, n // 2), max(1, 3 * n // 4), n})
lengths, contact_a, contact_e, killed = [], [], [], []
kth = {k: [] for k in ks}
fight_steps = fight_ally_loss = fight_enemy_loss = fight_attacks = 0


def health(units):
    return {k: u.hp + u.shield for k, u in units.items()}


for seed in range(episodes):
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    t = 0
    ca = ce = None
    dead = 0
    while True:
        ha, he = health(env.agents), health(env.enemies)
        acts = sbs.random_actions(env, env.get_avail_actions(), rng)
        _o, _r, done, _t, _info = env.step(acts)
        t += 1
        la = sum(h - (env.agents[k].hp + env.agents[k].shield if k in env.agents else 0) for k, h in ha.items())
        le = sum(h - (env.enemies[k].hp + env.enemies[k].shield if k in env.enemies else 0) for k, h in he.items())
        if ca is None and la > 0:
            ca = t
        if ce is None and le > 0:
            ce = t
        if ca is not None or ce is not None:
            fight_steps += 1
            fight_ally_loss += la
            fight_enemy_loss += le
            fight_attacks += sum(1 for a in acts if a >= 6)
        now_dead = n - len(env.agents)
        for d in range(dead + 1, now_dead + 1):
            if d in kth:
                kth[d].append(t)
        dead = now_dead
        if done or t >= limit:
            break
    lengths.append(t)
    contact_a.append(ca if ca is not None else t)
    contact_e.append(ce if ce is not None else t)
    killed.append(env.n_enemies - len(env.enemies))
print("%s random SMAClite %s, %d episodes: length %.1f" % (name, switches.label(), episodes, np.mean(lengths)))
print("  contact: allies first lose health at step %.1f, enemies at %.1f" % (np.mean(contact_a), np.mean(contact_e)))
print("  k-th allied death, mean step (episodes where it happens): %s"
      % ", ".join("%d: %.1f (%d)" % (k, np.mean(v), len(v)) for k, v in kth.items() if v))
print("  enemies killed per episode %.2f; from contact on, per step: allies lose %.2f, enemies lose %.2f, agents choose %.2f attacks"
      % (np.mean(killed), fight_ally_loss / fight_steps, fight_enemy_loss / fight_steps, fight_attacks / fight_steps))
