/**
 * S6 (TRUSTBENCH §3.4): from round 10 each adversary sends, per round, for its own false
 * claims: (a) a FACT_CONFIRM naming a root but signed by itself; (b) a root's genuine
 * FACT_CONFIRM with `fact_ref` edited; (c) an exact replay of a root's earlier
 * FACT_CONFIRM; (d) a root's signature under a new msg_id; (e) a self-signed envelope
 * dated 300 s ago; (f) an introduction "from root R" of a fresh identity, signed by
 * itself; (g) fabricated equivocation evidence against an honest node. (a)–(e) are claim
 * messages (delivered through `ingest` to every honest node); (f) travels as an LSA and
 * (g) as MESH_EVIDENCE over the adversary's direct links. Each is logged with the
 * typed error it must meet and the ids only it carries, for the FORGE audit.
 */
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { lsaCauseId } from '../../src/mesh/trust-mesh/introductions.ts'
import { sealLsa } from '../../src/mesh/link-state/lsa.ts'
import type { BodyEnvelope, FactConfirmPayload } from '../../src/protocol/envelope/types.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { BenchNode } from './bench-node.ts'
import { authorOf, nowOf, sendAdversarial as send } from './context.ts'
import type { CellContext, ForgedItem } from './context.ts'
import { drawIdentity } from './identities.ts'
import { INTRODUCTION_SEQ_BASE } from './introductions.ts'

/** How far in the past (e) is dated, in ms. */
export const STALE_BY_MS = 300_000

const freshIdentities = new WeakMap<CellContext, KeyPairIdentity>()

/** This round's forgeries of every adversary identity. */
export function forge (context: CellContext, identities: readonly BenchNode[]): void {
  const now = nowOf(context)
  // Only genuine confirmations already delivered can be replayed or edited.
  const delivered = (bodies: readonly BodyEnvelope[]): BodyEnvelope[] => bodies.filter((body) => Date.parse(body.timestamp) < now)
  const replayable = context.rng.shuffle(delivered(context.rootConfirms))
  for (const identity of identities) {
    const target = context.book.all().filter((claim) => claim.proposer === identity.fingerprint && !claim.isTrue).at(-1)
    const root = context.rng.pick(context.world.roots)
    const genuine = context.rng.pick(replayable.length > 0 ? replayable : [undefined])
    if (target !== undefined) forgeVerdicts(context, identity, root, target.id, genuine, replayable.pop())
    forgeIntroduction(context, identity, root)
    const victims = delivered(context.honestConfirms).slice(-16)
    if (victims.length > 0) forgeEvidence(context, identity, context.rng.pick(victims))
  }
}

function forgeVerdicts (context: CellContext, identity: BenchNode, root: BenchNode, target: string, genuine: BodyEnvelope | undefined, replay: BodyEnvelope | undefined): void {
  const { writer } = context
  const now = nowOf(context)
  const honest = context.world.honest.length
  const add = (kind: ForgedItem['kind'], body: BodyEnvelope, expectedError: string, verdict: ForgedItem['verdict'], isNewId: boolean): void => {
    const isHonestSender = context.world.byFingerprint.get(body.sender.fingerprint)?.kind === 'honest'
    context.forged.push({
      kind, round: context.round(), sender: identity.fingerprint, expectedError, body,
      forgedIds: isNewId ? [body.msg_id] : [],
      ...(verdict === undefined ? {} : { verdict }),
      recipients: isHonestSender ? honest - 1 : honest,
      refusedBy: 0
    })
    send(context, body)
  }
  const a = writer.impersonatedConfirm(authorOf(root), identity.identity, target, now)
  add('a', a, 'SignatureMismatchError', { claim: target, from: root.fingerprint, msgId: a.msg_id }, true)
  if (genuine !== undefined) {
    const b = writer.tampered(genuine, target)
    add('b', b, 'SignatureMismatchError', { claim: target, from: genuine.sender.fingerprint, msgId: genuine.msg_id }, false)
    const d = writer.resigned(genuine)
    add('d', d, 'SignatureMismatchError', { claim: (genuine.payload as FactConfirmPayload).fact_ref, from: genuine.sender.fingerprint, msgId: d.msg_id }, true)
  }
  if (replay !== undefined) add('c', replay, 'ReplayError', undefined, false)
  const e = writer.staleConfirm(authorOf(identity), target, now - STALE_BY_MS)
  add('e', e, 'TimestampError', { claim: target, from: identity.fingerprint, msgId: e.msg_id }, true)
}

/** (f): an LSA with root R's origin and key, listing a fresh identity, signed by the adversary. */
function forgeIntroduction (context: CellContext, identity: BenchNode, root: BenchNode): void {
  let fresh = freshIdentities.get(context)
  if (fresh === undefined) {
    fresh = drawIdentity(context.rng)
    freshIdentities.set(context, fresh)
  }
  const seq = INTRODUCTION_SEQ_BASE + context.round()
  const impostor: KeyPairIdentity = { ...identity.identity, fingerprint: root.fingerprint, pubkey: root.identity.pubkey }
  const lsa = sealLsa(impostor, { agentId: root.name, seq, nowMs: nowOf(context), addresses: [], neighbours: [{ fingerprint: fresh.fingerprint, rtt_ms: 0, trust: 'trusted' }] })
  const targets = context.world.linkedHonest.get(identity.fingerprint) ?? []
  const bytes = canonicalBytes(lsa)
  for (const target of targets) void identity.transport.sendRaw(target.fingerprint, 'control', bytes).catch(() => undefined)
  context.forged.push({ kind: 'f', round: context.round(), sender: identity.fingerprint, expectedError: 'SignatureMismatchError', forgedIds: [lsaCauseId(lsa)], recipients: targets.length, refusedBy: 0 })
  context.stats.envelopes++
}

/** (g): MESH_EVIDENCE pairing an honest node's genuine confirmation with a challenge forged in its name. */
function forgeEvidence (context: CellContext, identity: BenchNode, genuine: BodyEnvelope): void {
  const forged = context.writer.forgedCounterpart(genuine, identity.identity, nowOf(context))
  const envelopes = [genuine, forged] as unknown as [never, never]
  const { bytes } = context.writer.carrier(authorOf(identity), 'MESH_EVIDENCE', { kind: 'equivocation', envelopes }, nowOf(context))
  const targets = context.world.linkedHonest.get(identity.fingerprint) ?? []
  for (const target of targets) void identity.transport.sendRaw(target.fingerprint, 'mesh', bytes).catch(() => undefined)
  // Every honest node meets it once: directly, or flooded by the first that got it.
  context.forged.push({ kind: 'g', round: context.round(), sender: identity.fingerprint, expectedError: 'SignatureMismatchError', forgedIds: [forged.msg_id], recipients: context.world.honest.length, refusedBy: 0 })
  context.stats.envelopes += 2
}
