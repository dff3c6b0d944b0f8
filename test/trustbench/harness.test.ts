/**
 * TrustBench harness self-checks (TRUSTBENCH.md): the statistics it reports, the no-trust
 * shadow and the I5/I6 replay on hand-made traces, the metric computations on a tiny
 * scripted world, and bit-for-bit determinism of one small cell. The quick tier itself
 * is not run here (`npm run trustbench`).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countAcceptances } from '../../bench/trustbench/acceptance-metrics.ts'
import { auditAcceptances, shadowAcceptances } from '../../bench/trustbench/audit.ts'
import { runCell } from '../../bench/trustbench/cell.ts'
import { ClaimBook } from '../../bench/trustbench/claim-book.ts'
import type { CellContext } from '../../bench/trustbench/context.ts'
import { createStats } from '../../bench/trustbench/context.ts'
import { createPrng } from '../../bench/trustbench/prng.ts'
import { PLANS, quickTier } from '../../bench/trustbench/scenarios.ts'
import { percentile, wilsonUpperBound } from '../../bench/trustbench/statistics.ts'
import { componentsOf, wattsStrogatz } from '../../bench/trustbench/topology.ts'
import type { AuditEntry, TransitionEntry } from '../../bench/trustbench/trace.ts'
import { computeTrustMetrics } from '../../bench/trustbench/trust-metrics.ts'
import type { TrustState } from '../../src/protocol/trust/index.ts'
import type { ClaimStatus } from '../../src/runtime/knowledge/types.ts'

describe('wilsonUpperBound()', () => {
  it('wilsonUpperBound() falls below 1 % for 0 successes only from about 380 trials (TRUSTBENCH §3.5)', () => {
    assert.ok(wilsonUpperBound(0, 400) < 0.01)
    assert.ok(wilsonUpperBound(0, 300) > 0.01)
    assert.equal(Number(wilsonUpperBound(0, 380).toFixed(4)), 0.01)
  })

  it('wilsonUpperBound() matches the textbook interval for 10 of 100', () => {
    assert.equal(Number(wilsonUpperBound(10, 100).toFixed(4)), 0.1744)
  })

  it('wilsonUpperBound() is 1 without trials and refuses impossible counts', () => {
    assert.equal(wilsonUpperBound(0, 0), 1)
    assert.throws(() => wilsonUpperBound(3, 2), RangeError)
  })
})

describe('percentile()', () => {
  it('percentile() is the nearest rank', () => {
    assert.equal(percentile([3, 1, 2, 4], 0.5), 2)
    assert.equal(percentile([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 12], 0.95), 3)
    assert.equal(percentile([], 0.5), undefined)
  })
})

const verdict = (claim: string, from: string, kind: 'confirm' | 'challenge'): AuditEntry => ({ t: 'verdict', claim, from, kind })

describe('shadowAcceptances()', () => {
  it('shadowAcceptances() accepts on 2 handshaked confirmations before any challenge, never counting the proposer', () => {
    const log: AuditEntry[] = [
      verdict('c1', 'a', 'confirm'), verdict('c1', 'b', 'confirm'),
      verdict('c2', 'a', 'confirm'), verdict('c2', 'b', 'challenge'), verdict('c2', 'd', 'confirm'),
      verdict('c3', 'p', 'confirm'), verdict('c3', 'a', 'confirm'),
      verdict('c4', 'x', 'confirm'), verdict('c4', 'a', 'confirm'),
      verdict('c5', 'a', 'confirm'), verdict('c5', 'a', 'confirm')
    ]
    const claims = new Map([['c1', 'p'], ['c2', 'p'], ['c3', 'p'], ['c4', 'p'], ['c5', 'p']])
    const accepted = shadowAcceptances(log, claims, new Set(['a', 'b', 'd', 'p']))
    assert.deepEqual([...accepted], ['c1'])
  })
})

describe('auditAcceptances()', () => {
  const trust = (peer: string, to: TrustState): AuditEntry => ({ t: 'trust', peer, to })
  const accepted = (claim: string): AuditEntry => ({ t: 'status', claim, to: 'accepted', round: 5 })
  const initial = new Map<string, TrustState>([['r', 'trusted'], ['a', 'probing'], ['p', 'probing']])

  it('auditAcceptances() passes an acceptance with two trusted confirmations, the own one included', () => {
    const log: AuditEntry[] = [{ t: 'propose', claim: 'c', proposer: 'p' }, { t: 'own', claim: 'c', kind: 'confirm' }, verdict('c', 'r', 'confirm'), accepted('c')]
    assert.deepEqual(auditAcceptances('o', log, initial, () => undefined), [])
  })

  it('auditAcceptances() flags I5 when a confirmer was not yet trusted at that moment', () => {
    const log: AuditEntry[] = [{ t: 'propose', claim: 'c', proposer: 'p' }, verdict('c', 'r', 'confirm'), verdict('c', 'a', 'confirm'), accepted('c'), trust('a', 'trusted')]
    assert.deepEqual(auditAcceptances('o', log, initial, () => undefined).map((violation) => violation.invariant), ['I5'])
  })

  it('auditAcceptances() never counts the proposer, and flags I6 for an untrusted proposer', () => {
    const log: AuditEntry[] = [
      { t: 'propose', claim: 'c', proposer: 'p' }, trust('p', 'trusted'), trust('a', 'trusted'),
      verdict('c', 'p', 'confirm'), verdict('c', 'r', 'confirm'), accepted('c'),
      verdict('c', 'a', 'confirm'), trust('p', 'untrusted'), accepted('c')
    ]
    assert.deepEqual(auditAcceptances('o', log, initial, () => undefined).map((violation) => violation.invariant), ['I5', 'I6'])
  })
})

describe('Watts–Strogatz topology', () => {
  it('wattsStrogatz() is connected, seeded and about degree 4', () => {
    for (const count of [5, 8, 22, 45]) {
      const edges = wattsStrogatz(count, createPrng(`ws-${count}`))
      assert.equal(componentsOf(count, edges).length, 1)
      assert.deepEqual(edges, wattsStrogatz(count, createPrng(`ws-${count}`)))
      assert.ok(Math.abs(edges.length - 2 * count) <= 1, `${count} nodes, ${edges.length} edges`)
    }
  })

  it('quickTier() has the 32 cells of TRUSTBENCH §3.6', () => {
    assert.equal(quickTier().length, 32)
  })
})

/** A stub observer: just what the metric code reads. */
function stubTrace (fingerprint: string, transitions: TransitionEntry[], statuses: Record<string, Partial<Record<ClaimStatus, number>>>, finals: Record<string, ClaimStatus>, log: AuditEntry[] = []): unknown {
  return {
    node: { fingerprint, name: fingerprint, node: { knowledge: { statusOf: (id: string) => finals[id] } } },
    transitions,
    log,
    handshaked: new Set(['a1', 'a2', 'h1', 'h2', 'h3']),
    initialTrust: new Map(),
    firstRound: (claim: string, status: ClaimStatus) => statuses[claim]?.[status]
  }
}

describe('metric computations on a scripted world', () => {
  const book = new ClaimBook(1)
  const lie = book.add('lie', { isTrue: false, proposer: 'a1', isAdversarial: true, round: 12 })
  const fact = book.add('fact', { isTrue: true, proposer: 'h1', isAdversarial: false, round: 12 })
  const early = book.add('early', { isTrue: true, proposer: 'h2', isAdversarial: false, round: 3 })
  const move = (round: number, peer: string, from: TrustState, to: TrustState, event: string): TransitionEntry => ({ round, peer, from, to, event, causeMsgIds: [] })
  const traces = new Map([
    ['h1', stubTrace('h1', [move(4, 'a1', 'probing', 'trusted', 'verified_knowledge'), move(21, 'a1', 'trusted', 'probing', 'temporary_anomaly')], { [lie.id]: { accepted: 15 } }, {}, [verdict(lie.id, 'a1', 'confirm'), verdict(lie.id, 'a2', 'confirm'), verdict(lie.id, 'h2', 'confirm')])],
    ['h2', stubTrace('h2', [move(7, 'h3', 'trusted', 'probing', 'temporary_anomaly'), move(9, 'h3', 'probing', 'trusted', 'introduction')], { [fact.id]: { accepted: 15 } }, { [fact.id]: 'accepted', [early.id]: 'accepted' })],
    ['h3', stubTrace('h3', [move(8, 'h1', 'trusted', 'blacklisted', 'cryptographic_evidence')], { [fact.id]: { accepted: 17 } }, { [fact.id]: 'disputed' })]
  ])
  const stats = createStats()
  stats.adversariesTrusted = Array.from({ length: 40 }, (_, round) => round < 4 ? [0, 0, 0] : round < 24 ? [1, 0, 0] : [0, 0, 0])
  const context = {
    spec: { scenario: 'S2', n: 5, m: 0.4, f: 0, seed: 1, rounds: 40 },
    plan: PLANS.S2,
    book,
    traces,
    stats,
    world: {
      honest: ['h1', 'h2', 'h3'].map((fingerprint) => ({ fingerprint })),
      adversaries: ['a1', 'a2'].map((fingerprint) => ({ fingerprint }))
    }
  } as unknown as CellContext

  it('countAcceptances() counts FCA, the shadow, TCA and TTA over the window and without the proposer', () => {
    const counts = countAcceptances(context)
    assert.deepEqual(counts.fca, { successes: 1, trials: 3 })
    assert.deepEqual(counts.shadow, { successes: 1, trials: 3 })
    assert.deepEqual(counts.tca, { successes: 1, trials: 2 })
    assert.deepEqual(counts.tta, { 3: 1, 5: 1 })
  })

  it('computeTrustMetrics() reads ADV_T, exposure, REC, HB, HD, PROP and COST from the logs', () => {
    const metrics = computeTrustMetrics(context, 1)
    assert.equal(metrics.advTrustedPre, 1)
    assert.equal(metrics.advTrustedPost, 1)
    assert.ok(Math.abs(metrics.exposure - 20 / 6 / 40) < 1e-12)
    assert.equal(metrics.recovery, 4)
    assert.equal(metrics.honestBlacklisted, 1)
    assert.ok(Math.abs(metrics.honestDemotionsPer100 - 1 / 3 / 40 * 100) < 1e-12)
    assert.equal(metrics.propagated, 1)
    assert.equal(metrics.cost.promotions, 1)
    assert.equal(metrics.cost.minNovelAtPromotion, 0)
    assert.equal(metrics.cost.minTenureRounds, 4)
  })
})

describe('runCell()', () => {
  it('runCell() reproduces one N = 10 cell bit for bit from its seed', async () => {
    const spec = { scenario: 'S4', n: 10, m: 0.2, f: 0, seed: 7, rounds: 12 } as const
    const strip = (result: Awaited<ReturnType<typeof runCell>>): unknown => ({ ...result, wall_ms: 0 })
    const first = await runCell(spec)
    const second = await runCell(spec)
    assert.deepEqual(strip(first), strip(second))
    assert.ok(first.deliveries > 0 && first.envelopes > 0)
    for (const [id, verdict] of Object.entries(first.detail.invariants)) assert.ok(verdict.pass, `${id}: ${verdict.note}`)
  })
})
