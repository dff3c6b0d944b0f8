import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { transitionTrust, UNTRUSTED_COOLDOWN_MS } from '../../protocol/trust/index.ts'
import type { TrustEvent, TrustState } from '../../protocol/trust/index.ts'
import { ANOMALY_MIN_REFUTED_ACTIONS } from './constants.ts'
import { ReputationLedger } from './reputation.ts'
import type { ReputationLedgerInit } from './reputation-init.ts'
import { seededRandom } from '../../../test/helpers/seeded-random.ts'

const SEED = 20261126
const T0 = Date.UTC(2026, 10, 26, 4, 0, 0)
const ROUND_MS = 1_000
const PEER = 'a1'.repeat(32)
const ONE_STEP_DEMOTIONS: ReadonlySet<string> = new Set(['temporary_anomaly', 'conflict'])
const roundAt = (round: number): number => T0 + round * ROUND_MS

/** One observer's view of one peer, moved only through the real TrustFSM. */
class ObservedPeer {
  trust: TrustState
  probingSinceMs: number
  untrustedSinceMs = 0
  readonly log: Array<{ atMs: number, from: TrustState, to: TrustState, event: TrustEvent, causeMsgIds: readonly string[] }> = []
  readonly #ledger: ReputationLedger
  readonly #isPinned: boolean

  constructor (ledger: ReputationLedger, trust: TrustState, sinceMs: number, isPinned = false) {
    this.#ledger = ledger
    this.trust = trust
    this.probingSinceMs = sinceMs
    this.#isPinned = isPinned
  }

  /** Evaluates the peer at `nowMs` and applies what the ledger proposes; an untrusted peer re-handshakes after the cooldown. */
  step (nowMs: number): void {
    if (this.trust === 'untrusted' && nowMs - this.untrustedSinceMs >= UNTRUSTED_COOLDOWN_MS) this.#apply('handshake_valid', nowMs, [], true)
    for (const proposal of this.#ledger.evaluate(PEER, { trust: this.trust, isPinned: this.#isPinned, probingSinceMs: this.probingSinceMs, nowMs })) {
      this.#apply(proposal.event, nowMs, proposal.causeMsgIds)
    }
  }

  events (): TrustEvent[] {
    return this.log.map((entry) => entry.event)
  }

  #apply (event: TrustEvent, nowMs: number, causeMsgIds: readonly string[], cooldownElapsed = false): void {
    const result = transitionTrust(this.trust, event, { isPinned: this.#isPinned, cooldownElapsed })
    if (result.ignored) return
    this.log.push({ atMs: nowMs, from: result.from, to: result.to, event, causeMsgIds })
    this.trust = result.to
    if (result.to === 'probing') this.probingSinceMs = nowMs
    if (result.to === 'untrusted') this.untrustedSinceMs = nowMs
  }
}

/** Knowledge outcomes a scripted peer produces; each call is one claim. */
class Script {
  #claims = 0
  readonly #ledger: ReputationLedger

  constructor (ledger: ReputationLedger) {
    this.#ledger = ledger
  }

  acceptedProposal (atMs: number): string {
    const claimId = `claim-${++this.#claims}`
    this.#ledger.onClaimAccepted({ claimId, proposer: PEER, isNovel: true, atMs, causeMsgIds: [`propose-${claimId}`] })
    return claimId
  }

  upheldVerdict (atMs: number): void {
    const claimId = `claim-${++this.#claims}`
    this.#ledger.onVerdictUpheld({ claimId, peers: [PEER], atMs, causeMsgIds: [`verdict-${claimId}`] })
  }

  refutedProposal (atMs: number): void {
    const claimId = `claim-${++this.#claims}`
    this.#ledger.onClaimRefuted({ claimId, proposer: PEER, confirmers: [], atMs, causeMsgIds: [`propose-${claimId}`] })
  }

  refutedConfirmation (atMs: number): void {
    const claimId = `claim-${++this.#claims}`
    this.#ledger.onClaimRefuted({ claimId, proposer: 'f0'.repeat(32), confirmers: [PEER], atMs, causeMsgIds: [`confirm-${claimId}`] })
  }

  refutedChallenge (atMs: number): void {
    const claimId = `claim-${++this.#claims}`
    this.#ledger.onClaimUpheld({ claimId, challengers: [PEER], atMs, causeMsgIds: [`challenge-${claimId}`] })
  }

  /** What a TrustBench S4 identity's actions of one round give three rounds later (1 s delivery + 2 s window). */
  resolveRound (round: number, flipRound: number): void {
    const proposedIn = round - 3
    if (proposedIn < 0) return
    const atMs = roundAt(round)
    if (proposedIn < flipRound) {
      this.acceptedProposal(atMs)
      for (let i = 0; i < 3; i++) this.upheldVerdict(atMs)
      return
    }
    // After the flip: its own lie, two colluding confirmations, three slanders.
    this.refutedProposal(atMs)
    for (let i = 0; i < 2; i++) this.refutedConfirmation(atMs)
    for (let i = 0; i < 3; i++) this.refutedChallenge(atMs)
  }
}

describe('ReputationLedger under TrustBench S4 (covert flash: farm 20 rounds, then lie)', () => {
  it('promotes the farmer, demotes it in the round its first refutations land, and never re-promotes it', () => {
    const ledger = new ReputationLedger()
    const observer = new ObservedPeer(ledger, 'probing', T0)
    const script = new Script(ledger)
    for (let round = 0; round < 60; round++) {
      script.resolveRound(round, 20)
      observer.step(roundAt(round))
    }
    assert.deepEqual(observer.events(), ['verified_knowledge', 'temporary_anomaly', 'conflict', 'sustained_refutation'])
    const [promotion, anomaly, conflict] = observer.log
    assert.equal(promotion?.atMs, roundAt(5))
    assert.ok(promotion.causeMsgIds.every((msgId) => msgId.startsWith('propose-')), 'promoted by local verification only (PROP)')
    assert.equal(anomaly?.atMs, roundAt(23), 'demoted in the first round whose refutations land')
    assert.equal(conflict?.atMs, roundAt(24))
    assert.equal(observer.trust, 'blacklisted')
  })

  it('keeps a demoted farmer probing on its old credit and confirmations, and promotes it only on fresh novel claims', () => {
    const ledger = new ReputationLedger()
    const observer = new ObservedPeer(ledger, 'probing', T0)
    const script = new Script(ledger)
    for (let round = 0; round < 23; round++) {
      script.resolveRound(round, 20)
      observer.step(roundAt(round))
    }
    assert.equal(observer.trust, 'trusted')
    for (let i = 0; i < ANOMALY_MIN_REFUTED_ACTIONS; i++) script.refutedChallenge(roundAt(23))
    observer.step(roundAt(23))
    assert.equal(observer.trust, 'probing')
    for (let round = 24; round < 100; round++) {
      for (let i = 0; i < 3; i++) script.upheldVerdict(roundAt(round))
      observer.step(roundAt(round))
    }
    assert.equal(observer.trust, 'probing', 'confirmations and farmed credit never re-promote')
    const fresh = [script.acceptedProposal(roundAt(100)), script.acceptedProposal(roundAt(101))]
    observer.step(roundAt(101))
    assert.equal(observer.trust, 'trusted')
    assert.deepEqual(observer.log.at(-1)?.causeMsgIds, fresh.reverse().map((claimId) => `propose-${claimId}`))
  })

  it('with anomalyMinRefutedActions = 1, demotes on the single first refuted action despite 20 rounds of credit', () => {
    const ledger = new ReputationLedger({ anomalyMinRefutedActions: 1 })
    const observer = new ObservedPeer(ledger, 'probing', T0)
    const script = new Script(ledger)
    for (let round = 0; round < 23; round++) {
      script.resolveRound(round, 20)
      observer.step(roundAt(round))
    }
    script.refutedConfirmation(roundAt(23))
    observer.step(roundAt(23))
    assert.deepEqual(observer.events(), ['verified_knowledge', 'temporary_anomaly'])
  })
})

interface Run { observer: ObservedPeer, refuted: number, endMs: number }

/** Feeds `actions` random actions of one peer (about one per second) and evaluates after each. */
interface RunOptions {
  init?: ReputationLedgerInit
  isPinned?: boolean
  /** False when the knowledge layer reports no upheld verdicts, so good actions are accepted proposals only. @default true */
  reportsUpheldVerdicts?: boolean
}

function runRandomPeer (seed: number, actions: number, errorRate: (isProposal: boolean) => number, options: RunOptions = {}): Run {
  const random = seededRandom(seed)
  const ledger = new ReputationLedger(options.init)
  const observer = new ObservedPeer(ledger, 'probing', T0, options.isPinned)
  const script = new Script(ledger)
  let nowMs = T0
  let refuted = 0
  for (let i = 0; i < actions; i++) {
    nowMs += Math.floor(random() * 2 * ROUND_MS)
    const isProposal = random() < 0.1
    const isError = random() < errorRate(isProposal)
    if (isError) refuted++
    if (isProposal) {
      if (isError) script.refutedProposal(nowMs)
      else script.acceptedProposal(nowMs)
    } else if (isError) {
      if (random() < 0.5) script.refutedConfirmation(nowMs)
      else script.refutedChallenge(nowMs)
    } else if (options.reportsUpheldVerdicts !== false) {
      script.upheldVerdict(nowMs)
    }
    observer.step(nowMs)
  }
  return { observer, refuted, endMs: nowMs }
}

describe('ReputationLedger properties', () => {
  it('never proposes sustained_refutation for an honest peer (ε_v = 0.02, ε_p = 0.05, ≥ 1,000 actions), and demotes it rarely', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 1_000, max: 1_500 }), (seed, actions) => {
      const { observer, endMs } = runRandomPeer(seed, actions, (isProposal) => isProposal ? 0.05 : 0.02)
      const events = observer.events()
      assert.ok(!events.includes('sustained_refutation'), `honest peer blacklisted: ${events.join(', ')}`)
      assert.notEqual(observer.trust, 'blacklisted')
      assert.ok(events.includes('verified_knowledge'), 'an honest peer earns trusted')
      // TrustBench HD "excellent": at most 1 honest demotion per observer per 100 rounds.
      const demotions = events.filter((event) => ONE_STEP_DEMOTIONS.has(event)).length
      assert.ok(demotions <= Math.max(1, (endMs - T0) / 100_000), `${demotions} demotions in ${(endMs - T0) / 1000} s`)
    }), { seed: SEED, numRuns: 200 })
  })

  it('never blacklists an honest peer even when no upheld verdict is reported to outweigh its errors', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const { observer } = runRandomPeer(seed, 1_000, (isProposal) => isProposal ? 0.05 : 0.02, { reportsUpheldVerdicts: false })
      assert.ok(!observer.events().includes('sustained_refutation'), observer.events().join(', '))
    }), { seed: SEED, numRuns: 200 })
  })

  it('blacklists a peer whose actions are mostly refuted', () => {
    fc.assert(fc.property(fc.integer(), fc.double({ min: 0.6, max: 1, noNaN: true }), (seed, errorRate) => {
      const { observer } = runRandomPeer(seed, 200, () => errorRate)
      assert.equal(observer.trust, 'blacklisted', observer.events().join(', '))
      assert.equal(observer.log.at(-1)?.event, 'sustained_refutation')
    }), { seed: SEED, numRuns: 100 })
  })

  it('uses each refuted action for one one-step demotion at most', () => {
    fc.assert(fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4 }), (seed, errorRate, burst) => {
      const { observer, refuted } = runRandomPeer(seed, 400, () => errorRate, { init: { anomalyMinRefutedActions: burst } })
      const demotions = observer.events().filter((event) => ONE_STEP_DEMOTIONS.has(event)).length
      assert.ok(demotions * burst <= refuted, `${demotions} demotions from ${refuted} refutations`)
    }), { seed: SEED, numRuns: 200 })
  })

  it('never proposes a demotion for a pinned root, whatever its error rate', () => {
    fc.assert(fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (seed, errorRate) => {
      const { observer } = runRandomPeer(seed, 300, () => errorRate, { init: { anomalyMinRefutedActions: 1 }, isPinned: true })
      assert.ok(observer.log.every((entry) => entry.event === 'verified_knowledge'), observer.events().join(', '))
    }), { seed: SEED, numRuns: 100 })
  })
})
