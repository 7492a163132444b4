"""SMAClite under fsv-ts's two scripted policies (issue 18, part 3: "SMAClite side by side").

Our own driver: it imports an installed `smaclite` (uoe-agents/smaclite, built outside this repo,
see README.md here) and plays, per map, `--episodes` episodes (seeds 0..N-1) of

  random      uniformly random among each agent's available actions
              (numpy default_rng(seed) per episode, one draw per agent per step);
  focus-fire  src/envs/smac/policies.ts `focusFireActions`, transcribed: a living agent with an
              available attack attacks the available enemy with the lowest hp + shield (ties:
              lowest index); a Medivac with an available heal heals the available ally with the
              lowest hp fraction (ties: lowest index); otherwise the available move (N, S, E, W
              order for ties) that brings it closest to the nearest living enemy (ties: lowest
              enemy index), else stop; dead agents no-op.

Action indices are SMAC's (0 no-op, 1 stop, 2-5 move N,S,E,W, 6+ target i); SMAClite's
Direction.NORTH is +y, as SMAC's and ours.

Seeding: SMAClite's only randomness is the per-loop shuffle of the acting order, drawn from the
env's `_np_random`, which `env.reset(seed=seed)` re-seeds (gymnasium `seeding.np_random`). Spawns
are deterministic. The random policy's stream is `np.random.default_rng(seed)`.

Episode limit: SMAClite's env has none of its own (`truncated` is always False; ePyMARL adds a
TimeLimit). We stop at SMAC's `episode_limit` for the map (the same numbers as our map files) and
count such an episode as a time-out, as SMAC does: no win, no bonus.

Return: the sum of SMAClite's per-step rewards (its defaults: damage + 10 per kill + 200 for the
win, scaled so the maximum is 20, which is SMAC's reward_only_positive scheme).

Speed: wall clock of the whole loop, which per step computes every agent's avail actions, the
observations (returned by step), the state, the policy's actions and `step`, as bench/smac.ts does.

Usage: python side_by_side.py --maps 2s3z,3s_vs_5z --episodes 200 --out DIR [--numpy-rvo2]
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

import smaclite  # noqa: F401  (registers the maps)
from smaclite.env import SMACliteEnv
from smaclite.env.smaclite import STEP_MUL
from smaclite.env.maps.map import get_standard_map
from smaclite.env.units.combat_type import CombatType
from smaclite.env.units.unit import GAME_TICK_TIME
from smaclite.env.util.direction import Direction

# our map name -> (SMAClite map file stem, SMAC episode_limit)
MAPS = {
    "2s3z": ("2s3z", 120),
    "3s_vs_5z": ("3s_vs_5z", 250),
    "MMM2": ("mmm2", 180),
    "10m_vs_11m": ("10m_vs_11m", 150),
    "3s5z": ("3s5z", 150),
    "MMM": ("mmm", 150),
    "3s5z_vs_3s6z": ("3s5z_vs_3s6z", 170),
    "27m_vs_30m": ("27m_vs_30m", 180),
    "2s_vs_1sc": ("2s_vs_1sc", 300),
    "corridor": ("corridor", 400),
    "bane_vs_bane": ("bane_vs_bane", 200),
    "2c_vs_64zg": ("2c_vs_64zg", 400),
}

MOVE_AMOUNT = 2
N_NON_ATTACK = 6


def random_actions(env, avail, rng):
    out = []
    for a in range(env.n_agents):
        idx = np.flatnonzero(avail[a])
        out.append(int(idx[rng.integers(len(idx))]))
    return out


def nearest_enemy(env, unit):
    """The living enemy nearest to `unit` (ties: lowest index), None if none (policies.ts nearestEnemy)."""
    nearest, nearest_d2 = None, float("inf")
    for e in range(env.n_enemies):
        enemy = env.enemies.get(e)
        if enemy is None or enemy.hp == 0:
            continue
        d2 = float(((enemy.pos - unit.pos) ** 2).sum())
        if d2 < nearest_d2:
            nearest, nearest_d2 = enemy, d2
    return nearest


def focus_fire_actions(env, avail):
    out = []
    for a in range(env.n_agents):
        mask = avail[a]
        unit = env.agents.get(a)
        if unit is None:  # dead
            out.append(0)
            continue
        healer = unit.combat_type == CombatType.HEALING
        best, best_key = -1, float("inf")
        for i in range(N_NON_ATTACK, len(mask)):
            if not mask[i]:
                continue
            t = i - N_NON_ATTACK
            if healer:
                ally = env.agents[t]
                key = ally.hp / ally.max_hp
            else:
                enemy = env.enemies[t]
                key = enemy.hp + enemy.shield
            if key < best_key:
                best, best_key = i, key
        if best >= 0:
            out.append(best)
            continue
        nearest = nearest_enemy(env, unit)
        act = 1
        if nearest is not None:
            best_d2 = float("inf")
            for d in Direction:
                if not mask[2 + d.value]:
                    continue
                p = unit.pos + d.dx_dy * MOVE_AMOUNT
                d2 = float(((nearest.pos - p) ** 2).sum())
                if d2 < best_d2:
                    best_d2, act = d2, 2 + d.value
        out.append(act)
    return out


def is_medivac(u):
    return u.type.name.lower() == "medivac"


# One agent step of SMAClite in its own seconds: STEP_MUL game ticks of GAME_TICK_TIME.
STEP_TIME = STEP_MUL * GAME_TICK_TIME


def fired_in_step(u, cooldown_before):
    """Whether unit `u` fired during the step just played, given its weapon cooldown at the step's
    start: SMAClite resets the cooldown to its maximum on firing and otherwise only counts it down."""
    return u.cooldown > max(0.0, cooldown_before - STEP_TIME) + 1e-9


def enemy_health(env):
    """hp + shield of each living enemy, by index: take it before a step for `s2_step`."""
    return {k: u.hp + u.shield for k, u in env.enemies.items()}


def s2_step(before, env, dead):
    """SMAC's reward terms for the step just played (S2 `reward_battle`, reward_only_positive, before
    its |.| and scaling): the enemies' hp + shield lost in it (`before` from `enemy_health` at the
    step's start; an enemy gone from env.enemies lost all of it) and the enemies dead at its end,
    each counted once (`dead` collects them across the episode). S2 pays |delta + 10 kills|."""
    delta, kills = 0.0, 0
    for k, h in before.items():
        u = env.enemies.get(k)
        if u is None:
            delta += h
            if k not in dead:
                kills += 1
                dead.add(k)
        else:
            delta += h - (u.hp + u.shield)
    return delta, kills


def smac_end(env):
    """SMAC's end rule where Medivacs fight (S2 `update_units`, `only_medivac_left`): "win" once the
    only enemy left is a Medivac while an ally that can fight lives, "loss" once no such ally lives,
    else None. SMAClite plays on in both cases until a side is empty."""
    enemies = list(env.enemies.values())
    fighting = any(not is_medivac(u) for u in env.agents.values())
    if len(enemies) == 1 and is_medivac(enemies[0]) and fighting:
        return "win"
    return None if fighting else "loss"


def run_policy(env, limit, policy, episodes, deadline):
    outcomes, lengths, returns = [], [], []
    env_steps = 0
    t0 = time.perf_counter()
    for seed in range(episodes):
        if time.time() > deadline:
            break
        env.reset(seed=seed)
        rng = np.random.default_rng(seed)
        steps, ret, outcome = 0, 0.0, None
        while True:
            avail = env.get_avail_actions()
            env.get_state()
            acts = random_actions(env, avail, rng) if policy == "random" else focus_fire_actions(env, avail)
            _obs, r, done, _trunc, info = env.step(acts)
            steps += 1
            ret += r
            if done:
                outcome = "win" if info["battle_won"] else ("draw" if len(env.agents) == len(env.enemies) == 0 else "loss")
                break
            if steps >= limit:
                outcome = "timeout"
                break
        env_steps += steps
        outcomes.append(outcome)
        lengths.append(steps)
        returns.append(ret)
    wall = time.perf_counter() - t0
    n = len(lengths)
    L = np.array(lengths, dtype=float)
    R = np.array(returns, dtype=float)
    return {
        "episodes": n,
        "seeds": f"0..{n - 1}",
        "win_rate": outcomes.count("win") / n,
        "wins": outcomes.count("win"),
        "timeouts": outcomes.count("timeout"),
        "timeout_rate": outcomes.count("timeout") / n,
        "losses": outcomes.count("loss"),
        "draws_both_dead": outcomes.count("draw"),
        "mean_length": float(L.mean()),
        "sd_length": float(L.std(ddof=1)) if n > 1 else 0.0,
        "mean_return": float(R.mean()),
        "sd_return": float(R.std(ddof=1)) if n > 1 else 0.0,
        "env_steps": env_steps,
        "wall_s": wall,
        "env_steps_per_s": env_steps / wall,
        "agent_steps_per_s": env_steps * env.n_agents / wall,
        "per_episode": {
            "outcome": "".join({"win": "W", "loss": "L", "timeout": "T", "draw": "D"}[o] for o in outcomes),
            "length": lengths,
            "return": [round(x, 4) for x in returns],
        },
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maps", default="2s3z,3s_vs_5z,MMM2")
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--policies", default="random,focus-fire")
    ap.add_argument("--out", required=True)
    ap.add_argument("--numpy-rvo2", action="store_true")
    ap.add_argument("--budget-s", type=float, default=1e9, help="per map and policy: stop starting episodes after this")
    ap.add_argument("--smaclite-commit", default="")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.maps.split(","):
        stem, limit = MAPS[name]
        env = SMACliteEnv(map_info=get_standard_map(stem), use_cpp_rvo2=not args.numpy_rvo2, seed=0)
        load_start = os.getloadavg()
        started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        result = {
            "map": name,
            "smaclite_map_file": f"smaclite/env/maps/smaclite_maps/{stem}.json",
            "n_agents": env.n_agents,
            "n_enemies": env.n_enemies,
            "n_actions": env.n_actions,
            "episode_limit": limit,
            "episode_limit_source": "SMAC smac_maps.py (SMAClite has no limit of its own; ePyMARL's TimeLimit supplies one)",
            "smaclite_commit": args.smaclite_commit,
            "rvo2_backend": "numpy" if args.numpy_rvo2 else "C++ (micadam/SMAClite-Python-RVO2, built from source)",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "seeding": "env.reset(seed=s) re-seeds SMAClite's shuffle stream; random policy: np.random.default_rng(s); s = 0..episodes-1",
            "machine": f"{platform.machine()} VM, {os.cpu_count()} cores, shared with two niced training runs; this process under nice -n 10",
            "date_utc": started,
            "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
            "smaclite_module": os.path.dirname(smaclite.__file__),
            "variant": {k: v for k, v in sorted(os.environ.items()) if k.startswith("SL_")} or "unpatched",
            "policies": {},
        }
        for pol in args.policies.split(","):
            deadline = time.time() + args.budget_s
            result["policies"][pol] = run_policy(env, limit, pol, args.episodes, deadline)
            p = result["policies"][pol]
            print(f"{name:13s} {pol:10s} n={p['episodes']} win={p['win_rate']:.3f} to={p['timeout_rate']:.3f} "
                  f"len={p['mean_length']:.1f} ret={p['mean_return']:.2f} agent-steps/s={p['agent_steps_per_s']:.0f}",
                  flush=True)
        result["load_avg_1m_at_start_and_end"] = [round(load_start[0], 2), round(os.getloadavg()[0], 2)]
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
