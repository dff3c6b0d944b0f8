/**
 * The result of one cell (TRUSTBENCH §3.8): the JSON line's metrics, then the details
 * the pooled summary needs (counts behind each proportion, TTA histogram, invariants,
 * typed errors). Infinite values are written as the string "inf", missing ones as null.
 */
import type { AcceptanceCounts } from './acceptance-metrics.ts'
import type { ForgeAudit } from './forge-audit.ts'
import type { InvariantId, InvariantResult } from './invariants.ts'
import type { CellSpec } from './scenarios.ts'
import { percentile, ratio, valuesOf, wilsonUpperBound } from './statistics.ts'
import type { CostMetrics, TrustMetrics } from './trust-metrics.ts'

/** A JSON-safe number: finite, "inf", or null when not defined. */
export type Reported = number | 'inf' | null

/** One cell's line (TRUSTBENCH §3.8) and its details. */
export interface CellResult {
  scenario: CellSpec['scenario']
  N: number
  m: number
  f: number
  seed: number
  R: number
  FCA: Reported
  FCA_ub: Reported
  FCA_shadow: Reported
  TCA: Reported
  TTA_p50: Reported
  TTA_p95: Reported
  ADV_T_pre: number
  ADV_T_post: number
  exposure: number
  REC: Reported
  HB: number
  HD: number
  COV: Reported
  PROP: number
  FORGE: number
  EQV: Reported
  COST: { per_promoted: Reported, per_false_accepted: Reported, min_novel_at_promotion: Reported, min_tenure_rounds: Reported, promotions: number }
  deliveries: number
  envelopes: number
  wall_ms: number
  detail: CellDetail
}

/** What pooling and diagnosis need beyond the line. */
export interface CellDetail {
  sparse: boolean
  identities: { honest: number, malicious: number, sybils: number, roots: number }
  honest_diameter: number
  counts: { fca: [number, number], shadow: [number, number], tca: [number, number], false_claims: number, true_claims: number }
  tta: Record<string, number>
  errors: Record<string, number>
  forgeries: Record<string, number>
  invariants: Record<InvariantId, InvariantResult>
  setup_deliveries: number
  introductions: { sent: number, skipped: number }
}

/** Everything a result is made of. */
export interface ResultParts {
  spec: CellSpec
  acceptance: AcceptanceCounts
  trust: TrustMetrics
  forge: ForgeAudit
  invariants: Record<InvariantId, InvariantResult>
  equivocationRounds: number | undefined
  deliveries: number
  envelopes: number
  wallMs: number
  detail: Pick<CellDetail, 'identities' | 'honest_diameter' | 'setup_deliveries' | 'introductions'>
}

/** A number as reported. */
export function reported (value: number | undefined): Reported {
  if (value === undefined || Number.isNaN(value)) return null
  return Number.isFinite(value) ? round6(value) : 'inf'
}

function round6 (value: number): number {
  return Math.round(value * 1e6) / 1e6
}

/** Assembles the cell's result. */
export function assembleResult (parts: ResultParts): CellResult {
  const { spec, acceptance, trust, forge } = parts
  const tta = valuesOf(acceptance.tta)
  const fca = ratio(acceptance.fca.successes, acceptance.fca.trials)
  return {
    scenario: spec.scenario,
    N: spec.n,
    m: spec.m,
    f: spec.f,
    seed: spec.seed,
    R: spec.rounds,
    FCA: reported(fca),
    FCA_ub: acceptance.fca.trials === 0 ? null : reported(wilsonUpperBound(acceptance.fca.successes, acceptance.fca.trials)),
    FCA_shadow: reported(ratio(acceptance.shadow.successes, acceptance.shadow.trials)),
    TCA: reported(ratio(acceptance.tca.successes, acceptance.tca.trials)),
    TTA_p50: reported(percentile(tta, 0.5)),
    TTA_p95: reported(percentile(tta, 0.95)),
    ADV_T_pre: trust.advTrustedPre,
    ADV_T_post: trust.advTrustedPost,
    exposure: round6(trust.exposure),
    REC: spec.scenario === 'S4' || spec.scenario === 'S5' ? (trust.recovery === undefined ? 'inf' : trust.recovery) : null,
    HB: trust.honestBlacklisted,
    HD: round6(trust.honestDemotionsPer100),
    COV: reported(trust.coverage),
    PROP: trust.propagated,
    FORGE: forge.changes,
    EQV: spec.scenario === 'S7' ? (parts.equivocationRounds === undefined ? 'inf' : parts.equivocationRounds) : null,
    COST: costOf(trust.cost),
    deliveries: parts.deliveries,
    envelopes: parts.envelopes,
    wall_ms: Math.round(parts.wallMs),
    detail: {
      sparse: spec.sparse === true,
      ...parts.detail,
      counts: {
        fca: [acceptance.fca.successes, acceptance.fca.trials],
        shadow: [acceptance.shadow.successes, acceptance.shadow.trials],
        tca: [acceptance.tca.successes, acceptance.tca.trials],
        false_claims: acceptance.falseClaims,
        true_claims: acceptance.trueClaims
      },
      tta: acceptance.tta,
      errors: forge.errors,
      forgeries: forge.sent,
      invariants: parts.invariants
    }
  }
}

function costOf (cost: CostMetrics): CellResult['COST'] {
  return {
    per_promoted: reported(cost.perPromoted),
    per_false_accepted: reported(cost.perFalseAccepted),
    min_novel_at_promotion: reported(cost.minNovelAtPromotion),
    min_tenure_rounds: reported(cost.minTenureRounds),
    promotions: cost.promotions
  }
}
