/**
 * Integration: the distributed TrustFSM and deferred acceptance between real nodes over
 * TCP on 127.0.0.1 (issue #5, SPEC §6–§7, §15). The ring A–B–C–D–A, with A pinning B and
 * D as its trusted roots; C proposes two hops from A. Q (an equivocator) and E (a
 * proposer A distrusts) hang off C; F, a tapped node next to A, forges an accusation.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { BodyEnvelope, Fact, MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { claimIdOf } from '../../src/runtime/knowledge/claim-id.ts'
import { CHALLENGE_WINDOW_MS } from '../../src/runtime/knowledge/constants.ts'
import { addressOf, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'

const TRACE = { decision_id: 'integration', steps: ['read'], counterfactuals: [], evidence: [] }

function fact (statement: string): Fact {
  return { statement, domain: 'physics', confidence: 0.9, sources: ['https://example.org/physics'], context: 'integration' }
}

function trustAt (observer: MeshNode, peer: MeshNode): string {
  return observer.registry.trustOf(peer.identity.fingerprint)
}

/** Every status the claim had at `observer`, in order, from its `claim_status` events. */
function statusTrail (observer: MeshNode, claimId: string): unknown[] {
  return observer.events.since().filter((event) => event.event_type === 'claim_status' && event.payload.claim_id === claimId).map((event) => event.payload.to)
}

describe('distributed trust and deferred acceptance over TCP', { timeout: 120_000 }, () => {
  const started: MeshNode[] = []
  let a: MeshNode, b: MeshNode, c: MeshNode, d: MeshNode, q: MeshNode, e: MeshNode
  let f: TappedNode
  /** FACT_CONFIRM bodies F saw B broadcast (what a forger has in hand). */
  const seenByF: BodyEnvelope[] = []

  before(async () => {
    const [idA, idB, idD] = [generateKeyPairIdentity(), generateKeyPairIdentity(), generateKeyPairIdentity()]
    b = await startNode('bob', { identity: idB })
    d = await startNode('dan', { identity: idD })
    c = await startNode('cat', { peers: [addressOf(b), addressOf(d)] })
    a = await startNode('ann', { identity: idA, peers: [addressOf(b), addressOf(d)], trustedFingerprints: [idB.fingerprint, idD.fingerprint] })
    q = await startNode('quinn', { peers: [addressOf(c)] })
    e = await startNode('eve', { peers: [addressOf(c)] })
    f = await startTappedNode('fay', { peers: [addressOf(a)] })
    started.push(a, b, c, d, q, e, f.node)
    f.node.onMessage((message) => {
      const body = (message.carrier.payload as { body?: BodyEnvelope }).body
      if (body?.type === 'FACT_CONFIRM' && body.sender.fingerprint === b.identity.fingerprint) seenByF.push(body)
    })
    await waitFor(() => started.every((node) => started.every((other) => node === other || node.linkState.nextHop(other.identity.fingerprint) !== undefined)), {
      what: 'routes between every pair', timeoutMs: 30_000
    })
  })
  after(async () => { await stopAll(started) })

  it('an introduction from a trusted peer makes a node A never linked to probing, never trusted', async () => {
    await waitFor(() => trustAt(a, c) === 'probing', { what: 'ann to see cat as probing' })
    const introductions = a.registry.transitions({ peer: c.identity.fingerprint }).filter((record) => record.event === 'introduction')
    assert.ok(introductions.length > 0, 'cat reached ann by introduction')
    assert.ok(introductions.every((record) => record.to === 'probing' || record.to === record.from), 'an introduction never yields trusted')
    assert.ok(introductions.every((record) => record.causeMsgIds.length > 0), 'the cause (the trusted LSA) is recorded')
    assert.equal(a.peers().find((peer) => peer.fingerprint === c.identity.fingerprint)?.isLinked, false, 'ann and cat share no link')
    assert.equal(trustAt(b, c), 'probing', 'bob pins nobody: its own view, from the handshake')
  })

  it('a claim proposed two hops away is accepted after two trusted confirmations, and not before the challenge window', async () => {
    const statement = 'water boils at 100 °C at sea level'
    const id = await c.knowledge.propose(fact(statement), TRACE)
    assert.equal(id, claimIdOf(statement, 'physics'))
    await waitFor(() => b.knowledge.claim(id) !== undefined && d.knowledge.claim(id) !== undefined, { what: 'the roots to see the claim' })
    await Promise.all([b.knowledge.confirm(id), d.knowledge.confirm(id)])
    await waitFor(() => a.knowledge.claim(id)?.verdicts.length === 2, { what: 'both confirmations at ann' })
    const atBothConfirmations = a.knowledge.claim(id)
    assert.ok(atBothConfirmations !== undefined)
    if (Date.now() - atBothConfirmations.firstSeenAtMs < CHALLENGE_WINDOW_MS - 200) {
      assert.equal(atBothConfirmations.status, 'pending', 'two trusted confirmations inside the window are not enough yet')
    }
    await waitFor(() => a.knowledge.statusOf(id) === 'accepted', { what: 'acceptance at ann', timeoutMs: CHALLENGE_WINDOW_MS + 5000 })
    const accepted = a.knowledge.claim(id)
    assert.ok(accepted !== undefined)
    assert.ok(accepted.statusSinceMs - accepted.firstSeenAtMs >= CHALLENGE_WINDOW_MS, 'held for the whole challenge window')
    assert.deepEqual(statusTrail(a, id), ['accepted'])
    assert.ok(a.knowledge.causalMemory().some((entry) => entry.claimId === id), 'accepted claims enter causal memory')
    assert.equal(e.knowledge.statusOf(id), 'pending', 'eve trusts nobody: the same confirmations do not count for her')
    assert.ok(!e.knowledge.causalMemory().some((entry) => entry.claimId === id))
  })

  it('a claim a trusted root challenges is disputed, never accepted', async () => {
    const id = await c.knowledge.propose(fact('the moon is made of basalt and cheese'), TRACE)
    await waitFor(() => b.knowledge.claim(id) !== undefined && d.knowledge.claim(id) !== undefined, { what: 'the roots to see the claim' })
    await b.knowledge.confirm(id)
    await d.knowledge.challenge(id, { reason: 'conflict', notes: 'basalt, no cheese' })
    await waitFor(() => a.knowledge.statusOf(id) === 'disputed', { what: 'the dispute at ann', timeoutMs: CHALLENGE_WINDOW_MS + 5000 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.ok(!statusTrail(a, id).includes('accepted'))
    assert.ok(!a.knowledge.causalMemory().some((entry) => entry.claimId === id))
  })

  it('a claim from a proposer ann distrusts is rejected there despite two trusted confirmations', async () => {
    a.registry.applyTrust(e.identity.fingerprint, 'manual_set_untrusted', { reason: 'integration: operator distrusts eve', causeMsgIds: [] })
    const id = await e.knowledge.propose(fact('the speed of light is 3 m/s'), TRACE)
    await waitFor(() => b.knowledge.claim(id) !== undefined && d.knowledge.claim(id) !== undefined, { what: 'the roots to see the claim' })
    await Promise.all([b.knowledge.confirm(id), d.knowledge.confirm(id)])
    await waitFor(() => a.knowledge.statusOf(id) === 'rejected', { what: 'rejection at ann', timeoutMs: CHALLENGE_WINDOW_MS + 5000 })
    assert.ok(!statusTrail(a, id).includes('accepted'))
    assert.ok(!a.knowledge.causalMemory().some((entry) => entry.claimId === id))
  })

  it('equivocation (confirm and challenge of one claim, both signed) blacklists the equivocator at every node, each checking the evidence', async () => {
    const id = await c.knowledge.propose(fact('ice is less dense than water'), TRACE)
    await waitFor(() => q.knowledge.claim(id) !== undefined && a.knowledge.claim(id) !== undefined, { what: 'the claim to spread' })
    // The knowledge service refuses to sign both verdicts; send() signs whatever it is given.
    await q.send('ann', 'FACT_CONFIRM', { fact_ref: id, decision: 'confirm', confidence: 1, notes: '' })
    // Ann blacklists quinn on this one, so she routes no receipt back to quinn.
    const second = q.send('ann', 'FACT_CHALLENGE', { fact_ref: id, reason: 'conflict', notes: 'changed my mind' }, { timeoutMs: 3000 })
    await assert.rejects(second, { name: 'DeliveryTimeoutError' })
    const others = [a, b, c, d, e, f.node]
    await waitFor(() => others.every((node) => trustAt(node, q) === 'blacklisted'), { what: 'every node to blacklist quinn', timeoutMs: 15_000 })
    for (const node of [b, c, d]) {
      const [last] = node.registry.transitions({ peer: q.identity.fingerprint, limit: 1 })
      assert.equal(last?.event, 'cryptographic_evidence', `${node.agentId} acted on the evidence itself`)
      assert.equal(last.causeMsgIds.length, 2, 'both signed envelopes are the cause')
    }
    await waitFor(() => !c.peers().some((peer) => peer.fingerprint === q.identity.fingerprint && peer.isLinked), { what: 'cat to drop its link to quinn' })
  })

  it('a forged accusation (one envelope tampered) is refused by every node and blacklists no one', async () => {
    const id = await c.knowledge.propose(fact('copper conducts electricity'), TRACE)
    await waitFor(() => b.knowledge.claim(id) !== undefined, { what: 'bob to see the claim' })
    await b.knowledge.confirm(id)
    await waitFor(() => seenByF.some((body) => (body.payload as { fact_ref: string }).fact_ref === id), { what: 'fay to see bob\'s confirmation' })
    const genuine = seenByF.find((body) => (body.payload as { fact_ref: string }).fact_ref === id)
    assert.ok(genuine !== undefined)
    const tampered = { ...genuine, type: 'FACT_CHALLENGE', payload: { fact_ref: id, reason: 'conflict', notes: 'forged' } }
    const before = new Map([a, b, c, d].map((node) => [node, refusedEvidence(node)]))
    const receiver = { agent_id: '*', fingerprint: '*' }
    const author = { identity: f.node.identity, agentId: f.node.agentId }
    const accusation = sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'MESH_EVIDENCE', payload: { kind: 'equivocation', envelopes: [genuine, tampered] } as never, receiver }, { nowMs: Date.now() }), f.node.identity)
    await f.sendRaw(a.identity.fingerprint, 'mesh', canonicalBytes(accusation))
    await waitFor(() => [a, b, c, d].every((node) => refusedEvidence(node) > (before.get(node) ?? 0)), { what: 'every node to refuse the accusation', timeoutMs: 10_000 })
    assert.equal(trustAt(a, b), 'trusted')
    for (const node of [c, d, e]) assert.equal(trustAt(node, b), 'probing', `${node.agentId} keeps its view of bob`)
    assert.equal(trustAt(a, f.node), 'probing', 'the accuser is not punished either: it may have been fooled')
  })
})

/** How many evidence refusals `node` emitted. */
function refusedEvidence (node: MeshNode): number {
  return node.events.since().filter((event) => event.event_type === 'envelope_rejected' && event.payload.what === 'equivocation evidence').length
}
