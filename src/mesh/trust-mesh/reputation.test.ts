import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { transitionTrust } from '../../protocol/trust/index.ts'
import {
  ANOMALY_MIN_REFUTED_ACTIONS, ANOMALY_WINDOW_MS, MIN_NOVEL_ACCEPTED_CLAIMS, MIN_PROBING_TENURE_MS, SUSTAINED_REFUTATION_MIN,
  SUSTAINED_REFUTATION_MIN_SPAN_MS, SUSTAINED_REFUTATION_WINDOW_MS
} from './constants.ts'
import { ReputationLedger } from './reputation.ts'
import type { ReputationLedgerInit } from './reputation-init.ts'

const T0 = Date.UTC(2026, 10, 26, 4, 0, 0)
const PEER = 'a1'.repeat(32)
const OTHER = 'b2'.repeat(32)

let claimCounter = 0
const nextClaim = (): string => `claim-${++claimCounter}`

function accept (ledger: ReputationLedger, atMs: number, proposer = PEER, isNovel = true): string {
  const claimId = nextClaim()
  ledger.onClaimAccepted({ claimId, proposer, isNovel, atMs, causeMsgIds: [`propose-${claimId}`] })
  return claimId
}

function refute (ledger: ReputationLedger, atMs: number, count = 1, peer = PEER): void {
  for (let i = 0; i < count; i++) {
    const claimId = nextClaim()
    ledger.onClaimUpheld({ claimId, challengers: [peer], atMs, causeMsgIds: [`challenge-${claimId}`] })
  }
}

function uphold (ledger: ReputationLedger, atMs: number, count = 1, peer = PEER): void {
  for (let i = 0; i < count; i++) {
    const claimId = nextClaim()
    ledger.onVerdictUpheld({ claimId, peers: [peer], atMs, causeMsgIds: [`confirm-${claimId}`] })
  }
}

describe('ReputationLedger.evaluate() verified_knowledge (SPEC §15.6)', () => {
  it('promotes a probing peer with 2 novel accepted claims after the tenure, citing the claims', () => {
    const ledger = new ReputationLedger()
    const first = accept(ledger, T0 + 3_000)
    const second = accept(ledger, T0 + 4_000)
    const [proposal, ...rest] = ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + MIN_PROBING_TENURE_MS })
    assert.equal(rest.length, 0)
    assert.equal(proposal?.event, 'verified_knowledge')
    assert.equal(proposal.rule, 'novel_claims_verified')
    assert.equal(proposal.peer, PEER)
    assert.deepEqual(proposal.causeMsgIds, [`propose-${second}`, `propose-${first}`])
    assert.match(proposal.reason, /2 novel claims accepted/)
    assert.equal(transitionTrust('probing', proposal.event).to, 'trusted')
  })

  it('waits for the tenure in probing', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    accept(ledger, T0 + 2_000)
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + MIN_PROBING_TENURE_MS - 1 }), [])
  })

  it('needs MIN_NOVEL_ACCEPTED_CLAIMS novel claims: one is not enough, re-proposals earn nothing', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    for (let i = 0; i < 10; i++) accept(ledger, T0 + 2_000, PEER, false)
    const facts = { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 60_000 } as const
    assert.equal(MIN_NOVEL_ACCEPTED_CLAIMS, 2)
    assert.deepEqual(ledger.evaluate(PEER, facts), [])
    assert.equal(ledger.summaryOf(PEER, facts.nowMs).novelAcceptedClaims, 1)
  })

  it('never promotes on confirmations alone', () => {
    const ledger = new ReputationLedger()
    uphold(ledger, T0 + 1_000, 50)
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 60_000 }), [])
  })

  it('counts no claim accepted before the peer entered probing', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    accept(ledger, T0 + 2_000)
    const probingSinceMs = T0 + 2_001
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs, nowMs: T0 + 60_000 }), [])
    accept(ledger, T0 + 61_000)
    accept(ledger, T0 + 62_000)
    assert.equal(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs, nowMs: T0 + 62_000 })[0]?.event, 'verified_knowledge')
  })

  it('asks one more novel claim for each refutation since probation began', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    accept(ledger, T0 + 2_000)
    refute(ledger, T0 + 2_500)
    const facts = { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 6_000 } as const
    assert.deepEqual(ledger.evaluate(PEER, facts), [])
    accept(ledger, T0 + 6_500)
    assert.equal(ledger.evaluate(PEER, { ...facts, nowMs: T0 + 7_000 })[0]?.event, 'verified_knowledge')
  })

  it('takes back the credit of a claim refuted after it was accepted (SPEC §15.5)', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    const late = accept(ledger, T0 + 2_000)
    ledger.onClaimRefuted({ claimId: late, proposer: PEER, confirmers: [], atMs: T0 + 4_000, causeMsgIds: ['late-challenge'] })
    assert.equal(ledger.summaryOf(PEER, T0 + 4_000).novelAcceptedClaims, 1)
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 10_000 }), [])
  })

  it('credits a claim once however often it is accepted', () => {
    const ledger = new ReputationLedger()
    const claimId = accept(ledger, T0 + 1_000)
    ledger.onClaimAccepted({ claimId, proposer: PEER, isNovel: true, atMs: T0 + 2_000, causeMsgIds: ['again'] })
    assert.equal(ledger.summaryOf(PEER, T0 + 2_000).novelAcceptedClaims, 1)
    assert.equal(ledger.summaryOf(PEER, T0 + 2_000).goodActions, 1)
  })

  it('proposes nothing without probingSinceMs, nor for a peer already trusted, unknown or never seen', () => {
    const ledger = new ReputationLedger()
    accept(ledger, T0 + 1_000)
    accept(ledger, T0 + 2_000)
    const nowMs = T0 + 60_000
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', nowMs }), [])
    for (const trust of ['trusted', 'unknown', 'untrusted', 'blacklisted'] as const) {
      assert.deepEqual(ledger.evaluate(PEER, { trust, probingSinceMs: T0, nowMs }), [], trust)
    }
    assert.deepEqual(ledger.evaluate(OTHER, { trust: 'probing', probingSinceMs: T0, nowMs }), [])
  })
})

describe('ReputationLedger.evaluate() one-step demotions (SPEC §15.7)', () => {
  it('moves a trusted peer to probing on a burst of refuted actions: temporary_anomaly, citing them', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS)
    const [proposal] = ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 })
    assert.equal(proposal?.event, 'temporary_anomaly')
    assert.equal(proposal.rule, 'refuted_burst')
    assert.equal(proposal.causeMsgIds.length, ANOMALY_MIN_REFUTED_ACTIONS)
    assert.ok(proposal.causeMsgIds.every((msgId) => msgId.startsWith('challenge-')))
    assert.equal(transitionTrust('trusted', proposal.event).to, 'probing')
  })

  it('moves a probing peer to untrusted on the same burst: conflict', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS)
    const [proposal] = ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0 - 60_000, nowMs: T0 })
    assert.equal(proposal?.event, 'conflict')
    assert.equal(transitionTrust('probing', proposal.event).to, 'untrusted')
  })

  it('tolerates fewer refutations than the burst, or the same spread over more than the window', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS - 1)
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 }), [])
    const spread = new ReputationLedger()
    for (let i = 0; i < ANOMALY_MIN_REFUTED_ACTIONS; i++) refute(spread, T0 + i * (ANOMALY_WINDOW_MS / (ANOMALY_MIN_REFUTED_ACTIONS - 1)))
    assert.deepEqual(spread.evaluate(PEER, { trust: 'trusted', nowMs: T0 + ANOMALY_WINDOW_MS }), [])
  })

  it('uses each refutation for one demotion at most: trusted → probing, never on to untrusted', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS)
    assert.equal(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 })[0]?.event, 'temporary_anomaly')
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 1 }), [])
    refute(ledger, T0 + 1_000, ANOMALY_MIN_REFUTED_ACTIONS)
    assert.equal(ledger.evaluate(PEER, { trust: 'probing', probingSinceMs: T0, nowMs: T0 + 1_000 })[0]?.event, 'conflict')
  })

  it('proposes no one-step demotion for an untrusted peer (the FSM has no such row)', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS)
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'untrusted', nowMs: T0 }), [])
  })

  it('demotes on the very first refuted action when anomalyMinRefutedActions is 1 (the strict reading of §15.7)', () => {
    const ledger = new ReputationLedger({ anomalyMinRefutedActions: 1 })
    refute(ledger, T0)
    assert.equal(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 })[0]?.event, 'temporary_anomaly')
  })
})

describe('ReputationLedger.evaluate() sustained_refutation (SPEC §15.7)', () => {
  it('blacklists a peer whose refuted actions outnumber its good ones over the window', () => {
    const ledger = new ReputationLedger()
    uphold(ledger, T0, 2)
    for (let i = 0; i <= 10; i++) refute(ledger, T0 + i * 1_000)
    const [proposal] = ledger.evaluate(PEER, { trust: 'untrusted', nowMs: T0 + 10_000 })
    assert.equal(proposal?.event, 'sustained_refutation')
    assert.equal(proposal.rule, 'sustained_refuted_majority')
    assert.match(proposal.reason, /11 refuted against 2 upheld/)
    assert.equal(transitionTrust('untrusted', proposal.event).to, 'blacklisted')
  })

  it('takes precedence over a one-step demotion', () => {
    const ledger = new ReputationLedger()
    refute(ledger, T0, ANOMALY_MIN_REFUTED_ACTIONS)
    refute(ledger, T0 + SUSTAINED_REFUTATION_MIN_SPAN_MS, ANOMALY_MIN_REFUTED_ACTIONS)
    assert.equal(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 + SUSTAINED_REFUTATION_MIN_SPAN_MS })[0]?.event, 'sustained_refutation')
  })

  it('needs a majority, at least SUSTAINED_REFUTATION_MIN refutations, repeated bursts and a span of several rounds', () => {
    const nowMs = T0 + 20_000
    const noMajority = new ReputationLedger()
    uphold(noMajority, T0, 12)
    for (let i = 0; i < 12; i++) refute(noMajority, T0 + i * 1_500)
    assert.notEqual(noMajority.evaluate(PEER, { trust: 'untrusted', nowMs })[0]?.event, 'sustained_refutation')
    const tooFew = new ReputationLedger()
    for (let i = 0; i < SUSTAINED_REFUTATION_MIN - 1; i++) refute(tooFew, T0 + i * 5_000)
    assert.deepEqual(tooFew.evaluate(PEER, { trust: 'untrusted', nowMs }), [])
    const oneBurst = new ReputationLedger()
    refute(oneBurst, T0 + 15_000, 20)
    assert.deepEqual(oneBurst.evaluate(PEER, { trust: 'untrusted', nowMs }), [])
    // Refutations that pile up without ever bursting: majority and span, but no repeated anomaly.
    const steady = new ReputationLedger()
    for (let i = 0; i < 8; i++) refute(steady, T0 + i * (ANOMALY_WINDOW_MS / 2 + 100))
    assert.deepEqual(steady.evaluate(PEER, { trust: 'untrusted', nowMs }), [])
  })

  it('forgets refutations older than the window', () => {
    const ledger = new ReputationLedger()
    for (let i = 0; i < 10; i++) refute(ledger, T0 + i * 2_000)
    const nowMs = T0 + 18_000 + SUSTAINED_REFUTATION_WINDOW_MS
    assert.deepEqual(ledger.evaluate(PEER, { trust: 'untrusted', nowMs }), [])
    assert.equal(ledger.summaryOf(PEER, nowMs).refutedActions, 0)
  })
})

describe('ReputationLedger pinned roots (SPEC §15.8)', () => {
  it('never proposes a demotion for a pinned root, whatever it did', () => {
    const ledger = new ReputationLedger({ anomalyMinRefutedActions: 1 })
    for (let i = 0; i < 40; i++) refute(ledger, T0 + i * 1_000, 3)
    for (const trust of ['trusted', 'probing', 'untrusted'] as const) {
      assert.deepEqual(ledger.evaluate(PEER, { trust, isPinned: true, nowMs: T0 + 39_000 }), [], trust)
    }
    assert.equal(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 + 39_000 })[0]?.event, 'sustained_refutation')
  })
})

describe('ReputationLedger bounds and options', () => {
  it('forgets the least recently active peer beyond maxTrackedPeers', () => {
    const ledger = new ReputationLedger({ maxTrackedPeers: 2 })
    accept(ledger, T0, 'p1')
    accept(ledger, T0, 'p2')
    accept(ledger, T0, 'p1')
    accept(ledger, T0, 'p3')
    assert.equal(ledger.size, 2)
    assert.equal(ledger.summaryOf('p2', T0).goodActions, 0)
    assert.equal(ledger.summaryOf('p1', T0).goodActions, 2)
    ledger.forget('p1')
    assert.equal(ledger.size, 1)
  })

  it('keeps at most maxActionsPerPeer actions and maxCauseMsgIds causes', () => {
    const ledger = new ReputationLedger({ maxActionsPerPeer: 8, maxCauseMsgIds: 4, anomalyMinRefutedActions: 3 })
    refute(ledger, T0, 20)
    assert.equal(ledger.summaryOf(PEER, T0).refutedActions, 8)
    assert.equal(ledger.evaluate(PEER, { trust: 'trusted', nowMs: T0 })[0]?.causeMsgIds.length, 4)
  })

  it('refuses out-of-range options with a RangeError naming the field', () => {
    const cases: ReputationLedgerInit[] = [
      { minNovelAcceptedClaims: 0 }, { anomalyMinRefutedActions: 1.5 }, { maxTrackedPeers: -1 },
      { anomalyWindowMs: Number.NaN }, { minProbingTenureMs: -1 }, { maxCreditsPerPeer: 1 }
    ]
    for (const init of cases) {
      const field = Object.keys(init)[0] ?? ''
      assert.throws(() => new ReputationLedger(init), (err: Error) => err instanceof RangeError && err.message.includes(`"${field}"`), field)
    }
  })

  it('refuses a time that is not finite', () => {
    const ledger = new ReputationLedger()
    assert.throws(() => { accept(ledger, Number.NaN) }, RangeError)
    assert.throws(() => ledger.evaluate(PEER, { trust: 'trusted', nowMs: Number.POSITIVE_INFINITY }), RangeError)
  })
})
