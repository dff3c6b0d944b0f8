/**
 * The scenarios of TrustBench (TRUSTBENCH §3.3–§3.4) as data: for each, the identities a
 * cell of size N and malicious fraction m has, how many rounds it runs, its measured
 * window, and what the adversary does in each round. Pure.
 */

/** Every scenario id (TRUSTBENCH §3.4). */
export const SCENARIOS = ['S0', 'S1', 'S2', 'S3', 'S4', 'S4b', 'S5', 'S5L', 'S6', 'S7'] as const
/** A scenario id. */
export type ScenarioId = typeof SCENARIOS[number]

/** What the adversary does in one round. */
export type AdversaryMode = 'idle' | 'farm' | 'attack'

/** One cell of the run matrix. */
export interface CellSpec {
  scenario: ScenarioId
  /** N: real nodes (honest + malicious; Sybils come on top). */
  n: number
  /** m: malicious fraction of N. */
  m: number
  /** f: camouflage honesty (S3), else 0. */
  f: number
  seed: number
  /** R: rounds. */
  rounds: number
  /** Full tier's sparse-handshake variant: routed HELLO forbidden, introductions alone. @default false */
  sparse?: boolean
}

/** Default rounds (TRUSTBENCH §3.1). */
export const DEFAULT_ROUNDS = 40
/** S4b runs longer. */
export const ON_OFF_ROUNDS = 60
/** Warm-up: the measured window starts here unless the scenario flips. */
export const WARM_UP_ROUNDS = 10
/** The flip round of covert-flash and farming scenarios (TRUSTBENCH §3.1). */
export const FLIP_ROUND = 20
/** The last rounds excluded from acceptance metrics. */
export const COOL_DOWN_ROUNDS = 8
/** Claims per round the adversary proposes in total (λ_A). */
export const ADVERSARY_CLAIMS_PER_ROUND = 3
/** Identities that collude on one false claim or slander one true claim, at most. */
export const MAX_ACCOMPLICES = 10
/** S4b: farm this many rounds… */
export const ON_OFF_FARM_ROUNDS = 10
/** …then attack this many, repeated. */
export const ON_OFF_ATTACK_ROUNDS = 5
/** S6 and S7 forge or equivocate from these rounds. */
export const FORGERY_FROM_ROUND = 10
export const EQUIVOCATION_ROUND = 20

/** What a scenario's adversary does, beyond its mode. */
export interface ScenarioPlan {
  /** Malicious nodes of N. */
  malicious: (n: number, m: number) => number
  /** Sybils (σ). */
  sybils: (n: number) => number
  /** The adversary's mode in `round`. */
  mode: (round: number) => AdversaryMode
  /** In attack mode: collude on own false claims. */
  collude: boolean
  /** In attack mode: challenge every honest true claim. */
  slander: boolean
  /** Introduce adversary identities to honest nodes (in farm and attack modes). */
  introduce: boolean
  /** Farming identities re-propose an honest claim each round (S5). */
  plagiarise: boolean
  /** S6 forgeries from {@link FORGERY_FROM_ROUND}. */
  forge: boolean
  /** S7: one identity farms, then equivocates at {@link EQUIVOCATION_ROUND}. */
  equivocate: boolean
  /** The first round of the measured window. */
  windowStart: number
}

const byFraction = (n: number, m: number): number => Math.round(m * n)
const noSybils = (): number => 0
const always = (mode: AdversaryMode) => (): AdversaryMode => mode
const flipAt = (round: number) => (at: number): AdversaryMode => at < round ? 'farm' : 'attack'
const base = { malicious: byFraction, sybils: noSybils, collude: false, slander: false, introduce: false, plagiarise: false, forge: false, equivocate: false, windowStart: WARM_UP_ROUNDS }
const ring = { ...base, collude: true, slander: true, introduce: true }

/** The plan of each scenario (TRUSTBENCH §3.4). */
export const PLANS: Readonly<Record<ScenarioId, ScenarioPlan>> = Object.freeze({
  S0: { ...base, malicious: () => 0, mode: always('idle') },
  S1: { ...base, slander: true, mode: always('attack') },
  S2: { ...ring, mode: always('attack') },
  S3: { ...ring, mode: always('attack') },
  S4: { ...ring, mode: flipAt(FLIP_ROUND), windowStart: FLIP_ROUND },
  S4b: { ...ring, mode: (at: number) => at % (ON_OFF_FARM_ROUNDS + ON_OFF_ATTACK_ROUNDS) < ON_OFF_FARM_ROUNDS ? 'farm' : 'attack' },
  S5: { ...ring, sybils: (n: number) => n, plagiarise: true, mode: flipAt(FLIP_ROUND), windowStart: FLIP_ROUND },
  S5L: { ...ring, sybils: (n: number) => n, mode: always('attack') },
  S6: { ...base, forge: true, mode: always('attack') },
  S7: { ...base, equivocate: true, mode: always('farm') }
})

/** Pinned roots ρ = max(2, ⌈0.1·N⌉) (TRUSTBENCH §3.1). */
export function rootCount (n: number): number {
  return Math.max(2, Math.ceil(0.1 * n))
}

/** Default rounds of a scenario. */
export function defaultRounds (scenario: ScenarioId): number {
  return scenario === 'S4b' ? ON_OFF_ROUNDS : DEFAULT_ROUNDS
}

/** True for a scenario id. */
export function isScenario (text: string): text is ScenarioId {
  return (SCENARIOS as readonly string[]).includes(text)
}

/** The quick tier (TRUSTBENCH §3.6): 32 cells. */
export function quickTier (): CellSpec[] {
  const cells: CellSpec[] = []
  const add = (scenario: ScenarioId, n: number, m: number, seed: number, f = 0): void => {
    cells.push({ scenario, n, m, f, seed, rounds: defaultRounds(scenario) })
  }
  for (const n of [10, 25, 50]) for (const seed of [1, 2]) add('S0', n, 0, seed)
  for (const scenario of ['S1', 'S2'] as const) for (const n of [10, 25]) for (const m of [0.2, 0.4]) add(scenario, n, m, 1)
  for (const f of [0.5, 0.9]) add('S3', 25, 0.2, 1, f)
  for (const n of [10, 25, 50]) for (const m of [0.2, 0.4]) for (const seed of n <= 25 ? [1, 2] : [1]) add('S4', n, m, seed)
  add('S4b', 25, 0.2, 1)
  for (const n of [25, 50]) add('S5', n, 0.1, 1)
  add('S5L', 25, 0.1, 1)
  add('S6', 25, 0.2, 1)
  add('S7', 25, 0.2, 1)
  return cells
}

/** The full tier (TRUSTBENCH §3.6): every scenario × N × m (× f) × 10 seeds, plus the sparse-handshake variant. */
export function fullTier (): CellSpec[] {
  const cells: CellSpec[] = []
  const seeds = Array.from({ length: 10 }, (_, i) => i + 1)
  for (const scenario of SCENARIOS) {
    const sizes = scenario === 'S6' || scenario === 'S7' ? [25] : [10, 25, 50]
    const fractions = scenario === 'S0' ? [0] : scenario === 'S5' || scenario === 'S5L' ? [0.1, 0.2] : scenario === 'S6' || scenario === 'S7' ? [0.2] : [0.1, 0.2, 0.3, 0.4]
    const camouflage = scenario === 'S3' ? [0.25, 0.5, 0.75, 0.9] : [0]
    for (const n of sizes) for (const m of fractions) for (const f of camouflage) for (const seed of seeds) {
      cells.push({ scenario, n, m, f, seed, rounds: defaultRounds(scenario) })
    }
  }
  for (const cell of cells.filter((spec) => spec.scenario === 'S2' || spec.scenario === 'S5')) cells.push({ ...cell, sparse: true })
  return cells
}
