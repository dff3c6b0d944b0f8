/**
 * The ReputationLedger: per-peer reputation at one observer, fed by knowledge outcomes
 * and turned into TrustFSM events (SPEC §6, §15.6, §15.7). Pure: no clock, no I/O —
 * every outcome carries its time and `evaluate` is told the time and the peer's state.
 *
 * - `verified_knowledge` (probing → trusted): ≥ 2 novel accepted claims, 2 more than the
 *   refutations since probation began, and a tenure in `probing` (SPEC §15.6).
 * - `temporary_anomaly` (trusted → probing) / `conflict` (probing → untrusted): a burst of
 *   refuted actions; each refutation is used by one demotion at most (SPEC §15.7).
 * - `sustained_refutation` (→ blacklisted): refutations outnumber good actions over a
 *   long window, in repeated bursts over several rounds (SPEC §15.7 "a sustained majority").
 *
 * Demotions restart the credit from zero; pinned roots are never proposed a demotion.
 */
import type { TrustState } from '../../protocol/trust/index.ts'
import { PeerRecord } from './peer-record.ts'
import type { ActionEntry, ActionKind, CreditEntry } from './peer-record.ts'
import { resolveReputationInit } from './reputation-init.ts'
import type { ReputationLedgerInit } from './reputation-init.ts'
import type { TrustProposal } from './types.ts'

/** Members every knowledge outcome has. */
interface OutcomeCommon {
  /** The claim id (SPEC §15.12). */
  readonly claimId: string
  /** When the claim was resolved at this observer, ms since the epoch. */
  readonly atMs: number
  /** msg_ids that decided it: the FACT_PROPOSE and the verdicts. */
  readonly causeMsgIds: readonly string[]
}

/** A claim this observer accepted. */
export interface ClaimAcceptedOutcome extends OutcomeCommon {
  /** The first proposer this observer saw (SPEC §15.12). */
  readonly proposer: string
  /** False when the statement had been proposed before by someone else: it earns nothing (SPEC §15.6). */
  readonly isNovel: boolean
}

/** A claim resolved `rejected` by a clear weighted majority: its proposer and confirmers were wrong. */
export interface ClaimRefutedOutcome extends OutcomeCommon {
  readonly proposer: string
  readonly confirmers: readonly string[]
}

/** A claim resolved `accepted` over challenges with a clear margin: its challengers were wrong. */
export interface ClaimUpheldOutcome extends OutcomeCommon {
  readonly challengers: readonly string[]
}

/** Peers whose verdict agreed with a claim's clear resolution (honest actions). */
export interface VerdictUpheldOutcome extends OutcomeCommon {
  readonly peers: readonly string[]
}

/** What the caller knows of the peer when it asks {@link ReputationLedger.evaluate}. */
export interface EvaluateFacts {
  /** The peer's trust state at this observer now. */
  readonly trust: TrustState
  /** True for a pinned root: never proposed a demotion (SPEC §15.8). @default false */
  readonly isPinned?: boolean
  /** When the peer entered `probing`; without it a probing peer is never promoted. */
  readonly probingSinceMs?: number
  /** Local time, ms since the epoch, from the injected clock. */
  readonly nowMs: number
}

/** The counts behind a peer's reputation, for operators and audits. */
export interface ReputationSummary {
  /** Novel accepted claims since the last demotion. */
  readonly novelAcceptedClaims: number
  /** Good actions in the sustained-refutation window. */
  readonly goodActions: number
  /** Refuted actions in the sustained-refutation window. */
  readonly refutedActions: number
}

/** Per-peer counters at one observer, turned into TrustFSM events with reasons and causes. */
export class ReputationLedger {
  readonly #config: Required<ReputationLedgerInit>
  readonly #peers = new Map<string, PeerRecord>()
  #seq = 0

  /** @throws {RangeError} when an `init` field is out of range, naming the field */
  constructor (init: ReputationLedgerInit = {}) {
    this.#config = resolveReputationInit(init)
  }

  /** A novel accepted claim credits its proposer; a re-proposed statement earns nothing. */
  onClaimAccepted (outcome: ClaimAcceptedOutcome): void {
    checkTime(outcome.atMs)
    if (!outcome.isNovel) return
    const record = this.#touch(outcome.proposer)
    const credit: CreditEntry = { claimId: outcome.claimId, atMs: outcome.atMs, seq: ++this.#seq, causeMsgIds: [...outcome.causeMsgIds] }
    record.addCredit(credit, this.#config.maxCreditsPerPeer)
    this.#record(record, outcome, 'good')
  }

  /** The proposer (losing its credit for the claim) and every confirmer get a refuted action. */
  onClaimRefuted (outcome: ClaimRefutedOutcome): void {
    checkTime(outcome.atMs)
    for (const peer of new Set([outcome.proposer, ...outcome.confirmers])) {
      const record = this.#touch(peer)
      if (peer === outcome.proposer) record.revokeCredit(outcome.claimId)
      this.#record(record, outcome, 'refuted')
    }
  }

  /** Every challenger of a claim upheld with a clear margin gets a refuted action. */
  onClaimUpheld (outcome: ClaimUpheldOutcome): void {
    checkTime(outcome.atMs)
    for (const peer of new Set(outcome.challengers)) this.#record(this.#touch(peer), outcome, 'refuted')
  }

  /** Every peer whose verdict agreed with the resolution gets a good action. */
  onVerdictUpheld (outcome: VerdictUpheldOutcome): void {
    checkTime(outcome.atMs)
    for (const peer of new Set(outcome.peers)) this.#record(this.#touch(peer), outcome, 'good')
  }

  /**
   * The TrustFSM events to raise for `peer` now (zero or one), most severe first:
   * `sustained_refutation`, then `temporary_anomaly` / `conflict`, then
   * `verified_knowledge`. Not idempotent on purpose: a proposed demotion uses up the
   * refutations behind it and restarts the peer's credit, so apply what it returns.
   */
  evaluate (peer: string, facts: EvaluateFacts): TrustProposal[] {
    checkTime(facts.nowMs)
    const record = this.#peers.get(peer)
    if (record === undefined || facts.trust === 'unknown' || facts.trust === 'blacklisted') return []
    record.prune(facts.nowMs, this.#retentionMs)
    if (facts.isPinned !== true) {
      const demotion = this.#sustainedRefutation(peer, record, facts) ?? this.#anomaly(peer, record, facts)
      if (demotion !== undefined) {
        record.markDemoted(this.#seq)
        return [demotion]
      }
    }
    const promotion = this.#promotion(peer, record, facts)
    return promotion === undefined ? [] : [promotion]
  }

  /** The counts behind `peer`'s reputation at `nowMs`. */
  summaryOf (peer: string, nowMs: number): ReputationSummary {
    const record = this.#peers.get(peer)
    if (record === undefined) return { novelAcceptedClaims: 0, goodActions: 0, refutedActions: 0 }
    const actions = record.actionsAfter(nowMs - this.#config.sustainedRefutationWindowMs)
    const refutedActions = actions.filter((entry) => entry.kind === 'refuted').length
    return { novelAcceptedClaims: record.creditCount, goodActions: actions.length - refutedActions, refutedActions }
  }

  /** Forgets everything about `peer` (it left, or a human reset it). */
  forget (peer: string): void {
    this.#peers.delete(peer)
  }

  /** Peers tracked. */
  get size (): number {
    return this.#peers.size
  }

  get #retentionMs (): number {
    return Math.max(this.#config.anomalyWindowMs, this.#config.sustainedRefutationWindowMs)
  }

  #touch (peer: string): PeerRecord {
    const record = this.#peers.get(peer) ?? new PeerRecord()
    // Re-inserting keeps the Map in least-recently-active order for eviction.
    this.#peers.delete(peer)
    this.#peers.set(peer, record)
    for (const oldest of this.#peers.keys()) {
      if (this.#peers.size <= this.#config.maxTrackedPeers) break
      this.#peers.delete(oldest)
    }
    return record
  }

  #record (record: PeerRecord, outcome: OutcomeCommon, kind: ActionKind): void {
    const action: ActionEntry = { claimId: outcome.claimId, kind, atMs: outcome.atMs, seq: ++this.#seq, causeMsgIds: [...outcome.causeMsgIds] }
    record.addAction(action, { maxActions: this.#config.maxActionsPerPeer, retentionMs: this.#retentionMs })
  }

  #sustainedRefutation (peer: string, record: PeerRecord, facts: EvaluateFacts): TrustProposal | undefined {
    const config = this.#config
    const actions = record.actionsAfter(facts.nowMs - config.sustainedRefutationWindowMs)
    const refuted = actions.filter((entry) => entry.kind === 'refuted')
    const good = actions.length - refuted.length
    if (refuted.length < config.sustainedRefutationMin || refuted.length <= good) return undefined
    const times = refuted.map((entry) => entry.atMs).sort((x, y) => x - y)
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0)
    if (spanMs < config.sustainedRefutationMinSpanMs) return undefined
    const bursts = countBursts(times, config.anomalyMinRefutedActions, config.anomalyWindowMs)
    if (bursts < config.sustainedRefutationMinBursts) return undefined
    return {
      peer,
      event: 'sustained_refutation',
      rule: 'sustained_refuted_majority',
      reason: `sustained majority of refuted actions: ${refuted.length} refuted against ${good} upheld within ${seconds(config.sustainedRefutationWindowMs)} s, in ${bursts} bursts over ${seconds(spanMs)} s (SPEC §15.7)`,
      causeMsgIds: this.#causesOf(refuted)
    }
  }

  #anomaly (peer: string, record: PeerRecord, facts: EvaluateFacts): TrustProposal | undefined {
    if (facts.trust !== 'trusted' && facts.trust !== 'probing') return undefined
    const config = this.#config
    const refuted = record.unconsumedRefutedAfter(facts.nowMs - config.anomalyWindowMs)
    if (refuted.length < config.anomalyMinRefutedActions) return undefined
    const burst = `${refuted.length} refuted actions within ${seconds(config.anomalyWindowMs)} s`
    const common = { peer, rule: 'refuted_burst' as const, causeMsgIds: this.#causesOf(refuted) }
    return facts.trust === 'trusted'
      ? { ...common, event: 'temporary_anomaly', reason: `temporary anomaly: ${burst}; re-verify, credit restarts (SPEC §15.7)` }
      : { ...common, event: 'conflict', reason: `conflict while probing: ${burst}; cooldown starts (SPEC §6, §15.7)` }
  }

  #promotion (peer: string, record: PeerRecord, facts: EvaluateFacts): TrustProposal | undefined {
    const { probingSinceMs, nowMs } = facts
    if (facts.trust !== 'probing' || probingSinceMs === undefined) return undefined
    const config = this.#config
    const tenureMs = nowMs - probingSinceMs
    if (tenureMs < config.minProbingTenureMs) return undefined
    const { credits, refuted } = record.probation(probingSinceMs)
    // Each refutation since probation began must be paid for by one more novel claim.
    if (credits.length < config.minNovelAcceptedClaims || credits.length - refuted.length < config.minNovelAcceptedClaims) return undefined
    const errors = refuted.length === 0 ? '' : ` (${refuted.length} refuted)`
    return {
      peer,
      event: 'verified_knowledge',
      rule: 'novel_claims_verified',
      reason: `verified knowledge: ${credits.length} novel claims accepted${errors} after ${seconds(tenureMs)} s in probing (SPEC §6, §15.6)`,
      causeMsgIds: this.#causesOf(credits)
    }
  }

  /** The distinct cause msg_ids of `entries`, newest first, at most `maxCauseMsgIds`. */
  #causesOf (entries: ReadonlyArray<{ readonly causeMsgIds: readonly string[] }>): string[] {
    const causes = new Set<string>()
    for (let i = entries.length - 1; i >= 0; i--) {
      for (const msgId of entries[i]?.causeMsgIds ?? []) {
        if (causes.size >= this.#config.maxCauseMsgIds) return [...causes]
        causes.add(msgId)
      }
    }
    return [...causes]
  }
}

function checkTime (ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`Cannot record reputation: time "${ms}" is not a finite number of ms`)
}

/** How many disjoint runs of `size` consecutive times, each within `windowMs`, `times` (sorted) holds. */
function countBursts (times: readonly number[], size: number, windowMs: number): number {
  let bursts = 0
  let i = 0
  while (i + size - 1 < times.length) {
    if ((times[i + size - 1] ?? Infinity) - (times[i] ?? 0) < windowMs) {
      bursts++
      i += size
    } else {
      i++
    }
  }
  return bursts
}

function seconds (ms: number): number {
  return Math.round(ms / 100) / 10
}
