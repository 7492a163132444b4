/**
 * The S2 constructor options SMAC-lite honours (oxwhirl/smac `starcraft2.py`, "S2"), and their
 * values with S2's defaults filled in. Pure.
 */

/** S2 constructor options that SMAC-lite honours, with S2's defaults. */
export interface EnvOptions {
  /** Agents see the last action of visible allies (S2 `obs_last_action`, default false). */
  readonly obsLastAction?: boolean
  /** The state ends with the previous joint action, one-hot (S2 `state_last_action`, default true). */
  readonly stateLastAction?: boolean
  /** Report `info.episodeLimit` on time-outs (S2 `continuing_episode`, default false). */
  readonly continuingEpisode?: boolean
  /** S2 `reward_only_positive` (default true): |damage + kills| and no penalties. */
  readonly rewardOnlyPositive?: boolean
  /** S2 `reward_scale` (default true): divide by max_reward / reward_scale_rate. */
  readonly rewardScale?: boolean
  /** S2 `reward_scale_rate` (default 20): an episode's maximum return after scaling. */
  readonly rewardScaleRate?: number
  /** S2 `reward_death_value` (default 10) per enemy killed (and, with only-positive off, per ally lost × negative scale). */
  readonly rewardDeathValue?: number
  /** S2 `reward_win` (default 200). */
  readonly rewardWin?: number
  /** S2 `reward_defeat` (default 0). */
  readonly rewardDefeat?: number
  /** S2 `reward_negative_scale` (default 0.5). */
  readonly rewardNegativeScale?: number
  /** S2 `reward_sparse` (default false): 0 every step, +1 on a win and −1 on a defeat (then scaled as any reward). */
  readonly rewardSparse?: boolean
  /** S2 `obs_all_health` (default true): allies' and enemies' health (and shield) in the observation. */
  readonly obsAllHealth?: boolean
  /** S2 `obs_own_health` (default true; forced on by `obsAllHealth`): the agent's own health (and shield). */
  readonly obsOwnHealth?: boolean
  /**
   * S2 `obs_pathing_grid` (default false): 8 move features more, whether the ground is pathable
   * 2 · move_amount away along the axes and move_amount along each diagonal from the agent's
   * cell, 1 outside the map (S2 `get_surrounding_pathing`). S2's `obs_terrain_height` has no
   * counterpart: SMAC-lite's maps carry no terrain heights.
   */
  readonly obsPathingGrid?: boolean
  /** S2 `obs_timestep_number` (default false): the observation ends with steps / episode limit. */
  readonly obsTimestepNumber?: boolean
  /** S2 `state_timestep_number` (default false): the state ends with steps / episode limit. */
  readonly stateTimestepNumber?: boolean
  /** S2 `obs_instead_of_state` (default false): the state is every agent's observation, concatenated. */
  readonly obsInsteadOfState?: boolean
}

/** Every option with S2's default where none was given, and S2's rule that all health implies own health. */
export const resolveEnvOptions = (options: EnvOptions = {}): Required<EnvOptions> => {
  const obsAllHealth = options.obsAllHealth ?? true
  return {
    obsLastAction: options.obsLastAction ?? false,
    stateLastAction: options.stateLastAction ?? true,
    continuingEpisode: options.continuingEpisode ?? false,
    rewardOnlyPositive: options.rewardOnlyPositive ?? true,
    rewardScale: options.rewardScale ?? true,
    rewardScaleRate: options.rewardScaleRate ?? 20,
    rewardDeathValue: options.rewardDeathValue ?? 10,
    rewardWin: options.rewardWin ?? 200,
    rewardDefeat: options.rewardDefeat ?? 0,
    rewardNegativeScale: options.rewardNegativeScale ?? 0.5,
    rewardSparse: options.rewardSparse ?? false,
    obsAllHealth,
    obsOwnHealth: obsAllHealth || (options.obsOwnHealth ?? true), // S2: `if self.obs_all_health: self.obs_own_health = True`
    obsPathingGrid: options.obsPathingGrid ?? false,
    obsTimestepNumber: options.obsTimestepNumber ?? false,
    stateTimestepNumber: options.stateTimestepNumber ?? false,
    obsInsteadOfState: options.obsInsteadOfState ?? false
  }
}
