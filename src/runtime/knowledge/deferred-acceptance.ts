/**
 * The pure decision of deferred acceptance (SPEC §7, §15.2–§15.5, §15.11): given what an
 * observer knows of one claim and its own trust view at this moment, the claim's status
 * and the reason. No I/O, no clock: the time arrives in the context.
 *
 * The rules, in order:
 * 1. a proposer known here as `untrusted` or `blacklisted` → `rejected` (SPEC §7
 *    "untrusted source"); a proposer still `unknown` → `pending` (SPEC §15.2);
 * 2. only verdicts of peers `trusted` here now count, each peer once (its latest), never
 *    the proposer's; this node's own verdict counts once (SPEC §15.11); pinned roots and
 *    the own verdict weigh most (SPEC §15.4);
 * 3. inside the challenge window: a counted challenge → `disputed`, else `pending`,
 *    whatever confirmations arrived (SPEC §15.3);
 * 4. after it, without counted challenges: ≥ 2 counted confirmers → `accepted`, else
 *    `pending`;
 * 5. after it, with counted challenges: the side that wins by a clear weighted margin
 *    decides (`accepted`, still with ≥ 2 confirmers, or `rejected`); otherwise
 *    `disputed` (SPEC §15.4). An accepted claim that meets a late challenge is decided
 *    by the same rules (SPEC §15.5).
 *
 * @example
 * ```ts
 * const decision = decideClaimStatus(claim, { nowMs, self, windowMs: CHALLENGE_WINDOW_MS, trustOf, isPinned })
 * if (decision.status !== claim.status) events.emit('claim_status', { to: decision.status, reason: decision.reason })
 * ```
 */
import {
  DISPUTE_MARGIN_MIN, DISPUTE_MARGIN_RATIO, MIN_TRUSTED_CONFIRMATIONS, OWN_VERIFICATION_WEIGHT, PINNED_ROOT_WEIGHT,
  TRUSTED_WEIGHT
} from './constants.ts'
import type {
  AcceptanceContext, AcceptanceDecision, AcceptanceRule, ClaimRecord, ClaimStatus, Verdict, VerdictKind
} from './types.ts'

/** The status each rule yields: the decision table. */
export const RULE_STATUS: Readonly<Record<AcceptanceRule, ClaimStatus>> = Object.freeze({
  untrusted_proposer: 'rejected',
  unknown_proposer: 'pending',
  window_challenged: 'disputed',
  window_open: 'pending',
  quorum: 'accepted',
  awaiting_quorum: 'pending',
  majority_confirms: 'accepted',
  confirms_short_of_quorum: 'disputed',
  majority_refutes: 'rejected',
  no_clear_majority: 'disputed',
  overloaded: 'pending'
})

/** The logged reason of each rule. */
export const ACCEPTANCE_REASONS: Readonly<Record<AcceptanceRule, string>> = Object.freeze({
  untrusted_proposer: 'proposer is untrusted or blacklisted here (SPEC §7: untrusted source)',
  unknown_proposer: 'proposer has not completed a handshake with this node yet (SPEC §15.2)',
  window_challenged: 'a trusted challenge arrived inside the challenge window (SPEC §15.3)',
  window_open: 'inside the challenge window (SPEC §15.3)',
  quorum: 'at least 2 trusted confirmations and no trusted challenge after the challenge window (SPEC §7)',
  awaiting_quorum: 'fewer than 2 trusted confirmations after the challenge window (SPEC §7)',
  majority_confirms: 'trusted confirmations outweigh trusted challenges by a clear margin (SPEC §15.4)',
  confirms_short_of_quorum: 'trusted confirmations outweigh challenges but come from fewer than 2 trusted peers (SPEC §7, §15.4)',
  majority_refutes: 'refuted: trusted challenges outweigh trusted confirmations by a clear margin (SPEC §15.4)',
  no_clear_majority: 'trusted confirmations and challenges without a clear margin (SPEC §15.4)',
  overloaded: 'local state is overloaded: acceptance deferred (SPEC §7)'
})

/** The counted verdicts of one claim at one observer. */
interface Tally {
  trustedConfirmers: string[]
  trustedChallengers: string[]
  confirmWeight: number
  challengeWeight: number
}

/**
 * True when `winner` beats `loser` by a clear margin (SPEC §15.4): at least
 * {@link DISPUTE_MARGIN_RATIO} times its weight and at least {@link DISPUTE_MARGIN_MIN} more.
 */
export function hasClearMargin (winner: number, loser: number): boolean {
  return winner >= DISPUTE_MARGIN_RATIO * loser && winner - loser >= DISPUTE_MARGIN_MIN
}

/** The weight of a verdict from `fingerprint`, or 0 when it does not count here now. */
function weightOf (fingerprint: string, context: AcceptanceContext): number {
  if (context.trustOf(fingerprint) !== 'trusted') return 0
  return context.isPinned(fingerprint) ? PINNED_ROOT_WEIGHT : TRUSTED_WEIGHT
}

/** Each peer's latest verdict, without the proposer's and without this node's (it counts through `ownVerdict`). */
function latestVerdicts (claim: ClaimRecord, self: string): Map<string, Verdict> {
  const latest = new Map<string, Verdict>()
  for (const verdict of claim.verdicts) {
    if (verdict.from === claim.proposer || verdict.from === self) continue
    const seen = latest.get(verdict.from)
    if (seen === undefined || verdict.atMs >= seen.atMs) latest.set(verdict.from, verdict)
  }
  return latest
}

/** Counts the verdicts that count at this observer now (rule 2). */
function tallyVerdicts (claim: ClaimRecord, context: AcceptanceContext): Tally {
  const tally: Tally = { trustedConfirmers: [], trustedChallengers: [], confirmWeight: 0, challengeWeight: 0 }
  const add = (kind: VerdictKind, from: string, weight: number): void => {
    if (kind === 'confirm') {
      tally.trustedConfirmers.push(from)
      tally.confirmWeight += weight
    } else {
      tally.trustedChallengers.push(from)
      tally.challengeWeight += weight
    }
  }
  for (const [from, verdict] of latestVerdicts(claim, context.self)) {
    const weight = weightOf(from, context)
    if (weight > 0) add(verdict.kind, from, weight)
  }
  // SPEC §15.11: the own verification counts once; a proposer's word on its own claim never does.
  if (claim.ownVerdict !== undefined && claim.proposer !== context.self) add(claim.ownVerdict, context.self, OWN_VERIFICATION_WEIGHT)
  tally.trustedConfirmers.sort()
  tally.trustedChallengers.sort()
  return tally
}

/** Rule 1: the proposer's standing, or undefined when the quorum rules apply. */
function proposerRule (claim: ClaimRecord, context: AcceptanceContext): AcceptanceRule | undefined {
  if (claim.proposer === context.self) return undefined
  const trust = context.trustOf(claim.proposer)
  if (trust === 'untrusted' || trust === 'blacklisted') return 'untrusted_proposer'
  if (trust === 'unknown') return 'unknown_proposer'
  return undefined
}

/** Rules 4 and 5: after the window. */
function settledRule (tally: Tally): AcceptanceRule {
  const hasQuorum = tally.trustedConfirmers.length >= MIN_TRUSTED_CONFIRMATIONS
  if (tally.trustedChallengers.length === 0) return hasQuorum ? 'quorum' : 'awaiting_quorum'
  if (hasClearMargin(tally.confirmWeight, tally.challengeWeight)) return hasQuorum ? 'majority_confirms' : 'confirms_short_of_quorum'
  if (hasClearMargin(tally.challengeWeight, tally.confirmWeight)) return 'majority_refutes'
  return 'no_clear_majority'
}

/** Throws when the context cannot be decided on (a NaN window would open every claim at once). */
function checkContext (context: AcceptanceContext): void {
  if (!Number.isFinite(context.nowMs)) throw new RangeError(`Cannot decide claim status: nowMs "${context.nowMs}" is not finite`)
  if (!Number.isFinite(context.windowMs) || context.windowMs < 0) {
    throw new RangeError(`Cannot decide claim status: windowMs "${context.windowMs}" is not a finite non-negative number`)
  }
}

/**
 * The status of `claim` at the observer described by `context`, with the rule, its
 * reason and the counted verdicts. Never `accepted` unless at least
 * {@link MIN_TRUSTED_CONFIRMATIONS} distinct confirmers trusted here now (TrustBench I5),
 * the window has closed, and the proposer is neither untrusted nor blacklisted (I6).
 *
 * @throws {RangeError} when `context.nowMs` or `context.windowMs` is not a finite number (or the window is negative)
 */
export function decideClaimStatus (claim: ClaimRecord, context: AcceptanceContext): AcceptanceDecision {
  checkContext(context)
  const tally = tallyVerdicts(claim, context)
  let rule = proposerRule(claim, context)
  if (rule === undefined && context.nowMs - claim.firstSeenAtMs < context.windowMs) {
    rule = tally.trustedChallengers.length > 0 ? 'window_challenged' : 'window_open'
  }
  rule ??= settledRule(tally)
  if (RULE_STATUS[rule] === 'accepted' && context.isOverloaded === true) rule = 'overloaded'
  return { status: RULE_STATUS[rule], rule, reason: ACCEPTANCE_REASONS[rule], ...tally }
}

/**
 * The status a ledger moves a claim to, given its current status and a fresh decision.
 * An accepted claim leaves `accepted` only for `disputed` or `rejected`, that is on a
 * counted challenge (SPEC §15.5) or an untrusted source (SPEC §7): confirmers losing
 * trust afterwards, a restart that forgot who is trusted, or overload do not retract
 * what already reached causal memory.
 */
export function nextClaimStatus (current: ClaimStatus, decision: AcceptanceDecision): ClaimStatus {
  return current === 'accepted' && decision.status === 'pending' ? 'accepted' : decision.status
}
