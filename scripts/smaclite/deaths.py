"""Focus fire on SMAClite: when each side's units die (issue 18, the 3s5z focus-fire gap in
docs/smac-lite.md). Prints the mean step of the k-th allied and enemy death, and per unit type the
mean step of death and deaths per episode, over seeds 0..N-1. The policy and maps are
side_by_side.py's; the switches re-apply two of the variants/ patches at run time, as
variants/README.md describes them:
  SL_NORMAL_TIME=1  every unit type's speed / 1.4 and weapon cooldown x 1.4;
  SL_NO_ORCA=1      each unit moves at its preferred velocity (the C++ RVO2 result is discarded).
Usage (SMAClite's venv): SL_NORMAL_TIME=1 [SL_NO_ORCA=1] python deaths.py 3s5z 40
"""
import os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs
from smaclite.env import SMACliteEnv
from smaclite.env.maps.map import get_standard_map
from smaclite.env.units.unit_type import StandardUnit
if os.environ.get("SL_NORMAL_TIME") == "1":
    for u in StandardUnit:
        u.value.speed /= 1.4
        u.value.cooldown *= 1.4
if os.environ.get("SL_NO_ORCA") == "1":
    from smaclite.env.rvo2 import velocity_updater as vu
    orig = vu.CPPVelocityUpdater.compute_new_velocities
    def no_orca(self, all_units):
        orig(self, all_units)
        for u in all_units.values():
            if u.hp > 0 and u.pref_velocity is not None:
                u.next_velocity = np.array(u.pref_velocity, dtype=float)
    vu.CPPVelocityUpdater.compute_new_velocities = no_orca
name = sys.argv[1]; episodes = int(sys.argv[2])
stem, limit = sbs.MAPS[name]
env = SMACliteEnv(map_info=get_standard_map(stem), use_cpp_rvo2=True, seed=0)
ad, ed, lens = [], [], []
bytype = {}; bytype_e = {}
for seed in range(episodes):
    env.reset(seed=seed)
    na, ne = len(env.agents), len(env.enemies)
    alive_en = {k: u.type.name for k, u in env.enemies.items()}
    alive_ids = {k: u.type.name if hasattr(u.type, "name") else str(u.type) for k, u in env.agents.items()}
    a_deaths, e_deaths = [], []
    steps = 0
    while True:
        acts = sbs.focus_fire_actions(env, env.get_avail_actions())
        _o, r, done, _t, info = env.step(acts)
        steps += 1
        a_deaths += [steps] * (na - len(env.agents) - len(a_deaths))
        for k in list(alive_en):
            if k not in env.enemies:
                bytype_e.setdefault(alive_en[k], []).append(steps); del alive_en[k]
        for k in list(alive_ids):
            if k not in env.agents:
                bytype.setdefault(alive_ids[k], []).append(steps); del alive_ids[k]
        e_deaths += [steps] * (ne - len(env.enemies) - len(e_deaths))
        if done or steps >= limit: break
    ad.append(a_deaths + [np.nan] * (na - len(a_deaths))); ed.append(e_deaths + [np.nan] * (ne - len(e_deaths))); lens.append(steps)
print(name, {k: v for k, v in os.environ.items() if k.startswith("SL_")}, "length %.1f" % np.mean(lens))
print("  ally deaths k=1..:", " ".join("%.1f" % x for x in np.nanmean(np.array(ad, float), 0)))
print("  enemy deaths k=1..:", " ".join("%.1f" % x for x in np.nanmean(np.array(ed, float), 0)), " (count", " ".join(str(int(x)) for x in np.sum(~np.isnan(np.array(ed, float)), 0)), ")")
print("  ally deaths by type (mean step, deaths per episode):", {k: ("%.1f" % np.mean(v), "%.2f" % (len(v) / episodes)) for k, v in bytype.items()})
print("  enemy deaths by type (mean step, deaths per episode):", {k: ("%.1f" % np.mean(v), "%.2f" % (len(v) / episodes)) for k, v in bytype_e.items()})
