/**
 * The adversary (TRUSTBENCH §3.3): omniscient — it knows every claim's truth and reads
 * `trustOf` at every honest node — and it writes every message its identities send. Per
 * round, by the scenario's mode: `farm` (a perfect honest agent: true novel claims,
 * confirmations of every true claim, S5's plagiarism), `attack` (lie, collude with
 * pre-confirmations in the same round, slander every honest true claim, each action
 * honest with probability f under camouflage), or nothing. Introductions, S6's
 * forgeries and S7's equivocation are in their own modules.
 */
import type { BenchNode } from './bench-node.ts'
import type { ClaimInfo } from './claim-book.ts'
import { authorOf, nowOf, sendAdversarial as send } from './context.ts'
import type { CellContext } from './context.ts'
import { equivocate } from './equivocation.ts'
import { forge } from './forgery.ts'
import { introduce } from './introductions.ts'
import { ADVERSARY_CLAIMS_PER_ROUND, EQUIVOCATION_ROUND, FORGERY_FROM_ROUND, MAX_ACCOMPLICES } from './scenarios.ts'

/** The adversary's turn of this round (after the honest agents'). */
export function actAdversarially (context: CellContext): void {
  const { plan, world } = context
  const round = context.round()
  // S7: a single identity acts; the others stay silent.
  const identities = plan.equivocate ? world.malicious.slice(0, 1) : world.adversaries
  const mode = plan.mode(round)
  if (identities.length === 0 || mode === 'idle') return
  const ranked = rankIdentities(context, identities)
  const honestClaims = context.book.proposedIn(round).filter((claim) => !claim.isAdversarial)
  if (mode === 'farm') farm(context, identities, honestClaims)
  else attack(context, ranked, honestClaims)
  if (plan.introduce) introduce(context, identities)
  if (plan.forge && round >= FORGERY_FROM_ROUND) forge(context, identities)
  if (plan.equivocate && round === EQUIVOCATION_ROUND) equivocate(context, identities[0] as BenchNode, honestClaims)
}

/**
 * Identities best placed first: trusted at the most honest observers, then probing at
 * the most, then in creation order.
 */
export function rankIdentities (context: CellContext, identities: readonly BenchNode[]): BenchNode[] {
  const scored = identities.map((identity, order) => {
    let trusted = 0
    let probing = 0
    for (const observer of context.world.honest) {
      const trust = observer.node.registry.trustOf(identity.fingerprint)
      if (trust === 'trusted') trusted++
      else if (trust === 'probing') probing++
    }
    return { identity, trusted, probing, order }
  })
  scored.sort((a, b) => b.trusted !== a.trusted ? b.trusted - a.trusted : b.probing !== a.probing ? b.probing - a.probing : a.order - b.order)
  return scored.map((entry) => entry.identity)
}

/** A perfect honest agent: λ_A true novel claims, a confirmation of every true claim, and S5's plagiarism. */
function farm (context: CellContext, identities: readonly BenchNode[], honestClaims: readonly ClaimInfo[]): void {
  const round = context.round()
  const proposed: ClaimInfo[] = []
  for (let k = 0; k < ADVERSARY_CLAIMS_PER_ROUND; k++) {
    const author = identities[(round * ADVERSARY_CLAIMS_PER_ROUND + k) % identities.length] as BenchNode
    proposed.push(propose(context, author, true))
  }
  // S7's equivocation target stays unconfirmed until the equivocator speaks on it.
  const target = context.plan.equivocate && round === EQUIVOCATION_ROUND ? honestClaims.find((claim) => claim.isTrue)?.id : undefined
  const trueClaims = [...honestClaims, ...proposed].filter((claim) => claim.isTrue && claim.id !== target)
  for (const identity of identities) {
    for (const claim of trueClaims) {
      if (claim.proposer !== identity.fingerprint) send(context, context.writer.confirm(authorOf(identity), claim.id, nowOf(context)))
    }
  }
  if (!context.plan.plagiarise) return
  const earlier = context.book.all().filter((claim) => !claim.isAdversarial && claim.round < round)
  if (earlier.length === 0) return
  for (const identity of identities) {
    // The same content is the same claim (SPEC §15.12): it must earn the plagiarist nothing.
    send(context, context.writer.propose(authorOf(identity), context.rng.pick(earlier).statement, nowOf(context)))
  }
}

/** S2 behaviour: lie, collude, slander; under camouflage each action is honest with probability f. */
function attack (context: CellContext, ranked: readonly BenchNode[], honestClaims: readonly ClaimInfo[]): void {
  const { plan, rng, spec } = context
  for (let k = 0; k < ADVERSARY_CLAIMS_PER_ROUND; k++) {
    const proposer = ranked[k % ranked.length] as BenchNode
    const isHonestAction = spec.f > 0 && rng.chance(spec.f)
    const claim = propose(context, proposer, isHonestAction)
    if (claim.isTrue || !plan.collude) continue
    // Pre-confirmation: the colluders' verdicts travel in the same round as the proposal.
    for (const accomplice of ranked.filter((identity) => identity !== proposer).slice(0, MAX_ACCOMPLICES)) {
      send(context, context.writer.confirm(authorOf(accomplice), claim.id, nowOf(context)))
    }
  }
  if (!plan.slander) return
  const slanderers = ranked.slice(0, MAX_ACCOMPLICES)
  for (const claim of honestClaims.filter((entry) => entry.isTrue)) {
    for (const slanderer of slanderers) {
      const isHonestAction = spec.f > 0 && rng.chance(spec.f)
      const author = authorOf(slanderer)
      send(context, isHonestAction ? context.writer.confirm(author, claim.id, nowOf(context)) : context.writer.challenge(author, claim.id, nowOf(context)))
    }
  }
}

/** A fresh claim of `isTrue` proposed by `author`. */
function propose (context: CellContext, author: BenchNode, isTrue: boolean): ClaimInfo {
  const statement = context.book.freshStatement()
  const claim = context.book.add(statement, { isTrue, proposer: author.fingerprint, isAdversarial: true, round: context.round() })
  send(context, context.writer.propose(authorOf(author), statement, nowOf(context)))
  return claim
}
