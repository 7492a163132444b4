"""A policy trained on SMAC-lite, played greedily on SMAClite (issue 19: MMM2's gap against SMAC).

Reads the JSON that `policy-export.ts` writes (the agent network, our unit order, a reference
episode), checks itself against it, then plays N episodes on SMAClite's map of the same name:

1. The network (fc1, ReLU, GRU cell with PyTorch's r|z|n gates, fc2; numpy, float64 sums, the
   hidden state and Q-values stored as float32 as `src/nn/gruAgentCpu.ts` does) is fed the
   reference episode's inputs: every Q-value must match ours to 1e-4 and every greedy action be
   the same, or the script stops.
2. SMAClite's start is translated into our order (agents and enemies matched by type and
   position; SMAClite numbers them in spawn order, we sort agents SMAC's way) and our observation
   is built from SMAClite's units with SMAC's layout as `src/envs/smac/Env.ts` builds it (move
   flags, per enemy [attackable, distance, dx, dy, health, shield, type bits], per other ally
   [visible, distance, dx, dy, health, shield, type bits], own [health, shield, type bits]; a
   shield feature on a side with shields, type bits by our map's ids; sight 9; for a Medivac
   the enemy "attackable" slot e holds its heal flag for ally e, S2's quirk). Availability is
   SMAClite's own, translated. The start's observations and availability must equal the
   reference's to 1e-5, or the script stops.
3. Each step the agents' inputs (observation, last action one-hot, agent id one-hot) go through
   the network; each living agent takes its highest-Q available action (first on ties), which
   is translated to SMAClite's numbering. The episode ends on SMAClite's own end, on SMAC's end
   rule where Medivacs fight (`side_by_side.smac_end`), or at SMAC's episode limit (a loss, as
   in SMAC). The return is S2's reward (`side_by_side.s2_step`, as medivac_end.py scores it).

Episodes are SMAClite seeds 0..N-1 (its only randomness, the acting order); the switches of
`switches.py` apply (SL_NORMAL_TIME=1 puts SMAClite on our time base).

Usage (SMAClite's venv): python play_policy.py POLICY.json [--episodes 200] [--out FILE.json]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402
import switches  # noqa: E402
import smaclite  # noqa: E402
from smaclite.env import SMACliteEnv  # noqa: E402
from smaclite.env.units.combat_type import CombatType  # noqa: E402

SIGHT = 9.0
N_NON_ATTACK = 6


class Agent:
    """The recurrent agent of gruAgentCpu.ts for R rows."""

    def __init__(self, params, shape):
        p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        I, H, A = shape["inputs"], shape["hidden"], shape["actions"]
        self.H, self.A = H, A
        self.w1 = p["fc1.w"].reshape(I, H)
        self.b1 = p["fc1.b"]
        self.wi = p["gru.wi"].reshape(H, 3 * H)
        self.bi = p["gru.bi"]
        self.wh = p["gru.wh"].reshape(H, 3 * H)
        self.bh = p["gru.bh"]
        self.w2 = p["fc2.w"].reshape(H, A)
        self.b2 = p["fc2.b"]

    def step(self, x, h):
        """x [R, I], h [R, H] float32 -> (q [R, A] float32, h' [R, H] float32)."""
        H = self.H
        e = np.maximum(x.astype(np.float64) @ self.w1 + self.b1, 0.0)
        gi = e @ self.wi + self.bi
        gh = h.astype(np.float64) @ self.wh + self.bh
        r = 1.0 / (1.0 + np.exp(-(gi[:, :H] + gh[:, :H])))
        z = 1.0 / (1.0 + np.exp(-(gi[:, H:2 * H] + gh[:, H:2 * H])))
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h2 = (n + z * (h.astype(np.float64) - n)).astype(np.float32)
        q = (h2.astype(np.float64) @ self.w2 + self.b2).astype(np.float32)
        return q, h2


def greedy(q, avail):
    """First index of the largest Q among available actions, per row (selectors.ts argmaxAvailable)."""
    out = []
    for row, mask in zip(q, avail):
        best = -1
        for a in range(len(row)):
            if mask[a] and (best < 0 or row[a] > row[best]):
                best = a
        out.append(best)
    return out


def check_network(agent, ref):
    h = np.zeros((len(ref["steps"][0]["inputs"]), agent.H), dtype=np.float32)
    worst = 0.0
    for t, step in enumerate(ref["steps"]):
        q, h = agent.step(np.asarray(step["inputs"], dtype=np.float32), h)
        diff = float(np.max(np.abs(q - np.asarray(step["q"], dtype=np.float32))))
        worst = max(worst, diff)
        if diff > 1e-4:
            sys.exit("network check: step %d, Q differs from ours by %.3g" % (t, diff))
        if greedy(q, step["avail"]) != step["actions"]:
            sys.exit("network check: step %d, greedy actions %s, ours chose %s" % (t, greedy(q, step["avail"]), step["actions"]))
    return worst


def match(ours, units):
    """Permutation: our unit k -> the SMAClite unit of the same type nearest to its position."""
    free = dict(units)
    perm = []
    for u in ours:
        cands = [(float(np.hypot(v.pos[0] - u["x"], v.pos[1] - u["y"])), k) for k, v in free.items()
                 if v.type.name.lower() == u["type"]]
        d, k = min(cands)
        if d > 1e-3:
            sys.exit("start: no SMAClite %s within 1e-3 of our (%.4f, %.4f); nearest %.4f away" % (u["type"], u["x"], u["y"], d))
        perm.append(k)
        del free[k]
    return perm


class Translator:
    """Our numbering <-> SMAClite's, and our observation built from SMAClite's units."""

    def __init__(self, env, ally_perm, enemy_perm, pol):
        shape = pol["shape"]
        self.env, self.ap, self.ep = env, ally_perm, enemy_perm
        self.N, self.E, self.A, self.O = shape["agents"], shape["enemies"], shape["actions"], shape["obsDim"]
        self.bits = pol["unitTypeBits"]
        self.ids = pol["typeIds"]
        self.shield = {"ally": int(pol["shields"]["ally"]), "enemy": int(pol["shields"]["enemy"])}
        # per unit: [seen flag, distance, dx, dy, health, shield if the side has shields, type bits]
        self.nf = {side: 5 + self.shield[side] + self.bits for side in ("ally", "enemy")}

    def avail(self):
        sl = self.env.get_avail_actions()
        out = np.zeros((self.N, self.A), dtype=np.uint8)
        for i in range(self.N):
            row = sl[self.ap[i]]
            out[i, :N_NON_ATTACK] = row[:N_NON_ATTACK]
            unit = self.env.agents.get(self.ap[i])
            healer = unit is not None and unit.combat_type == CombatType.HEALING
            for k in range(self.A - N_NON_ATTACK):
                src = (self.ap[k] if k < self.N else None) if healer else self.ep[k]
                out[i, N_NON_ATTACK + k] = 0 if src is None else row[N_NON_ATTACK + src]
        return out

    def action(self, i, a):
        """Our action a of our agent i, in SMAClite's numbering."""
        if a < N_NON_ATTACK:
            return int(a)
        unit = self.env.agents[self.ap[i]]
        k = a - N_NON_ATTACK
        return N_NON_ATTACK + (self.ap[k] if unit.combat_type == CombatType.HEALING else self.ep[k])

    def joint(self, ours):
        """Our joint action (by our agent numbers) as SMAClite's `step` takes it: indexed by its
        agent numbers, each living agent's action translated, 0 (no-op) for the dead."""
        sl = [0] * self.N
        for i, a in enumerate(ours):
            if self.ap[i] in self.env.agents:
                sl[self.ap[i]] = self.action(i, a)
        return sl

    def health(self, out, at, u, side):
        """Health, shield (on a side with shields) and type bits of unit u from out[at]; the index after."""
        out[at] = u.hp / u.max_hp
        at += 1
        if self.shield[side]:
            out[at] = u.shield / u.max_shield if u.max_shield > 0 else 0.0
            at += 1
        if self.bits:
            out[at + self.ids[side][u.type.name.lower()]] = 1
        return at + self.bits

    def seen(self, out, at, u, me, d, side):
        out[at] = d / SIGHT
        out[at + 1] = (u.pos[0] - me.pos[0]) / SIGHT
        out[at + 2] = (u.pos[1] - me.pos[1]) / SIGHT
        self.health(out, at + 3, u, side)

    def obs(self, avail):
        env = self.env
        out = np.zeros((self.N, self.O), dtype=np.float32)
        for i in range(self.N):
            me = env.agents.get(self.ap[i])
            if me is None:
                continue
            o = out[i]
            o[0:4] = avail[i, 2:6]
            base = 4
            for e in range(self.E):
                u = env.enemies.get(self.ep[e])
                if u is not None:
                    d = float(np.hypot(*(u.pos - me.pos)))
                    if d < SIGHT:
                        o[base] = avail[i, N_NON_ATTACK + e]
                        self.seen(o, base + 1, u, me, d, "enemy")
                base += self.nf["enemy"]
            for j in range(self.N):
                if j == i:
                    continue
                u = env.agents.get(self.ap[j])
                if u is not None:
                    d = float(np.hypot(*(u.pos - me.pos)))
                    if d < SIGHT:
                        o[base] = 1
                        self.seen(o, base + 1, u, me, d, "ally")
                base += self.nf["ally"]
            assert self.health(o, base, me, "ally") == self.O
        return out


def play(env, agent, pol, limit, seed, check_start=False):
    shape = pol["shape"]
    N, A, O = shape["agents"], shape["actions"], shape["obsDim"]
    env.reset(seed=seed)
    tr = Translator(env, match(pol["allies"], env.agents), match(pol["enemies"], env.enemies), pol)
    h = np.zeros((N, agent.H), dtype=np.float32)
    last = [-1] * N
    scale = env.max_reward / 20
    bonus = 200 / scale
    dead, ret, t, outcome = set(), 0.0, 0, None
    while outcome is None:
        avail = tr.avail()
        obs = tr.obs(avail)
        if check_start and t == 0:
            ref = pol["reference"]
            d_obs = float(np.max(np.abs(obs - np.asarray(ref["startObs"], dtype=np.float32))))
            same_avail = np.array_equal(avail, np.asarray(ref["startAvail"], dtype=np.uint8))
            if d_obs > 1e-5 or not same_avail:
                sys.exit("start check: observations differ by %.3g, availability %s" % (d_obs, "equal" if same_avail else "differs"))
        x = np.zeros((N, shape["inputs"]), dtype=np.float32)
        x[:, :O] = obs
        for i in range(N):
            if last[i] >= 0:
                x[i, O + last[i]] = 1
            x[i, O + A + i] = 1
        q, h = agent.step(x, h)
        ours = greedy(q, avail)
        before = sbs.enemy_health(env)
        _o, _r, done, _tr, _info = env.step(tr.joint(ours))
        last = ours
        t += 1
        delta, kills = sbs.s2_step(before, env, dead)
        ret += abs(delta + 10 * kills) / scale
        end = sbs.smac_end(env)
        if end == "win" or (done and len(env.enemies) == 0 and len(env.agents) > 0):
            outcome = "win"
            ret += bonus
        elif end == "loss" or done:
            outcome = "loss"
        elif t >= limit:
            outcome = "timeout"
    return outcome, t, ret


def smaclite_commit():
    """The commit of the SMAClite checkout this Python imports (installed with `pip install -e`)."""
    try:
        where = os.path.dirname(os.path.abspath(smaclite.__file__))
        return subprocess.run(["git", "-C", where, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("policy")
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--out")
    args = ap.parse_args()
    with open(args.policy) as f:
        pol = json.load(f)
    switches.apply()
    stem, limit = sbs.MAPS[pol["map"]]
    agent = Agent(pol["params"], pol["shape"])
    worst = check_network(agent, pol["reference"])
    env = SMACliteEnv(map_info=switches.map_info(stem), use_cpp_rvo2=True, seed=0)
    outcomes, lengths, returns = [], [], []
    t0 = time.perf_counter()
    for seed in range(args.episodes):
        o, L, R = play(env, agent, pol, limit, seed, check_start=(seed == 0))
        outcomes.append(o)
        lengths.append(L)
        returns.append(R)
    wall = time.perf_counter() - t0
    n = len(outcomes)
    wins = outcomes.count("win")
    z = 1.959963984540054
    p = wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    result = {
        "policy": os.path.basename(args.policy),
        "run": pol["run"],
        "source": pol["source"],
        "map": pol["map"],
        "smaclite": switches.label(),
        "smaclite_commit": smaclite_commit(),
        "command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "episodes": n,
        "seeds": "0..%d" % (n - 1),
        "wins": wins,
        "win_rate": p,
        "win_rate_ci95": [0.0 if wins == 0 else max(0.0, centre - half), 1.0 if wins == n else min(1.0, centre + half)],
        "timeouts": outcomes.count("timeout"),
        "losses": outcomes.count("loss"),
        "mean_length": float(np.mean(lengths)),
        "mean_return_s2": float(np.mean(returns)),
        "network_check_max_q_diff": worst,
        "wall_s": wall,
        "per_episode": {"outcome": "".join(o[0].upper() for o in outcomes), "length": lengths, "return": [round(r, 4) for r in returns]},
    }
    print("%s on SMAClite %s (%s), %d episodes: wins %d (%.0f%%, 95%% CI %.0f-%.0f%%), time-outs %d, losses %d, mean length %.1f, S2 return %.2f; network check %.2g; %.0f s"
          % (pol["run"], pol["map"], result["smaclite"], n, wins, 100 * p, 100 * result["win_rate_ci95"][0], 100 * result["win_rate_ci95"][1],
             result["timeouts"], result["losses"], result["mean_length"], result["mean_return_s2"], worst, wall))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
