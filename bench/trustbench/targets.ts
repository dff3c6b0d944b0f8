/**
 * The targets of TrustBench (TRUSTBENCH §3.7): the quick tier pools seeds and cells per
 * scenario and N, the full tier judges each cell. Each target has an "excellent" and a
 * "must" level; a missed "must" fails the run (reported-only targets never do). Pure.
 */
import type { CellResult } from './result.ts'
import type { ScenarioId } from './scenarios.ts'
import { percentile, valuesOf, wilsonUpperBound } from './statistics.ts'

/** One target in one group. */
export interface TargetCheck {
  group: string
  target: string
  value: string
  /** undefined: reported only. */
  excellent: boolean | undefined
  must: boolean | undefined
}

/** Below this many pooled (o, c) pairs, FCA must be "0 observed" (TRUSTBENCH §3.5 small-sample rule). */
export const SMALL_SAMPLE_PAIRS = 400
/** FCA ratio is judged where the shadow accepted at least this much. */
export const SHADOW_FLOOR = 0.5

const FCA_SCENARIOS: ReadonlySet<ScenarioId> = new Set(['S1', 'S2', 'S3', 'S4', 'S4b', 'S5', 'S5L'])
const LIVENESS_SCENARIOS: ReadonlySet<ScenarioId> = new Set(['S0', 'S1', 'S2', 'S3'])
const FLIP_SCENARIOS: ReadonlySet<ScenarioId> = new Set(['S4', 'S4b', 'S5'])
const ATTACK_SCENARIOS: ReadonlySet<ScenarioId> = new Set(['S1', 'S2', 'S3', 'S4', 'S4b', 'S5', 'S5L'])

/** Groups results: per scenario and N (quick tier) or per cell (full tier). */
export function groupResults (results: readonly CellResult[], isPooled: boolean): Map<string, CellResult[]> {
  const groups = new Map<string, CellResult[]>()
  for (const result of results) {
    const key = isPooled
      ? `${result.scenario} N=${result.N}${result.detail.sparse ? ' sparse' : ''}`
      : `${result.scenario} N=${result.N} m=${result.m}${result.f > 0 ? ` f=${result.f}` : ''} seed=${result.seed}${result.detail.sparse ? ' sparse' : ''}`
    groups.set(key, [...(groups.get(key) ?? []), result])
  }
  return groups
}

/** Every quantitative target of every group. */
export function evaluateTargets (groups: ReadonlyMap<string, readonly CellResult[]>): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const [group, cells] of groups) checks.push(...targetsOf(group, cells))
  return checks
}

function sum (cells: readonly CellResult[], pick: (cell: CellResult) => number): number {
  return cells.reduce((total, cell) => total + pick(cell), 0)
}

function percent (value: number): string {
  return `${(value * 100).toFixed(2)} %`
}

function targetsOf (group: string, cells: readonly CellResult[]): TargetCheck[] {
  const first = cells[0]
  if (first === undefined) return []
  const scenario = first.scenario
  const n = first.N
  const checks: TargetCheck[] = []
  const add = (target: string, value: string, excellent: boolean | undefined, must: boolean | undefined): void => { checks.push({ group, target, value, excellent, must }) }
  if (FCA_SCENARIOS.has(scenario)) {
    const accepted = sum(cells, (cell) => cell.detail.counts.fca[0])
    const pairs = sum(cells, (cell) => cell.detail.counts.fca[1])
    const shadow = sum(cells, (cell) => cell.detail.counts.shadow[0]) / Math.max(1, pairs)
    if (pairs < SMALL_SAMPLE_PAIRS) {
      add('FCA (0 observed, small sample)', `${accepted} of ${pairs}`, accepted === 0, accepted === 0)
    } else {
      const bound = wilsonUpperBound(accepted, pairs)
      add('FCA Wilson 95 % upper bound', `${percent(bound)} (${accepted} of ${pairs})`, bound <= 0.01, bound <= 0.05)
    }
    if (shadow >= SHADOW_FLOOR) {
      const fcaRatio = accepted / pairs / shadow
      add('FCA ratio vs no-trust shadow', `${fcaRatio.toFixed(4)} (shadow ${percent(shadow)})`, fcaRatio <= 0.01, fcaRatio <= 0.05)
    } else {
      add('FCA ratio vs no-trust shadow', `shadow ${percent(shadow)} < 50 %: not scored`, undefined, undefined)
    }
  }
  const tcaPairs = sum(cells, (cell) => cell.detail.counts.tca[1])
  const tca = sum(cells, (cell) => cell.detail.counts.tca[0]) / Math.max(1, tcaPairs)
  if (LIVENESS_SCENARIOS.has(scenario)) {
    const [excellent, must] = n >= 25 ? [0.97, 0.9] : [0.95, 0.8]
    add('TCA', percent(tca), tca >= excellent, tca >= must)
  } else if (FLIP_SCENARIOS.has(scenario)) {
    add('TCA (attack window)', percent(tca), n >= 25 ? tca >= 0.85 : undefined, n >= 25 ? tca >= 0.7 : undefined)
  }
  const tta = cells.flatMap((cell) => valuesOf(cell.detail.tta))
  const p50 = percentile(tta, 0.5) ?? Infinity
  const p95 = percentile(tta, 0.95) ?? Infinity
  if (scenario === 'S0') add('TTA median / p95', `${p50} / ${p95} rounds`, p50 <= 3 && p95 <= 5, p95 <= 8)
  else if (ATTACK_SCENARIOS.has(scenario)) add('TTA p95', `${p95} rounds`, p95 <= 6, p95 <= 12)
  if (scenario === 'S4' || scenario === 'S5') {
    const recovery = Math.max(...cells.map((cell) => typeof cell.REC === 'number' ? cell.REC : Infinity))
    add('REC (worst cell)', Number.isFinite(recovery) ? `${recovery} rounds` : 'never', recovery <= 8, recovery <= 15)
    const novel = Math.min(...cells.map((cell) => typeof cell.COST.min_novel_at_promotion === 'number' ? cell.COST.min_novel_at_promotion : Infinity))
    const tenure = Math.min(...cells.map((cell) => typeof cell.COST.min_tenure_rounds === 'number' ? cell.COST.min_tenure_rounds : Infinity))
    add('COST per promotion (novel claims / tenure)', Number.isFinite(novel) ? `${novel} claims / ${tenure} rounds` : 'no promotion', novel >= 2 && tenure >= 3, novel >= 1)
  }
  for (const cell of cells.filter((entry) => entry.scenario === 'S3' && entry.f === 0.5)) {
    add(`exposure (f = 0.5, seed ${cell.seed})`, percent(cell.exposure), cell.exposure <= 0.05, cell.exposure <= 0.2)
  }
  if (scenario === 'S0') {
    const hd = sum(cells, (cell) => cell.HD) / cells.length
    add('HD per observer per 100 rounds', hd.toFixed(3), hd <= 1, hd <= 5)
  }
  return checks
}

/** Hard-invariant failures of a set of results, as "cell: invariant note" lines. */
export function invariantFailures (results: readonly CellResult[]): string[] {
  const failures: string[] = []
  for (const result of results) {
    for (const [id, verdict] of Object.entries(result.detail.invariants)) {
      if (!verdict.pass) failures.push(`${result.scenario} N=${result.N} m=${result.m} f=${result.f} seed=${result.seed}: ${id} ${verdict.note}`)
    }
  }
  return failures
}
