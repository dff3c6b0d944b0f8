/**
 * One human's session (SPEC §4, §6, §8): the latest human state vector, the consent scope
 * and safety flags of the human's HCP_HELLO, and the HCP social trust state, driven
 * through {@link transitionHcpTrust}. Pure: time is passed in.
 */
import type {
  Consent, HcpFeedbackPayload, HcpHelloPayload, HcpType, HumanState, PayloadMap
} from '../../protocol/envelope/types.ts'
import { TrustViolationError } from '../../protocol/errors.ts'
import type { PayloadSchemaError } from '../../protocol/errors.ts'
import { transitionHcpTrust } from '../../protocol/trust/index.ts'
import type { HcpTrustEvent, HcpTrustState, HcpTrustTransition } from '../../protocol/trust/index.ts'
import { checkConsent } from './consent.ts'
import type { ConsentAction, ConsentCheck, ConsentRefusalReason } from './consent.ts'
import { MISUNDERSTANDING_STREAK, VALIDATION_SATISFACTION_MIN, VALIDATION_STREAK } from './constants.ts'
import { checkDecision } from './decision-rules.ts'
import { paceDecision } from './pacing.ts'
import type { CheckInReason, DeferReason, PacingDecision } from './pacing.ts'

/** Options of a {@link HumanSession}. */
export interface HumanSessionInit {
  /** Lowest HCP_FEEDBACK satisfaction that validates. @default VALIDATION_SATISFACTION_MIN (80) */
  validationSatisfactionMin?: number
  /** Consecutive validating feedbacks that make mutual validation. @default VALIDATION_STREAK (2) */
  validationStreak?: number
  /** Consecutive feedbacks with corrections that make a repeated misunderstanding. @default MISUNDERSTANDING_STREAK (2) */
  misunderstandingStreak?: number
}

/** An HCP social trust step with the time it was taken; `ignored` steps changed nothing. */
export type HumanTrustStep = HcpTrustTransition & { readonly atMs: number }

/** What the agent may send next, after an envelope from the human. */
export interface HumanGate {
  /** What consent lets the agent do for the human: `nothing` (revoked), `in_scope` (limited) or `anything` (granted). */
  readonly consent: 'nothing' | 'in_scope' | 'anything'
  /** The consent scope when `consent` is `in_scope`; empty otherwise. */
  readonly scope: readonly string[]
  /** How fast the agent may act; a confirmed check-in already taken into account. */
  readonly pacing: PacingDecision
}

/** What {@link HumanSession.onEnvelope} did. */
export interface HumanSessionOutcome {
  /** The HCP social trust state after the envelope. */
  readonly trust: HcpTrustState
  /** Every trust step the envelope raised, in order, ignored ones included with their reasons. */
  readonly transitions: readonly HumanTrustStep[]
  readonly gate: HumanGate
  /** Set when an HCP_DECISION breaks SPEC §8 (no rationale or no alternative); it is not acted on. */
  readonly decisionError?: PayloadSchemaError
}

/** The outcome of {@link HumanSession.mayAct}: consent first, then pacing. */
export type ActDecision =
  | { readonly allowed: true, readonly action: 'proceed' }
  | { readonly allowed: false, readonly action: 'refuse', readonly reason: ConsentRefusalReason, readonly error: TrustViolationError }
  | { readonly allowed: false, readonly action: 'defer', readonly reason: DeferReason }
  | { readonly allowed: false, readonly action: 'check_in', readonly reason: CheckInReason }

/** A copy of the session's state vector. */
export interface HumanSessionSnapshot {
  readonly trust: HcpTrustState
  /** The latest human state (HCP_STATE_UPDATE over the `state.human` block); undefined before any envelope. */
  readonly human?: Readonly<HumanState>
  readonly identity?: Readonly<HcpHelloPayload['identity']>
  readonly consentScope: readonly string[]
  readonly safetyFlags: readonly string[]
  /** Where the explicit check-in of SPEC §8 stands for the current affect. */
  readonly checkIn: CheckInState
  readonly lastSeenAtMs?: number
}

/** `sent`: the agent asked; `confirmed`: the human answered explicitly since. */
export type CheckInState = 'none' | 'sent' | 'confirmed'

type HcpMessage = { [K in HcpType]: { type: K, payload: PayloadMap[K] } }[HcpType]

const CONSENT_RANK: Readonly<Record<Consent, number>> = { revoked: 0, limited: 1, granted: 2 }
// A consent value outside the vocabulary (untyped input) ranks below revoked: it fails closed.
const rankOf = (consent: Consent): number => (Object.hasOwn(CONSENT_RANK, consent) ? CONSENT_RANK[consent] : -1)
const isWithdrawn = (consent: Consent): boolean => rankOf(consent) <= CONSENT_RANK.revoked

/**
 * The per-human state vector and HCP social trust state (SPEC §6): HCP_HELLO → probing;
 * consent revoked → restricted; consent restored → probing; {@link VALIDATION_STREAK}
 * validating feedbacks in a row → trusted; {@link MISUNDERSTANDING_STREAK} feedbacks with
 * corrections in a row → probing.
 */
export class HumanSession {
  readonly #validationMin: number
  readonly #validationStreak: number
  readonly #misunderstandingStreak: number
  #trust: HcpTrustState = 'untrusted'
  #human: HumanState | undefined
  #identity: HcpHelloPayload['identity'] | undefined
  #scope: readonly string[] = []
  #safetyFlags: readonly string[] = []
  #validations = 0
  #misunderstandings = 0
  #checkIn: CheckInState = 'none'
  #lastSeenAtMs: number | undefined

  /** @throws {RangeError} naming the field when an option is out of range */
  constructor (init: HumanSessionInit = {}) {
    this.#validationMin = init.validationSatisfactionMin ?? VALIDATION_SATISFACTION_MIN
    this.#validationStreak = init.validationStreak ?? VALIDATION_STREAK
    this.#misunderstandingStreak = init.misunderstandingStreak ?? MISUNDERSTANDING_STREAK
    if (!(this.#validationMin >= 0 && this.#validationMin <= 100)) {
      throw new RangeError(`Cannot create human session: validationSatisfactionMin "${this.#validationMin}" is not in 0..100`)
    }
    for (const [field, value] of [['validationStreak', this.#validationStreak], ['misunderstandingStreak', this.#misunderstandingStreak]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Cannot create human session: ${field} "${value}" is not a positive integer`)
    }
  }

  /** The HCP social trust state. */
  get trust (): HcpTrustState {
    return this.#trust
  }

  /** A frozen copy of the state vector. */
  snapshot (): HumanSessionSnapshot {
    return Object.freeze({
      trust: this.#trust,
      ...(this.#human === undefined ? {} : { human: Object.freeze({ ...this.#human }) }),
      ...(this.#identity === undefined ? {} : { identity: Object.freeze({ ...this.#identity }) }),
      consentScope: Object.freeze([...this.#scope]),
      safetyFlags: Object.freeze([...this.#safetyFlags]),
      checkIn: this.#checkIn,
      ...(this.#lastSeenAtMs === undefined ? {} : { lastSeenAtMs: this.#lastSeenAtMs })
    })
  }

  /**
   * Applies a validated HCP envelope from the human: its `state.human` block `human`
   * (an HCP_STATE_UPDATE payload overrides it, consent taking the more restrictive of
   * the two), then what its type means. Consent changes apply before anything else.
   *
   * @throws {RangeError} when `nowMs` is not finite
   */
  onEnvelope<T extends HcpType> (type: T, payload: PayloadMap[T], human: HumanState, nowMs: number): HumanSessionOutcome {
    if (!Number.isFinite(nowMs)) throw new RangeError(`Cannot apply HCP envelope: nowMs "${nowMs}" is not finite`)
    const message = { type, payload } as HcpMessage
    const steps: HumanTrustStep[] = []
    const raise = (event: HcpTrustEvent): void => {
      const step = transitionHcpTrust(this.#trust, event)
      this.#trust = step.to
      steps.push(Object.freeze({ ...step, atMs: nowMs }))
    }
    const next = this.#applyState(message, human, raise)
    this.#lastSeenAtMs = nowMs
    const decisionError = this.#applyMessage(message, raise)
    return {
      trust: this.#trust,
      transitions: Object.freeze(steps),
      gate: this.#gate(next),
      ...(decisionError === undefined ? {} : { decisionError })
    }
  }

  /**
   * Records that the agent asked the human the explicit check-in of SPEC §8. The next
   * HCP_INTENT, valid HCP_DECISION or HCP_FEEDBACK without corrections confirms it, until
   * the affect changes or an HCP_STATE_UPDATE arrives.
   */
  recordCheckIn (): void {
    if (this.#checkIn === 'none') this.#checkIn = 'sent'
  }

  /**
   * Whether the agent may take `action` for the human now: consent first (SPEC §8:
   * consent overrides any automated action), then pacing. Before any envelope, consent
   * is unknown and nothing is allowed.
   */
  mayAct (action: ConsentAction): ActDecision {
    if (this.#human === undefined) {
      const reason: ConsentRefusalReason = 'consent_unknown'
      return { allowed: false, action: 'refuse', reason, error: new TrustViolationError('Cannot act for the human: no HCP envelope has stated consent yet', { reason, field: 'consent' }) }
    }
    const consent: ConsentCheck = checkConsent(this.#human, this.#scope, action)
    if (!consent.allowed) return { allowed: false, action: 'refuse', reason: consent.reason, error: consent.error }
    const pacing = this.#pace(this.#human)
    if (pacing.action === 'proceed') return { allowed: true, action: 'proceed' }
    return { allowed: false, ...pacing }
  }

  // The state vector, and the consent events it implies (SPEC §8: consent comes first).
  #applyState (message: HcpMessage, human: HumanState, raise: (event: HcpTrustEvent) => void): HumanState {
    const previous = this.#human
    const next = message.type === 'HCP_STATE_UPDATE'
      ? { ...human, ...message.payload, consent: moreRestrictive(human.consent, message.payload.consent) }
      : { ...human }
    this.#human = next
    if (message.type === 'HCP_STATE_UPDATE' || previous?.affect !== next.affect) this.#checkIn = 'none'
    if (isWithdrawn(next.consent) && (previous === undefined || !isWithdrawn(previous.consent))) raise('consent_revoked')
    if (previous !== undefined && isWithdrawn(previous.consent) && !isWithdrawn(next.consent)) raise('consent_restored')
    return next
  }

  // What the message type means; returns the SPEC §8 error of a broken HCP_DECISION.
  #applyMessage (message: HcpMessage, raise: (event: HcpTrustEvent) => void): PayloadSchemaError | undefined {
    let decisionError: PayloadSchemaError | undefined
    let isExplicitAnswer = false
    switch (message.type) {
      case 'HCP_HELLO':
        this.#identity = { ...message.payload.identity }
        this.#scope = Object.freeze([...message.payload.consent_scope])
        this.#safetyFlags = Object.freeze([...message.payload.safety_flags])
        raise('hello')
        break
      case 'HCP_FEEDBACK':
        isExplicitAnswer = this.#countFeedback(message.payload, raise)
        break
      case 'HCP_DECISION': {
        const check = checkDecision(message.payload)
        if (!check.valid) decisionError = check.error
        isExplicitAnswer = check.valid
        break
      }
      case 'HCP_INTENT':
        isExplicitAnswer = true
        break
      default:
        break
    }
    if (isExplicitAnswer && this.#checkIn === 'sent') this.#checkIn = 'confirmed'
    return decisionError
  }

  #countFeedback (payload: HcpFeedbackPayload, raise: (event: HcpTrustEvent) => void): boolean {
    const hasCorrections = payload.corrections.some((correction) => correction.trim() !== '')
    const isValidating = !hasCorrections && payload.satisfaction >= this.#validationMin
    this.#misunderstandings = hasCorrections ? this.#misunderstandings + 1 : 0
    this.#validations = isValidating ? this.#validations + 1 : 0
    if (this.#validations >= this.#validationStreak) {
      this.#validations = 0
      raise('mutual_validation')
    }
    if (this.#misunderstandings >= this.#misunderstandingStreak) {
      this.#misunderstandings = 0
      raise('repeated_misunderstanding')
    }
    return !hasCorrections
  }

  #pace (human: HumanState): PacingDecision {
    const pacing = paceDecision(human)
    return pacing.action === 'check_in' && this.#checkIn === 'confirmed' ? { action: 'proceed' } : pacing
  }

  #gate (human: HumanState): HumanGate {
    const consent = human.consent === 'granted' ? 'anything' : human.consent === 'limited' ? 'in_scope' : 'nothing'
    return Object.freeze({
      consent,
      scope: consent === 'in_scope' ? this.#scope : Object.freeze([]),
      pacing: this.#pace(human)
    })
  }
}

function moreRestrictive (a: Consent, b: Consent): Consent {
  return rankOf(a) <= rankOf(b) ? a : b
}
