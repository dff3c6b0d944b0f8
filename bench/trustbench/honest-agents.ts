/**
 * The honest agents (TRUSTBENCH §3.2), scripted through the nodes' own knowledge API:
 * each claim that became visible at an honest node this round is verified there with
 * probability p_v (0.9 at a root), confirmed when true and challenged (`conflict`) when
 * false, the verdict flipped with probability ε_v; then λ_H fresh claims are proposed,
 * each by a uniformly random honest node and false with probability ε_p. Every message
 * is captured off the wire and waits for the next round.
 */
import type { BodyEnvelope } from '../../src/protocol/envelope/types.ts'
import type { BenchNode } from './bench-node.ts'
import type { CellContext } from './context.ts'
import { factOf, traceOf } from './envelopes.ts'

/** ε_p: an honest proposal is false with this probability. */
export const HONEST_FALSE_CLAIM_PROBABILITY = 0.05
/** ε_v: an honest verdict is flipped with this probability. */
export const HONEST_VERDICT_ERROR_PROBABILITY = 0.02
/** A root verifies a visible claim with this probability. */
export const ROOT_VERIFY_PROBABILITY = 0.9

/** p_v = min(0.6, 8 / H). */
export function verifyProbability (honestCount: number): number {
  return Math.min(0.6, 8 / honestCount)
}

/** λ_H = max(3, round(0.1 · H)). */
export function honestClaimsPerRound (honestCount: number): number {
  return Math.max(3, Math.round(0.1 * honestCount))
}

/** The honest agents' turn of this round: verdicts first, then proposals. */
export async function actHonestly (context: CellContext): Promise<void> {
  await giveVerdicts(context)
  await proposeClaims(context)
}

async function giveVerdicts (context: CellContext): Promise<void> {
  const { world, rng, book } = context
  const pv = verifyProbability(world.honest.length)
  for (const node of world.honest) {
    const isRoot = world.rootFingerprints.has(node.fingerprint)
    for (const claimId of context.visible.get(node.fingerprint) ?? []) {
      const claim = book.get(claimId)
      if (claim === undefined || claim.proposer === node.fingerprint) continue
      if (!rng.chance(isRoot ? ROOT_VERIFY_PROBABILITY : pv)) continue
      const isConfirm = claim.isTrue !== rng.chance(HONEST_VERDICT_ERROR_PROBABILITY)
      const { body } = await node.capture(async () => {
        await (isConfirm ? node.node.knowledge.confirm(claimId) : node.node.knowledge.challenge(claimId, { reason: 'conflict' }))
      })
      context.traces.get(node.fingerprint)?.verified(claimId, isConfirm ? 'confirm' : 'challenge')
      send(context, body)
      if (isConfirm) (isRoot ? context.rootConfirms : context.honestConfirms).push(body)
    }
  }
}

async function proposeClaims (context: CellContext): Promise<void> {
  const { world, rng, book } = context
  for (let i = 0; i < honestClaimsPerRound(world.honest.length); i++) {
    const proposer: BenchNode = rng.pick(world.honest)
    const statement = book.freshStatement()
    const isTrue = !rng.chance(HONEST_FALSE_CLAIM_PROBABILITY)
    book.add(statement, { isTrue, proposer: proposer.fingerprint, isAdversarial: false, round: context.round() })
    const { body } = await proposer.capture(async () => await proposer.node.knowledge.propose(factOf(statement), traceOf(statement)))
    send(context, body)
  }
}

function send (context: CellContext, body: BodyEnvelope): void {
  context.outbox.honest.push(body)
  context.stats.envelopes++
}
