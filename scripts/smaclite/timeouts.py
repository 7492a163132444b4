"""What SMAClite's focus-fire time-outs are (issue 18: MMM's time-outs, docs/smac-lite.md (3)).
side_by_side.py's focus fire and seeding over seeds 0..N-1; for each episode that reaches SMAC's
episode limit it prints the unit types left on each side and where SMAC's end rule (S2
`update_units`, `only_medivac_left`, side_by_side.smac_end) would have ended it, with what outcome.
Usage (SMAClite's venv): python timeouts.py MMM 174
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402

name, episodes, limit, env = switches.env_from_argv(174)
ends = collections.Counter()
for seed in range(episodes):
    env.reset(seed=seed)
    t = 0
    smac = None
    while True:
        _o, _r, done, _t, _i = env.step(sbs.focus_fire_actions(env, env.get_avail_actions()))
        t += 1
        end = sbs.smac_end(env) if smac is None else None
        if end is not None:
            smac = (end, t)
        if done or t >= limit:
            break
    if not done:
        allies = ", ".join(sorted(u.type.name.lower() for u in env.agents.values()))
        enemies = ", ".join(sorted(u.type.name.lower() for u in env.enemies.values()))
        rule = "none" if smac is None else "a %s at step %d" % smac
        ends[rule.split(" at ")[0]] += 1
        print("  seed %d: time-out with allies [%s], enemies [%s]; SMAC's end: %s" % (seed, allies, enemies, rule))
print("%s focus fire SMAClite %s, %d episodes: %d time-outs; SMAC's rule ends them as %s"
      % (name, switches.label(), episodes, sum(ends.values()), dict(ends)))
