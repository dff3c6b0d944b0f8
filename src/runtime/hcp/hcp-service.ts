/**
 * The HCP runtime with its I/O (SPEC §4, §6, §8): one {@link HumanSession} per human
 * agent, keyed by the sender's fingerprint. Every HCP envelope updates the human's
 * session and is reported (`hcp_state`, `hcp_trust_transition`, `hcp_refused`), and
 * {@link HcpService.mayActFor} is the gate for anything this node sends on a human's
 * behalf: consent first, then pacing.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { HcpEnvelope, HcpType } from '../../protocol/envelope/types.ts'
import { BackpressureError, TrustViolationError } from '../../protocol/errors.ts'
import type { PayloadSchemaError } from '../../protocol/errors.ts'
import type { HcpTrustState } from '../../protocol/trust/index.ts'
import type { ConsentAction } from './consent.ts'
import { HumanSession } from './human-session.ts'
import type {
  ActDecision, HumanGate, HumanSessionInit, HumanSessionOutcome, HumanSessionSnapshot, HumanTrustStep
} from './human-session.ts'

/**
 * Most humans with a session. Sessions are small (a state vector and a scope), and a
 * node speaks for a handful of humans; 1,024 leaves room while bounding what a flood of
 * HCP envelopes from fresh keys can hold. The one seen least recently is forgotten first.
 */
export const HCP_MAX_SESSIONS = 1024

/** Options of the {@link HcpService}; the session options apply to every session. */
export interface HcpServiceInit extends HumanSessionInit {
  /** Most humans with a session. @default HCP_MAX_SESSIONS (1,024) */
  maxSessions?: number
}

/** What the service needs. */
export interface HcpServiceComponents {
  clock: Pick<Clock, 'now'>
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** Told after every HCP envelope (the AgentLoop's `hcp_state`); an exception it throws is logged. */
  onState?: (notice: HcpStateNotice) => void
}

/** Where a human's session stands after one of its envelopes (the AgentLoop's `hcp_state`). */
export interface HcpStateNotice {
  /** The human agent's fingerprint. */
  readonly fingerprint: string
  readonly msgId: string
  readonly type: HcpType
  readonly trust: HcpTrustState
  /** The HCP social trust steps the envelope took (ignored ones left out). */
  readonly transitions: readonly HumanTrustStep[]
  /** What this node may send for the human now. */
  readonly gate: HumanGate
  readonly session: HumanSessionSnapshot
  /** Set when an HCP_DECISION lacked a rationale or alternatives (SPEC §8); it was refused. */
  readonly decisionError?: PayloadSchemaError
}

/** A human's fingerprint and session. */
export interface HumanSessionEntry {
  readonly fingerprint: string
  readonly session: HumanSessionSnapshot
}

/** The HCP service. */
export class HcpService {
  readonly #components: HcpServiceComponents
  readonly #init: HumanSessionInit
  readonly #maxSessions: number
  readonly #log: Logger
  /** Least recently seen first. */
  readonly #sessions = new Map<string, HumanSession>()
  /** Stands for a human never heard from: consent unknown, nothing allowed. Never fed. */
  readonly #noSession: HumanSession

  /** @throws {RangeError} naming the field when an option is out of range */
  constructor (components: HcpServiceComponents, init: HcpServiceInit = {}) {
    const { maxSessions = HCP_MAX_SESSIONS, ...sessionInit } = init
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
      throw new RangeError(`Cannot create HCP service: maxSessions "${maxSessions}" is not a positive integer`)
    }
    this.#components = components
    this.#init = sessionInit
    this.#maxSessions = maxSessions
    this.#noSession = new HumanSession(sessionInit)
    this.#log = components.logger.child({ component: 'runtime:hcp' })
  }

  /**
   * Applies a verified HCP envelope from a human to that human's session and reports it.
   *
   * @throws {PayloadSchemaError} reason `missing_rationale` or `missing_alternatives` for an
   * HCP_DECISION that breaks SPEC §8 (the state it carried still applies; the decision does not)
   */
  onEnvelope (envelope: HcpEnvelope): HumanSessionOutcome {
    const fingerprint = envelope.sender.fingerprint
    const session = this.#sessionOf(fingerprint)
    const outcome = session.onEnvelope(envelope.type, envelope.payload, envelope.state.human, this.#components.clock.now())
    const transitions = outcome.transitions.filter((step) => !step.ignored)
    for (const step of transitions) {
      this.#components.metrics?.increment('web4_hcp_trust_transitions_total', { to: step.to })
      this.#components.events.emit('hcp_trust_transition', fingerprint, { from: step.from, to: step.to, event: step.event, reason: step.reason, msg_id: envelope.msg_id })
    }
    const human = session.snapshot().human
    this.#components.events.emit('hcp_state', fingerprint, {
      msg_id: envelope.msg_id, type: envelope.type, trust: outcome.trust,
      presence: human?.presence ?? null, affect: human?.affect ?? null, clarity: human?.clarity ?? null,
      pressure: human?.pressure ?? null, consent: human?.consent ?? null,
      gate: outcome.gate.consent, pacing: outcome.gate.pacing.action,
      pacing_reason: outcome.gate.pacing.action === 'proceed' ? null : outcome.gate.pacing.reason
    })
    const { decisionError } = outcome
    if (decisionError !== undefined) {
      this.#components.metrics?.increment('web4_hcp_decisions_refused_total', { reason: decisionError.reason })
      this.#components.events.emit('hcp_refused', fingerprint, { kind: 'decision', msg_id: envelope.msg_id, error: decisionError.name, reason: decisionError.reason, field: decisionError.field ?? null })
    }
    this.#notify({
      fingerprint, msgId: envelope.msg_id, type: envelope.type, trust: outcome.trust, transitions, gate: outcome.gate,
      session: session.snapshot(), ...(decisionError === undefined ? {} : { decisionError })
    })
    if (decisionError !== undefined) throw decisionError
    return outcome
  }

  /**
   * Whether this node may take `action` on the human's behalf now (SPEC §8): `refuse`
   * with a {@link TrustViolationError} when consent forbids it (revoked, outside a limited
   * scope, or never stated), `defer` with its reason under high pressure or low clarity,
   * `check_in` while the human is anxious or tense and has not answered a check-in,
   * else `proceed`. Counted, and reported unless it proceeds.
   */
  mayActFor (fingerprint: string, action: ConsentAction): ActDecision {
    const decision = (this.#sessions.get(fingerprint) ?? this.#noSession).mayAct(action)
    const reason = decision.action === 'proceed' ? 'none' : decision.reason
    this.#components.metrics?.increment('web4_hcp_gate_total', { action: decision.action, reason })
    if (decision.action !== 'proceed') {
      const subject = 'scopeItem' in action ? action.scopeItem : action.topic
      this.#components.events.emit(decision.action === 'refuse' ? 'hcp_refused' : 'hcp_deferred', fingerprint, { kind: 'act', action: decision.action, reason, subject })
    }
    return decision
  }

  /**
   * {@link mayActFor} as a guard: returns when the node may proceed, else throws.
   *
   * @throws {TrustViolationError} consent refuses (reason `consent_revoked`, `outside_consent_scope`,
   * `consent_unknown`), or a check-in must come first (reason `affect_anxious`, `affect_tense`)
   * @throws {BackpressureError} pacing defers (reason `high_pressure`, `low_clarity`)
   */
  assertMayActFor (fingerprint: string, action: ConsentAction): void {
    const decision = this.mayActFor(fingerprint, action)
    const subject = 'scopeItem' in action ? action.scopeItem : action.topic
    switch (decision.action) {
      case 'proceed':
        return
      case 'refuse':
        throw decision.error
      case 'defer':
        throw new BackpressureError(`Cannot act for the human on "${subject}" now: ${decision.reason === 'high_pressure' ? 'pressure is high' : 'clarity is low'}; slow down`, { reason: decision.reason, fingerprint, field: 'state.human' })
      case 'check_in':
        throw new TrustViolationError(`Cannot act for the human on "${subject}" yet: check in first (${decision.reason})`, { reason: decision.reason, fingerprint, field: 'state.human.affect' })
    }
  }

  /** Records that this node asked the human the explicit check-in of SPEC §8; false when the human has no session. */
  recordCheckIn (fingerprint: string): boolean {
    const session = this.#sessions.get(fingerprint)
    session?.recordCheckIn()
    return session !== undefined
  }

  /** A copy of one human's session. */
  session (fingerprint: string): HumanSessionSnapshot | undefined {
    return this.#sessions.get(fingerprint)?.snapshot()
  }

  /** Copies of every session, least recently seen first. */
  sessions (): HumanSessionEntry[] {
    return [...this.#sessions].map(([fingerprint, session]) => ({ fingerprint, session: session.snapshot() }))
  }

  /** The human's session, made most recently seen; a new one evicts the least recently seen beyond the bound. */
  #sessionOf (fingerprint: string): HumanSession {
    let session = this.#sessions.get(fingerprint)
    if (session === undefined) {
      session = new HumanSession(this.#init)
    } else {
      this.#sessions.delete(fingerprint)
    }
    this.#sessions.set(fingerprint, session)
    for (const oldest of this.#sessions.keys()) {
      if (this.#sessions.size <= this.#maxSessions) break
      this.#sessions.delete(oldest)
    }
    return session
  }

  #notify (notice: HcpStateNotice): void {
    try {
      this.#components.onState?.(Object.freeze(notice))
    } catch (err) {
      this.#log.warn({ peer: notice.fingerprint, err: (err as Error).message }, 'onState threw')
    }
  }
}
