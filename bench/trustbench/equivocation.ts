/**
 * S7 (TRUSTBENCH §3.4): the farming identity, at round 20, sends two validly signed,
 * conflicting verdicts on one fresh honest claim — a FACT_CONFIRM to one honest node
 * and a FACT_CHALLENGE to another, the two farthest apart — each as a mesh broadcast
 * over its own direct link. From there the honest nodes' own flooding carries them:
 * whoever holds both has cryptographic evidence (SPEC §15.7), blacklists the signer and
 * spreads the evidence as MESH_EVIDENCE, which every receiver checks itself.
 */
import { authorOf } from './context.ts'
import type { CellContext } from './context.ts'
import type { BenchNode } from './bench-node.ts'
import type { ClaimInfo } from './claim-book.ts'
import { adjacencyOf } from './topology.ts'

/** Sends the two conflicting verdicts of `equivocator` on this round's first true honest claim. */
export function equivocate (context: CellContext, equivocator: BenchNode, honestClaims: readonly ClaimInfo[]): void {
  const claim = honestClaims.find((entry) => entry.isTrue)
  if (claim === undefined) return
  const [first, second] = farthestPair(context)
  const now = context.world.clock.now()
  const author = authorOf(equivocator)
  const confirm = context.writer.confirm(author, claim.id, now)
  const challenge = context.writer.challenge(author, claim.id, now)
  for (const [target, body] of [[first, confirm], [second, challenge]] as const) {
    const { bytes } = context.writer.carrier(author, body.type as 'FACT_CONFIRM', { body }, now)
    void equivocator.transport.sendRaw(target.fingerprint, 'mesh', bytes).catch(() => undefined)
  }
  context.equivocator = equivocator.fingerprint
  context.equivocationRound = context.round()
  context.stats.envelopes += 4
}

/** Two honest nodes at the honest graph's diameter (the first such pair in index order). */
function farthestPair (context: CellContext): [BenchNode, BenchNode] {
  const honest = context.world.honest
  const adjacency = adjacencyOf(honest.length, context.world.honestEdges)
  let best: [number, number, number] = [0, Math.min(1, honest.length - 1), -1]
  for (let start = 0; start < honest.length; start++) {
    const distance = new Map<number, number>([[start, 0]])
    const queue = [start]
    while (queue.length > 0) {
      const node = queue.shift() as number
      for (const next of adjacency[node] ?? []) {
        if (distance.has(next)) continue
        distance.set(next, (distance.get(node) ?? 0) + 1)
        queue.push(next)
      }
    }
    for (const [node, hops] of distance) if (hops > best[2]) best = [start, node, hops]
  }
  return [honest[best[0]] as BenchNode, honest[best[1]] as BenchNode]
}
