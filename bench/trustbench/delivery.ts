/**
 * Delivery of claim messages (TRUSTBENCH §2, §3.1): every FACT_* message sent in round r
 * is handed, as the same deeply frozen object, to every honest node through
 * `node.ingest` at the start of round r + 1 — the adversary's first (worst case), then
 * the honest ones — whatever the nodes' own flooding would have done. Refusals are
 * counted by their typed error; a proposal that creates a claim at a node makes it
 * visible there (so the scripted agent can verify it).
 */
import type { BodyEnvelope } from '../../src/protocol/envelope/types.ts'
import { isWeb4Error } from '../../src/protocol/errors.ts'
import { claimIdOf } from '../../src/runtime/knowledge/claim-id.ts'
import type { CellContext, ForgedItem } from './context.ts'

/** Delivers last round's claim messages; returns how many deliveries were made. */
export function deliverClaimMessages (context: CellContext): number {
  const { outbox } = context
  const batch = [...outbox.adversary, ...outbox.honest]
  outbox.adversary = []
  outbox.honest = []
  for (const honest of context.world.honest) context.visible.set(honest.fingerprint, [])
  const forgedByBody = new Map<BodyEnvelope, ForgedItem>()
  for (const item of context.forged) if (item.body !== undefined && item.round === context.round() - 1) forgedByBody.set(item.body, item)
  let deliveries = 0
  for (const body of batch) {
    const claimId = body.type === 'FACT_PROPOSE' ? proposedClaimOf(body) : undefined
    for (const observer of context.world.honest) {
      if (observer.fingerprint === body.sender.fingerprint) continue
      deliveries++
      const error = ingestOne(context, observer.fingerprint, body, claimId)
      const forged = forgedByBody.get(body)
      if (forged !== undefined && error === forged.expectedError) forged.refusedBy++
    }
  }
  context.stats.ingests += deliveries
  return deliveries
}

/** The claim id a FACT_PROPOSE creates (SPEC §15.12). */
function proposedClaimOf (body: BodyEnvelope): string {
  const { fact } = body.payload as { fact: { statement: string, domain: string } }
  return claimIdOf(fact.statement, fact.domain)
}

/** Ingests one body at one observer (`claimId`: the claim a proposal creates); returns the refusal's error name, if any. */
function ingestOne (context: CellContext, fingerprint: string, body: BodyEnvelope, claimId: string | undefined): string | undefined {
  const trace = context.traces.get(fingerprint)
  if (trace === undefined) return undefined
  const knowledge = trace.node.node.knowledge
  const wasKnown = claimId !== undefined && knowledge.statusOf(claimId) !== undefined
  try {
    trace.node.node.ingest(body)
  } catch (err) {
    const name = isWeb4Error(err) ? err.name : 'Error'
    context.stats.ingestErrors.set(name, (context.stats.ingestErrors.get(name) ?? 0) + 1)
    return name
  }
  if (claimId === undefined) {
    trace.arrived(body)
    return undefined
  }
  if (!wasKnown && knowledge.statusOf(claimId) !== undefined) {
    trace.proposed(claimId, body.sender.fingerprint)
    context.visible.get(fingerprint)?.push(claimId)
  }
  return undefined
}
