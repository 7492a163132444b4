"""Focus fire on SMAClite: when each side's units die (issue 18, the 3s5z focus-fire gap in
docs/smac-lite.md). Prints, over seeds 0..N-1, per side and unit type the deaths per episode and
their mean step; the step the last allied Zealot dies; and of the endgame after it (the allied
Stalkers alone) its length, the damage the Stalkers take per step and the enemies alive as it
starts. The policy and maps are side_by_side.py's; `switches.py` (SL_NORMAL_TIME,
SL_NO_ORCA) re-applies two of the variants/ patches at run time.
Usage (SMAClite's venv): SL_NORMAL_TIME=1 [SL_NO_ORCA=1] python deaths.py 3s5z 40
"""
import os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs
import switches

name, episodes, limit, env = switches.env_from_argv(40)
deaths = {}  # (side, type) -> steps of death, over all episodes
lengths, last_zealot = [], []
end_steps = end_damage = end_shield = 0
end_enemies = {}
z_steps = z_damage = 0  # the Zealot phase: the steps before the endgame
z_attackers = {}
for seed in range(episodes):
    env.reset(seed=seed)
    kinds = {("ally", k): u.type.name.lower() for k, u in env.agents.items()}
    kinds.update({("enemy", k): u.type.name.lower() for k, u in env.enemies.items()})
    alive = set(kinds)
    endgame = False
    steps = 0
    while True:
        stalkers = {k: (u.hp, u.shield) for k, u in env.agents.items() if kinds[("ally", k)] == "stalker"}
        zealots = {k: (u.hp, u.shield) for k, u in env.agents.items() if kinds[("ally", k)] == "zealot"}
        _o, r, done, _t, info = env.step(sbs.focus_fire_actions(env, env.get_avail_actions()))
        steps += 1
        for key in list(alive):
            side, k = key
            if k not in (env.agents if side == "ally" else env.enemies):
                deaths.setdefault((side, kinds[key]), []).append(steps); alive.discard(key)
        if not endgame:
            z_steps += 1
            for k, (h, sh) in zealots.items():
                u = env.agents.get(k)
                z_damage += (h - (u.hp if u is not None else 0)) + (sh - (u.shield if u is not None else 0))
            for e in env.enemies.values():
                t = e.target
                if t is not None and t.hp > 0 and any(t is a for k, a in env.agents.items() if kinds[("ally", k)] == "zealot"):
                    z_attackers[e.type.name.lower()] = z_attackers.get(e.type.name.lower(), 0) + 1
        # The endgame: from the step the last allied Zealot died, the allied Stalkers alone.
        if not any(kinds[("ally", k)] == "zealot" for k in env.agents):
            if not endgame:
                endgame = True
                last_zealot.append(steps)
                for u in env.enemies.values():
                    end_enemies[u.type.name.lower()] = end_enemies.get(u.type.name.lower(), 0) + 1
            end_steps += 1
            for k, (h, sh) in stalkers.items():
                u = env.agents.get(k)
                h2, sh2 = (u.hp, u.shield) if u is not None else (0, 0)
                end_damage += (h - h2) + (sh - sh2); end_shield += sh - sh2
        if done or steps >= limit:
            break
    lengths.append(steps)
print(name, switches.label(), "%d episodes, length %.1f" % (episodes, np.mean(lengths)))
for (side, kind), v in sorted(deaths.items()):
    print("  %s %s: %.2f die per episode, at step %.1f on average" % (side, kind, len(v) / episodes, np.mean(v)))
print("  zealot phase: %.1f steps, damage to the allied zealots %.2f per step; enemies targeting an allied zealot at a step's end: %s"
      % (z_steps / episodes, z_damage / z_steps, {k: round(v / z_steps, 2) for k, v in sorted(z_attackers.items())}))
if last_zealot:
    n = len(last_zealot)
    print("  last allied zealot dies at step %.1f; endgame %.1f steps, damage to the stalkers %.2f per step (%.2f of it shields); enemies alive as it starts: %s"
          % (np.mean(last_zealot), end_steps / n, end_damage / max(1, end_steps), end_shield / max(1e-9, end_damage), {k: round(v / n, 2) for k, v in sorted(end_enemies.items())}))
