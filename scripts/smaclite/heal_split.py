"""SMAClite's side of heal-split-ours.ts (issue 18: MMM's focus-fire return residual,
docs/smac-lite.md (4)). medivac_end.py's episodes (side_by_side.py's focus fire and seeding, cut
where SMAC would end them, scored with S2's reward), with the reward taken apart per step: steps
paid for damage and kills, and steps where the enemy Medivac heals more than the allies deal
(net healing, which S2 pays as |Δ|); means over all episodes, wins and losses, and when the
net-healing steps come. Usage (SMAClite's venv): [SL_NORMAL_TIME=1] python heal_split.py MMM 60
"""
import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(60)


def medivac(u):
    return u.type.name.lower() == "medivac"


rows, heal_steps = [], []
for seed in range(episodes):
    env.reset(seed=seed)
    scale = env.max_reward / 20
    dead = set()
    t = 0
    damage = kills = heal = 0.0
    won = 0
    while True:
        before = {k: u.hp + u.shield for k, u in env.enemies.items()}
        _o, _r, done, _t, _i = env.step(sbs.focus_fire_actions(env, env.get_avail_actions()))
        t += 1
        delta, k_step = 0.0, 0
        for k, h in before.items():
            u = env.enemies.get(k)
            if u is None:
                delta += h
                if k not in dead:
                    k_step += 1
                    dead.add(k)
            else:
                delta += h - (u.hp + u.shield)
        if delta + 10 * k_step >= 0:
            damage += delta
            kills += 10 * k_step
        else:
            heal -= delta + 10 * k_step
            heal_steps.append(t)
        enemies = list(env.enemies.values())
        fighting = [u for u in env.agents.values() if not medivac(u)]
        if len(enemies) == 1 and medivac(enemies[0]) and fighting:
            won = 1  # SMAC's win: the episode ends here
            break
        if not fighting or done or t >= limit:
            won = int(done and len(env.enemies) == 0 and len(env.agents) > 0)
            break
    rows.append((won, t, damage / scale, kills / scale, heal / scale, won * 200 / scale))
a = np.array(rows)
print("%s focus fire SMAClite %s, %d episodes (S2's reward in parts, cut at SMAC's end)" % (name, switches.label(), episodes))
for label, m in (("all", a[:, 0] >= 0), ("wins", a[:, 0] == 1), ("losses", a[:, 0] == 0)):
    if m.sum() == 0:
        continue
    b = a[m].mean(axis=0)
    print("  %-6s n=%d len=%.1f return=%.2f damage=%.2f kills=%.2f net-heal=%.2f win-bonus=%.2f"
          % (label, m.sum(), b[1], b[2:].sum(), b[2], b[3], b[4], b[5]))
c = collections.Counter(t // 10 * 10 for t in heal_steps)
print("  net-healing steps: %.1f per episode; by step: %s"
      % (len(heal_steps) / episodes, ", ".join("%d-%d: %d" % (b, b + 9, c[b]) for b in sorted(c))))
