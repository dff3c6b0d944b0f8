/**
 * Properties of `ClaimLedger` over random runs: proposals, verdicts from random peers
 * (before and after their proposal), the node's own verdicts, trust changing between
 * evaluations, and time steps — checked against a plain model of what was sent.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { TrustState } from '../../protocol/trust/index.ts'
import { claimIdOf } from './claim-id.ts'
import { ClaimLedger } from './claim-ledger.ts'
import type { VerdictOutcome } from './claim-ledger.ts'
import { CHALLENGE_WINDOW_MS, MIN_TRUSTED_CONFIRMATIONS } from './constants.ts'
import { contextOf, DMP_TRACE, factOf, SELF } from './fixtures.test.ts'
import type { ClaimStatus, VerdictKind } from './types.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 400 }
const PEERS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] as const
const STATEMENTS = 3

type Op =
  | { type: 'propose', statement: number, proposer: string }
  | { type: 'verdict', statement: number, from: string, kind: VerdictKind }
  | { type: 'own', statement: number, kind: VerdictKind }
  | { type: 'trust', peer: string, state: TrustState }
  | { type: 'step', ms: number }
  | { type: 'evaluate' }

const statement = fc.integer({ min: 0, max: STATEMENTS - 1 })
const kind = fc.oneof({ weight: 3, arbitrary: fc.constant<VerdictKind>('confirm') }, fc.constant<VerdictKind>('challenge'))
// Mostly trusted peers, so that acceptances happen often enough to test them.
const trustState = fc.oneof(
  { weight: 5, arbitrary: fc.constant<TrustState>('trusted') },
  { weight: 2, arbitrary: fc.constant<TrustState>('probing') },
  fc.constantFrom<TrustState>('unknown', 'untrusted', 'blacklisted')
)
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('propose' as const), statement, proposer: fc.constantFrom(...PEERS, SELF) }),
  { weight: 3, arbitrary: fc.record({ type: fc.constant('verdict' as const), statement, from: fc.constantFrom(...PEERS, SELF), kind }) },
  fc.record({ type: fc.constant('own' as const), statement, kind }),
  fc.record({ type: fc.constant('trust' as const), peer: fc.constantFrom(...PEERS), state: trustState }),
  fc.record({ type: fc.constant('step' as const), ms: fc.integer({ min: 0, max: 2_500 }) }),
  { weight: 2, arbitrary: fc.constant({ type: 'evaluate' as const }) }
)
const run = fc.record({
  trust: fc.tuple(...PEERS.map(() => trustState)).map((states) => Object.fromEntries(PEERS.map((peer, i) => [peer, states[i] ?? 'unknown']))),
  pinned: fc.subarray([...PEERS]),
  ops: fc.array(op, { minLength: 20, maxLength: 150, size: 'large' })
})

/** What the test sent, to check the ledger against. */
interface Model {
  nowMs: number
  trust: Record<string, TrustState>
  proposer: Map<number, string>
  firstSeenAtMs: Map<number, number>
  /** Every peer's latest verdict kind per statement, buffered ones included, the proposer's dropped. */
  kinds: Map<number, Map<string, VerdictKind>>
  own: Map<number, VerdictKind>
  status: Map<number, ClaimStatus>
}

const idOf = (index: number): string => claimIdOf(`fact-${index}`, 'test')
const isBad = (state: TrustState): boolean => state === 'untrusted' || state === 'blacklisted'

/** The outcome the model predicts for a verdict, and the model's update. */
function expectVerdict (model: Model, index: number, from: string, verdictKind: VerdictKind): VerdictOutcome {
  const proposer = model.proposer.get(index)
  if (proposer === from) return 'from_proposer'
  const kinds = model.kinds.get(index) ?? new Map<string, VerdictKind>()
  model.kinds.set(index, kinds)
  const previous = kinds.get(from)
  kinds.set(from, verdictKind)
  if (previous === undefined) return proposer === undefined ? 'unknown_claim' : 'recorded'
  return previous === verdictKind ? 'duplicate' : 'equivocation'
}

/** Counted confirmers per the model: distinct peers trusted now whose latest verdict confirms, plus the own verdict. */
function modelConfirmers (model: Model, index: number): number {
  const proposer = model.proposer.get(index)
  let count = 0
  for (const [peer, verdictKind] of model.kinds.get(index) ?? []) {
    if (peer !== proposer && peer !== SELF && verdictKind === 'confirm' && model.trust[peer] === 'trusted') count++
  }
  if (model.own.get(index) === 'confirm' && proposer !== SELF) count++
  return count
}

/** Transitions seen over all runs, to show the properties are not vacuous. */
const seen = { accepted: 0, retracted: 0, rejected: 0, disputed: 0, pending: 0, buffered: 0, equivocations: 0 }

/** Checks one evaluation's changes and the ledger's state against the model. */
function checkEvaluation (ledger: ClaimLedger, model: Model, pinned: readonly string[]): void {
  const changes = ledger.evaluate(contextOf(model.trust, { nowMs: model.nowMs, pinned }))
  for (const change of changes) {
    const index = [...model.proposer.keys()].find((i) => idOf(i) === change.claimId)
    assert.ok(index !== undefined, 'a change for a claim never proposed')
    assert.equal(change.from, model.status.get(index) ?? 'pending')
    model.status.set(index, change.to)
    if (change.isRetraction) seen.retracted++
    if (change.to !== 'accepted') {
      seen[change.to]++
      continue
    }
    seen.accepted++
    const proposer = model.proposer.get(index) ?? ''
    assert.ok(modelConfirmers(model, index) >= MIN_TRUSTED_CONFIRMATIONS, 'I5: accepted without 2 counted confirmers trusted now')
    assert.ok(proposer === SELF || (model.trust[proposer] ?? 'unknown') !== 'unknown', 'accepted from an unknown proposer')
    assert.ok(model.nowMs - (model.firstSeenAtMs.get(index) ?? 0) >= CHALLENGE_WINDOW_MS, 'accepted inside the window')
  }
  assert.deepEqual(ledger.evaluate(contextOf(model.trust, { nowMs: model.nowMs, pinned })), [], 'evaluate is not idempotent')
  for (const [index, proposer] of model.proposer) {
    const claim = ledger.get(idOf(index))
    assert.ok(claim !== undefined)
    assert.equal(claim.proposer, proposer, 'the proposer changed')
    if (claim.status === 'accepted') {
      assert.ok(proposer === SELF || !isBad(model.trust[proposer] ?? 'unknown'), 'I6: accepted with an untrusted proposer')
      assert.ok(model.nowMs - claim.firstSeenAtMs >= CHALLENGE_WINDOW_MS)
      assert.equal(claim.wasEverAccepted, true)
    }
    const held = new Map(claim.verdicts.map((v) => [v.from, v.kind]))
    assert.deepEqual(held, model.kinds.get(index) ?? new Map(), 'the counted verdicts differ from those sent (buffered ones included)')
  }
}

/** Applies one operation to the ledger and the model, checking its immediate result. */
function apply (ledger: ClaimLedger, model: Model, step: Op, pinned: readonly string[]): void {
  switch (step.type) {
    case 'propose': {
      const isNew = !model.proposer.has(step.statement)
      const result = ledger.propose({ fact: factOf(`fact-${step.statement}`), dmpTrace: DMP_TRACE, causalLinks: [], proposer: step.proposer, msgId: 'm', atMs: model.nowMs })
      assert.equal(result.isNew, isNew)
      assert.equal(result.isNovelFor, isNew ? step.proposer : undefined)
      if (isNew) {
        model.proposer.set(step.statement, step.proposer)
        model.firstSeenAtMs.set(step.statement, model.nowMs)
        model.kinds.get(step.statement)?.delete(step.proposer)
      }
      return
    }
    case 'verdict': {
      const expected = expectVerdict(model, step.statement, step.from, step.kind)
      const result = ledger.addVerdict(idOf(step.statement), { from: step.from, kind: step.kind, msgId: 'm', atMs: model.nowMs })
      assert.equal(result.outcome, expected)
      if (expected === 'unknown_claim') seen.buffered++
      if (expected === 'equivocation') seen.equivocations++
      assert.equal(result.previous !== undefined, expected === 'duplicate' || expected === 'equivocation')
      return
    }
    case 'own':
      if (ledger.setOwnVerdict(idOf(step.statement), step.kind)) model.own.set(step.statement, step.kind)
      else assert.ok(!model.proposer.has(step.statement))
      return
    case 'trust':
      model.trust[step.peer] = step.state
      return
    case 'step':
      model.nowMs += step.ms
      return
    case 'evaluate':
      checkEvaluation(ledger, model, pinned)
  }
}

describe('ClaimLedger properties', () => {
  it('holds I5, I6, the window, the first proposer, buffering and equivocation over random runs', () => {
    fc.assert(fc.property(run, ({ trust, pinned, ops }) => {
      const ledger = new ClaimLedger()
      const model: Model = { nowMs: 0, trust: { ...trust }, proposer: new Map(), firstSeenAtMs: new Map(), kinds: new Map(), own: new Map(), status: new Map() }
      for (const step of ops) apply(ledger, model, step, pinned)
      checkEvaluation(ledger, model, pinned)
    }), PROPERTY_OPTIONS)
    for (const [what, count] of Object.entries(seen)) assert.ok(count >= 50, `only ${count} runs reached ${what}: the generator is too weak`)
  })

  it('never exceeds its bounds, and refuses only with the typed backpressure errors', () => {
    const bounds = fc.record({ maxClaims: fc.integer({ min: 1, max: 4 }), maxVerdictsPerClaim: fc.integer({ min: 1, max: 3 }), maxEarlyVerdicts: fc.integer({ min: 1, max: 4 }) })
    const boundedOp = fc.oneof(
      fc.record({ statement: fc.integer({ min: 0, max: 9 }), proposer: fc.constantFrom(...PEERS) }),
      fc.record({ statement: fc.integer({ min: 0, max: 9 }), from: fc.constantFrom(...PEERS), kind })
    )
    fc.assert(fc.property(bounds, fc.array(boundedOp, { maxLength: 120 }), (init, steps) => {
      const ledger = new ClaimLedger(init)
      for (const step of steps) {
        try {
          if ('proposer' in step) ledger.propose({ fact: factOf(`fact-${step.statement}`), dmpTrace: DMP_TRACE, causalLinks: [], proposer: step.proposer, msgId: 'm', atMs: 0 })
          else ledger.addVerdict(idOf(step.statement), { from: step.from, kind: step.kind, msgId: 'm', atMs: 0 })
        } catch (err) {
          assert.equal((err as Error).name, 'BackpressureError')
          const reason = (err as { reason: string }).reason
          if ('proposer' in step) assert.equal(reason, 'claim_ledger_full')
          else assert.equal(reason, 'claim_verdicts_full')
          if (reason === 'claim_ledger_full') assert.equal(ledger.size, init.maxClaims)
        }
        assert.ok(ledger.size <= init.maxClaims)
        assert.ok(ledger.earlyVerdictCount <= init.maxEarlyVerdicts)
        for (const claim of ledger.list()) assert.ok(claim.verdicts.length <= init.maxVerdictsPerClaim)
      }
    }), PROPERTY_OPTIONS)
  })
})
