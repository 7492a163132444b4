"""SMAClite's side of heal-split-ours.ts (issue 18: MMM's focus-fire return residual,
docs/smac-lite.md (4)). medivac_end.py's episodes (side_by_side.py's focus fire and seeding, cut
where SMAC would end them, scored with S2's reward), with the reward taken apart per step: steps
paid for damage and kills, and steps where the enemy Medivac heals more than the allies deal
(net healing, which S2 pays as |Δ|); means over all episodes, wins and losses, and when the
net-healing steps come; last, what the living allies that can fight (not Medivacs) do in
net-healing steps and in all steps: how many the policy sends to attack (an enemy within shooting
range at the step's start), how many have a weapon that can fire within the step (cooldown at most
the step's 8 ticks) and how many fire in it (side_by_side.fired_in_step); and, by the number of
such allies alive, the share of steps in which none of them can fire and how many of them are
Marauders. Usage (SMAClite's venv): [SL_NORMAL_TIME=1] [SL_NO_ORCA=1] python heal_split.py MMM 60
"""
import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(60)

rows, heal_steps = [], []
acts = {"heal": np.zeros(5), "all": np.zeros(5)}  # steps, fighting allies alive, sent to attack, able to fire, fired
idle = collections.defaultdict(lambda: [0, 0, 0])  # fighting allies alive -> [steps, steps in which none can fire, Marauders summed]
for seed in range(episodes):
    env.reset(seed=seed)
    scale = env.max_reward / 20
    dead = set()
    t = 0
    damage = kills = heal = 0.0
    won = 0
    while True:
        before = sbs.enemy_health(env)
        actions = sbs.focus_fire_actions(env, env.get_avail_actions())
        fighters = {k: u for k, u in env.agents.items() if not sbs.is_medivac(u)}
        cooldown = {k: u.cooldown for k, u in fighters.items()}
        _o, _r, done, _t, _i = env.step(actions)
        fired = sum(1 for k, u in fighters.items() if sbs.fired_in_step(u, cooldown[k]))
        tally = np.array([1, len(fighters), sum(1 for k in fighters if actions[k] >= 6),
                          sum(1 for c in cooldown.values() if c <= sbs.STEP_TIME + 1e-9), fired])
        acts["all"] += tally
        idle[len(fighters)][0] += 1
        idle[len(fighters)][1] += int(tally[3] == 0)
        idle[len(fighters)][2] += sum(1 for u in fighters.values() if u.type.name.lower() == "marauder")
        t += 1
        delta, k_step = sbs.s2_step(before, env, dead)
        if delta + 10 * k_step >= 0:
            damage += delta
            kills += 10 * k_step
        else:
            heal -= delta + 10 * k_step
            heal_steps.append(t)
            acts["heal"] += tally
        end = sbs.smac_end(env)
        if end == "win":
            won = 1  # SMAC's win: the episode ends here
            break
        if end == "loss" or done or t >= limit:
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
for label, key in (("net-healing steps", "heal"), ("all steps", "all")):
    n, alive, attacking, ready, fired = acts[key]
    print("  %s: %d steps; per step %.2f fighting allies alive, %.2f sent to attack, %.2f able to fire within it, %.2f fired"
          % (label, n, alive / n, attacking / n, ready / n, fired / n))
print("  steps in which no fighting ally can fire, by fighting allies alive: %s"
      % ", ".join("%d: %d/%d (%.2f Marauders)" % (n, idle[n][1], idle[n][0], idle[n][2] / idle[n][0]) for n in sorted(idle) if n > 0))
