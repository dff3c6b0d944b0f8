/**
 * Knowledge exchange with I/O (SPEC §7; issue #5): FACT_PROPOSE, FACT_CONFIRM,
 * FACT_CHALLENGE and FACT_REJECT reach every node wherever they come from; each node
 * keeps its own {@link ClaimLedger} and decides statuses with its own trust views after
 * every batch of input, when a challenge window closes and when trust changes. Status
 * changes are persisted (with causal memory) before they are announced, verdicts that
 * changed no status with the batch that brought them, and this node's own verdict
 * before it is sent — so a node killed mid-burst and restarted still counts every
 * verdict it had taken, and never signs the opposite verdict on a claim; the outcomes
 * that move trust — a novel claim accepted, a claim refuted or upheld over challenges, a
 * peer equivocating — go to the trust mesh. While the local state is overloaded, new
 * input waits in a bounded queue (SPEC §7 rule 5).
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type {
  BodyEnvelope, CipEnvelope, DmpTrace, Fact, FactChallengePayload, FactConfirmPayload,
  FactProposePayload, FactRejectPayload
} from '../../protocol/envelope/types.ts'
import { BackpressureError, InvalidEnvelopeError } from '../../protocol/errors.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { claimIdOf } from './claim-id.ts'
import { ClaimLedger } from './claim-ledger.ts'
import type { ClaimStatusChange } from './claim-ledger.ts'
import type { CausalMemoryEntry, ClaimStore, DecisionRecord } from './claim-store.ts'
import { CHALLENGE_WINDOW_MS, REANNOUNCE_MAX, REANNOUNCE_WINDOW_MS } from './constants.ts'
import type { ClaimRecord, ClaimStatus, VerdictKind } from './types.ts'

/** Envelopes held back while the local state is overloaded. */
export const DEFERRED_INTAKE_MAX = 4096
/** Verdict envelopes remembered as possible equivocation evidence. */
export const VERDICT_EVIDENCE_MAX = 65_536

/** What the trust mesh learns from knowledge (SPEC §15.6–§15.7). */
export type KnowledgeOutcome =
  | { kind: 'accepted', claimId: string, proposer: string, confirmers: string[], causeMsgIds: string[] }
  | { kind: 'refuted', claimId: string, proposer: string, confirmers: string[], challengers: string[], causeMsgIds: string[] }
  | { kind: 'upheld', claimId: string, challengers: string[], causeMsgIds: string[] }
  | { kind: 'equivocation', accused: string, envelopes: [BodyEnvelope, BodyEnvelope] }

export interface KnowledgeServiceComponents {
  self: string
  store: ClaimStore
  /** Sends a FACT_* envelope of this node to the whole mesh; resolves with what was sent. */
  broadcast: (type: 'FACT_PROPOSE' | 'FACT_CONFIRM' | 'FACT_CHALLENGE', payload: FactProposePayload | FactConfirmPayload | FactChallengePayload) => Promise<BodyEnvelope>
  trustOf: (fingerprint: string) => TrustState
  isPinned: (fingerprint: string) => boolean
  /** True while this node's presence is `overloaded`. */
  isOverloaded: () => boolean
  onOutcome: (outcome: KnowledgeOutcome) => void
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
}

export interface KnowledgeServiceInit {
  /** @default CHALLENGE_WINDOW_MS (2 s) */
  windowMs?: number
  /** Evaluate only when `flush()` / `tick()` is called (simulations); otherwise after each input, on the next turn. @default false */
  isManual?: boolean
}

/** The service. */
export class KnowledgeService {
  readonly #components: KnowledgeServiceComponents
  readonly #config: Required<KnowledgeServiceInit>
  readonly #log: Logger
  readonly #ledger = new ClaimLedger()
  readonly #touched = new Set<string>()
  /** Claims whose verdicts changed since they were last saved. */
  readonly #unsaved = new Set<string>()
  readonly #deferred: Array<BodyEnvelope> = []
  readonly #verdictEnvelopes = new Map<string, BodyEnvelope>()
  readonly #penalised = new Set<string>()
  #flushScheduled = false
  #windowTimer: NodeJS.Timeout | undefined
  /**
   * The time of the last evaluation of every claim: a claim whose window ended by then was
   * decided after its window. The window timer is armed for the first window ending after
   * it, not after the clock's now — a window that ends while a pass is being recorded, or
   * before a pass of some claims only, would otherwise never be decided.
   */
  #allEvaluatedAtMs = Number.NEGATIVE_INFINITY
  #isStopped = false

  constructor (components: KnowledgeServiceComponents, init: KnowledgeServiceInit = {}) {
    this.#components = components
    this.#config = { windowMs: init.windowMs ?? CHALLENGE_WINDOW_MS, isManual: init.isManual ?? false }
    this.#log = components.logger.child({ component: 'runtime:knowledge' })
    // In the order they were first seen here, as `claims()` promises (a store may return them in any order).
    this.#ledger.restore(components.store.loadClaims().sort((x, y) => x.firstSeenAtMs - y.firstSeenAtMs))
  }

  /**
   * Decides the claims restored from the store — a window may have closed, or enough
   * verdicts arrived, while the node was down, and no new input need come to settle
   * them — and arms the window timer. Does nothing in manual mode.
   */
  start (): void {
    if (this.#config.isManual || this.#isStopped) return
    this.tick()
  }

  stop (): void {
    this.#isStopped = true
    clearTimeout(this.#windowTimer)
    this.#saveVerdicts([])
  }

  /** Proposes a fact to the whole mesh; returns its claim id. */
  async propose (fact: Fact, dmpTrace: DmpTrace, causalLinks: string[] = []): Promise<string> {
    const sent = await this.#components.broadcast('FACT_PROPOSE', { fact, dmp_trace: dmpTrace, causal_links: causalLinks })
    this.accept(sent)
    return claimIdOf(fact.statement, fact.domain)
  }

  /** This node verified the claim and confirms it (its own verification counts once, SPEC §15.11). */
  async confirm (claimId: string, options: { confidence?: number, notes?: string } = {}): Promise<void> {
    this.#own(claimId, 'confirm')
    await this.#components.broadcast('FACT_CONFIRM', { fact_ref: claimId, decision: 'confirm', confidence: options.confidence ?? 1, notes: options.notes ?? '' })
    this.#touch(claimId)
  }

  /** This node verified the claim and challenges it. */
  async challenge (claimId: string, options: { reason?: FactChallengePayload['reason'], notes?: string } = {}): Promise<void> {
    this.#own(claimId, 'challenge')
    await this.#components.broadcast('FACT_CHALLENGE', { fact_ref: claimId, reason: options.reason ?? 'conflict', notes: options.notes ?? '' })
    this.#touch(claimId)
  }

  /**
   * Sends again, as fresh envelopes, what this node itself said about recent claims —
   * its proposals and its own verdicts on claims first seen here within
   * {@link REANNOUNCE_WINDOW_MS}, newest first, at most {@link REANNOUNCE_MAX} envelopes.
   * Floods go once; a node that was cut off or down when they passed learns the claims
   * this way when it becomes reachable again. Receivers take it as they took the first:
   * the claim id comes from the content and a peer's repeated verdict counts once.
   * An envelope that cannot be sent is logged and skipped. Resolves with how many went.
   */
  async reannounce (): Promise<number> {
    const since = this.#components.clock.now() - REANNOUNCE_WINDOW_MS
    const recent = this.#ledger.list().filter((claim) => claim.firstSeenAtMs >= since && (claim.proposer === this.#components.self || claim.ownVerdict !== undefined))
    recent.sort((x, y) => y.firstSeenAtMs - x.firstSeenAtMs)
    let sent = 0
    for (const claim of recent) {
      const messages: Array<Parameters<KnowledgeServiceComponents['broadcast']>> = []
      if (claim.proposer === this.#components.self) messages.push(['FACT_PROPOSE', { fact: claim.fact, dmp_trace: claim.dmpTrace, causal_links: claim.causalLinks }])
      if (claim.ownVerdict === 'confirm') messages.push(['FACT_CONFIRM', { fact_ref: claim.id, decision: 'confirm', confidence: 1, notes: 'sent again' }])
      if (claim.ownVerdict === 'challenge') messages.push(['FACT_CHALLENGE', { fact_ref: claim.id, reason: 'conflict', notes: 'sent again' }])
      for (const [type, payload] of messages) {
        if (sent >= REANNOUNCE_MAX || this.#isStopped) return sent
        try {
          await this.#components.broadcast(type, payload)
          sent++
        } catch (err) {
          this.#log.warn({ claim: claim.id, type, err: (err as Error).message }, 'claim not sent again')
        }
      }
    }
    return sent
  }

  /**
   * Takes one verified knowledge envelope (from a direct link or the mesh). Deferred while
   * overloaded.
   *
   * @throws {BackpressureError} when the overload queue is full
   */
  accept (envelope: BodyEnvelope): void {
    if (this.#components.isOverloaded() && envelope.sender.fingerprint !== this.#components.self) {
      if (this.#deferred.length >= DEFERRED_INTAKE_MAX) throw new BackpressureError('Cannot take knowledge: overloaded and the deferred queue is full', { reason: 'overloaded', limit: DEFERRED_INTAKE_MAX })
      this.#deferred.push(envelope)
      return
    }
    this.#take(envelope)
  }

  /** Evaluates the claims touched since the last flush. */
  flush (): void {
    this.#flushScheduled = false
    this.#drainDeferred()
    if (this.#touched.size === 0) return
    const ids = [...this.#touched]
    this.#touched.clear()
    const changes = this.#ledger.evaluate(this.#context(), { claimIds: ids })
    this.#apply(changes)
    this.#saveVerdicts(changes)
    this.#armWindowTimer()
  }

  /** Re-evaluates every claim: a window closed, or trust changed. */
  tick (): void {
    this.#drainDeferred()
    this.#touched.clear()
    const context = this.#context()
    const changes = this.#ledger.evaluate(context)
    this.#allEvaluatedAtMs = context.nowMs
    this.#apply(changes)
    this.#saveVerdicts(changes)
    this.#armWindowTimer()
  }

  claims (filter: { status?: ClaimStatus } = {}): ClaimRecord[] {
    return this.#ledger.list(filter)
  }

  claim (id: string): ClaimRecord | undefined {
    return this.#ledger.get(id)
  }

  statusOf (id: string): ClaimStatus | undefined {
    return this.#ledger.statusOf(id)
  }

  causalMemory (): CausalMemoryEntry[] {
    return this.#components.store.causalMemory()
  }

  decisions (limit?: number): DecisionRecord[] {
    return this.#components.store.listDecisions(limit)
  }

  #own (claimId: string, kind: VerdictKind): void {
    const claim = this.#ledger.get(claimId)
    if (claim === undefined) throw new InvalidEnvelopeError(`Cannot give a verdict on "${claimId}": no such claim here`, { reason: 'unknown_claim' })
    if (claim.ownVerdict !== undefined && claim.ownVerdict !== kind) {
      // Two conflicting signed verdicts on one claim are equivocation (SPEC §15.7): never send both.
      throw new InvalidEnvelopeError(`Cannot ${kind} "${claimId}": this node already gave the other verdict`, { reason: 'verdict_conflict' })
    }
    this.#ledger.setOwnVerdict(claimId, kind)
    // Saved before it is signed and sent: a restarted node that forgot it could sign the other one.
    const updated = this.#ledger.get(claimId)
    if (updated !== undefined) this.#components.store.saveClaim(updated)
    this.#unsaved.delete(claimId)
  }

  #take (envelope: BodyEnvelope): void {
    const nowMs = this.#components.clock.now()
    const from = envelope.sender.fingerprint
    switch (envelope.type) {
      case 'FACT_PROPOSE': {
        const payload = (envelope as CipEnvelope<'FACT_PROPOSE'>).payload
        const result = this.#ledger.propose({ fact: payload.fact, dmpTrace: payload.dmp_trace, causalLinks: payload.causal_links, proposer: from, msgId: envelope.msg_id, atMs: nowMs })
        if (result.isNew) this.#components.store.saveClaim(result.claim)
        this.#touch(result.claim.id)
        return
      }
      case 'FACT_CONFIRM':
      case 'FACT_CHALLENGE':
      case 'FACT_REJECT': {
        if (from === this.#components.self) return
        const payload = envelope.payload as FactConfirmPayload | FactChallengePayload | FactRejectPayload
        const kind: VerdictKind = envelope.type === 'FACT_CONFIRM' ? 'confirm' : 'challenge'
        const result = this.#ledger.addVerdict(payload.fact_ref, { from, kind, msgId: envelope.msg_id, atMs: nowMs, ...('reason' in payload ? { reason: payload.reason } : {}) })
        this.#rememberVerdict(payload.fact_ref, envelope, result.outcome === 'equivocation')
        if (result.outcome === 'recorded' || result.outcome === 'equivocation') this.#unsaved.add(payload.fact_ref)
        this.#touch(payload.fact_ref)
        return
      }
      case 'DECISION_SHARE': {
        const payload = (envelope as CipEnvelope<'DECISION_SHARE'>).payload
        this.#components.store.saveDecision({ msgId: envelope.msg_id, from, decision: payload.decision, dmpTrace: payload.dmp_trace, retrospective: payload.retrospective, atMs: nowMs })
        return
      }
      default:
        throw new InvalidEnvelopeError(`Cannot take "${envelope.type}" as knowledge`, { reason: 'unrouted_type' })
    }
  }

  /** Keeps the latest verdict envelope per (claim, peer); on a flip, reports both as evidence. */
  #rememberVerdict (claimId: string, envelope: BodyEnvelope, isEquivocation: boolean): void {
    const key = `${claimId} ${envelope.sender.fingerprint}`
    const previous = this.#verdictEnvelopes.get(key)
    if (isEquivocation && previous !== undefined) {
      this.#components.onOutcome({ kind: 'equivocation', accused: envelope.sender.fingerprint, envelopes: [previous, envelope] })
    }
    this.#verdictEnvelopes.delete(key)
    this.#verdictEnvelopes.set(key, envelope)
    if (this.#verdictEnvelopes.size > VERDICT_EVIDENCE_MAX) {
      const oldest = this.#verdictEnvelopes.keys().next().value
      if (oldest !== undefined) this.#verdictEnvelopes.delete(oldest)
    }
  }

  #touch (claimId: string): void {
    this.#touched.add(claimId)
    if (this.#config.isManual || this.#flushScheduled || this.#isStopped) return
    this.#flushScheduled = true
    setImmediate(() => { this.flush() })
  }

  #drainDeferred (): void {
    while (this.#deferred.length > 0 && !this.#components.isOverloaded()) {
      const next = this.#deferred.shift()
      if (next !== undefined) this.#take(next)
    }
  }

  #context (): Parameters<ClaimLedger['evaluate']>[0] {
    return {
      nowMs: this.#components.clock.now(),
      self: this.#components.self,
      windowMs: this.#config.windowMs,
      trustOf: this.#components.trustOf,
      isPinned: this.#components.isPinned,
      isOverloaded: this.#components.isOverloaded()
    }
  }

  /**
   * Records every change of one evaluation pass, then tells the trust mesh their
   * outcomes. Every change of a pass was decided against one trust snapshot; an outcome
   * that moved trust midway (a proposer demoted by its third refutation) would otherwise
   * leave later changes of the same pass recorded under a view that no longer holds.
   */
  #apply (changes: readonly ClaimStatusChange[]): void {
    const outcomes: Array<() => void> = []
    for (const change of changes) {
      const claim = this.#ledger.get(change.claimId)
      if (claim === undefined) continue
      const memory = change.to === 'accepted' ? 'accepted' : change.isRetraction ? 'retracted' : undefined
      this.#components.store.recordStatus(claim, memory)
      this.#log.debug({ claim: claim.id, from: change.from, to: change.to, rule: change.decision.rule }, 'claim status')
      this.#components.metrics?.increment('web4_claims_status_changes_total', { to: change.to })
      this.#components.events.emit('claim_status', claim.proposer, {
        claim_id: claim.id, from: change.from, to: change.to, rule: change.decision.rule, reason: change.reason,
        trusted_confirmers: change.decision.trustedConfirmers.length, trusted_challengers: change.decision.trustedChallengers.length,
        statement: claim.statement.slice(0, 120)
      })
      outcomes.push(() => { this.#outcomeOf(claim, change) })
    }
    for (const tell of outcomes) tell()
  }

  /** Saves the claims whose verdicts changed, except those `changes` already saved with their status. */
  #saveVerdicts (changes: readonly ClaimStatusChange[]): void {
    for (const change of changes) this.#unsaved.delete(change.claimId)
    for (const id of this.#unsaved) {
      const claim = this.#ledger.get(id)
      if (claim !== undefined) this.#components.store.saveClaim(claim)
    }
    this.#unsaved.clear()
  }

  /** The trust consequences of a change, each at most once per claim. */
  #outcomeOf (claim: ClaimRecord, change: ClaimStatusChange): void {
    const causeMsgIds = [claim.proposeMsgId, ...claim.verdicts.map((verdict) => verdict.msgId)]
    if (change.to === 'accepted' && !this.#penalised.has(`accepted ${claim.id}`)) {
      this.#penalised.add(`accepted ${claim.id}`)
      const confirmers = change.decision.trustedConfirmers.filter((fp) => fp !== this.#components.self)
      this.#components.onOutcome({ kind: 'accepted', claimId: claim.id, proposer: claim.proposer, confirmers, causeMsgIds })
      if (change.decision.rule === 'majority_confirms') {
        this.#components.onOutcome({ kind: 'upheld', claimId: claim.id, challengers: change.decision.trustedChallengers.filter((fp) => fp !== this.#components.self), causeMsgIds })
      }
    }
    if (change.to === 'rejected' && change.decision.rule === 'majority_refutes' && !this.#penalised.has(`refuted ${claim.id}`)) {
      this.#penalised.add(`refuted ${claim.id}`)
      const others = (peers: readonly string[]): string[] => peers.filter((fp) => fp !== this.#components.self)
      this.#components.onOutcome({ kind: 'refuted', claimId: claim.id, proposer: claim.proposer, confirmers: others(change.decision.trustedConfirmers), challengers: others(change.decision.trustedChallengers), causeMsgIds })
    }
  }

  #armWindowTimer (): void {
    if (this.#config.isManual || this.#isStopped) return
    clearTimeout(this.#windowTimer)
    const next = this.#ledger.nextWindowEndMs(this.#allEvaluatedAtMs, this.#config.windowMs)
    if (next === undefined) return
    this.#windowTimer = setTimeout(() => { this.tick() }, Math.max(0, next - this.#components.clock.now()) + 1)
    this.#windowTimer.unref()
  }
}
