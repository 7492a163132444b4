"""Run-time switches on an installed SMAClite, read from the environment (variants/README.md
describes the scratch patches they re-apply). Call `apply()` once, before making an env:
  SL_BANE_SC2=1      the Baneling as SC2 and ours have it (docs/smac-lite.md, the Zerg units):
                     its burst deals 16, +19 vs light (SL: 80 to everything), and it moves
                     2.5 per normal second (SL: 3.15 per Faster second, 2.25 normal);
  SL_NORMAL_TIME=1   every unit type's speed / 1.4 and weapon cooldown x 1.4;
  SL_NO_ORCA=1       each unit moves at its preferred velocity (the C++ RVO2 result is discarded);
  SL_SPINE_RADIUS=R  the Spine Crawler's radius (SMAClite's size 1 gives 0.5; SC2's stock unit,
                     and ours, 1.125). A unit attacks within its range plus both radii.
  SL_TERRAIN=FILE    `map_info` swaps the map's terrain for the pathable cells of one of our map
                     files (its `pathable` rectangles; every other cell blocked).
"""
import json
import os

import numpy as np
from smaclite.env.units.unit_type import StandardUnit


def apply():
    if os.environ.get("SL_BANE_SC2") == "1":
        from smaclite.env.units.unit_type import Attribute
        bane = StandardUnit.BANELING.value
        bane.damage = 16
        bane.bonuses = {Attribute.LIGHT: 19}
        bane.speed = 2.5 * 1.4  # in SL's Faster seconds; SL_NORMAL_TIME (below) divides by 1.4
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
    if os.environ.get("SL_SPINE_RADIUS"):
        StandardUnit.SPINE_CRAWLER.value.size = 2 * float(os.environ["SL_SPINE_RADIUS"])


def map_info(stem):
    """SMAClite's standard map `stem`, with SL_TERRAIN's cells when it is set."""
    from smaclite.env.maps.map import get_standard_map
    from smaclite.env.terrain.terrain import TerrainType
    info = get_standard_map(stem)
    path = os.environ.get("SL_TERRAIN")
    if path:
        with open(path) as f:
            ours = json.load(f)
        grid = [[TerrainType.NONE] * ours["width"] for _ in range(ours["height"])]
        for r in ours["pathable"]:
            for y in range(r["y"], r["y"] + r["height"]):
                for x in range(r["x"], r["x"] + r["width"]):
                    grid[y][x] = TerrainType.NORMAL
        info.terrain = grid
    return info


def env_from_argv(default_episodes):
    """The scripts' common start: `apply()`, then from `argv` a map name (side_by_side.MAPS) and
    an episode count; returns (name, episodes, SMAC's episode limit, an env on `map_info`)."""
    import sys
    import side_by_side as sbs
    from smaclite.env import SMACliteEnv
    apply()
    name = sys.argv[1]
    episodes = int(sys.argv[2]) if len(sys.argv) > 2 else default_episodes
    stem, limit = sbs.MAPS[name]
    return name, episodes, limit, SMACliteEnv(map_info=map_info(stem), use_cpp_rvo2=True, seed=0)


def label():
    """The switches set, for the printed header."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("SL_")} or "unpatched"
