/**
 * Integration: mesh routing between real nodes over TCP on 127.0.0.1 (issue #4) — a
 * line A–B–C, a 5-node ring with failover, the forwarding policy's drops, forged and
 * replayed LSAs, a tampering relay, and a routed handshake between nodes that share no
 * link.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import { canonicalBytes, canonicalize } from '../../src/protocol/canonical-json.ts'
import { buildCipEnvelope, buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import { sealLsa } from '../../src/mesh/link-state/lsa.ts'
import { startLinkRelay } from '../helpers/link-relay.ts'
import type { LinkRelay } from '../helpers/link-relay.ts'
import { addressOf, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'

const INTENT = { goal: 'ask', topic: 'routing', priority: 'normal', context: 'integration' } as const
const started: MeshNode[] = []
const proxies: LinkRelay[] = []
after(async () => {
  await stopAll(started)
  await Promise.allSettled(proxies.map(async (proxy) => { await proxy.close() }))
})

function portOf (self: MeshNode): number {
  return Number(/\/tcp\/(\d+)\//.exec(addressOf(self))?.[1])
}

async function node (agentId: string, peers: MeshNode[] = []): Promise<MeshNode> {
  const created = await startNode(agentId, { peers: peers.map(addressOf) })
  started.push(created)
  return created
}

async function tapped (agentId: string, peers: MeshNode[] = []): Promise<TappedNode> {
  const created = await startTappedNode(agentId, { peers: peers.map(addressOf) })
  started.push(created.node)
  return created
}

function hasRoute (from: MeshNode, to: MeshNode, via?: MeshNode): boolean {
  const nextHop = from.linkState.nextHop(to.identity.fingerprint)
  return via === undefined ? nextHop !== undefined : nextHop === via.identity.fingerprint
}

function droppedReasons (self: MeshNode): unknown[] {
  return self.events.since().filter((event) => event.event_type === 'mesh_dropped').map((event) => event.payload.reason)
}

/** A carrier from `author` to `destination` with the given hops, signed by `author`. */
function carrierFrom (author: TappedNode, destination: MeshNode, hops: string[]): MeshEnvelope {
  const receiver = { agent_id: destination.agentId, fingerprint: destination.identity.fingerprint }
  const authorInfo = { identity: author.node.identity, agentId: author.node.agentId }
  const body = sealEnvelope(buildCipEnvelope(authorInfo, { type: 'INTENT', payload: INTENT, receiver }, { nowMs: Date.now() }), author.node.identity)
  const carrier = sealEnvelope<MeshEnvelope>(buildMeshEnvelope(authorInfo, { type: 'INTENT', payload: { body }, receiver }, { nowMs: Date.now() }), author.node.identity)
  return { ...carrier, hops }
}

describe('mesh routing over TCP', { timeout: 120_000 }, () => {
  it('routes A→C through B on a line; the receipt\'s hops are exactly [B, C]', async () => {
    const a = await node('line-a')
    const b = await node('line-b', [a])
    const c = await node('line-c', [b])
    await waitFor(() => hasRoute(a, c, b) && hasRoute(c, a, b), { timeoutMs: 15_000, what: 'routes A⇄C via B' })
    const receipt = await a.send('line-c', 'INTENT', INTENT)
    assert.deepEqual(receipt.hops, [b.identity.fingerprint, c.identity.fingerprint])
    assert.equal(receipt.to, c.identity.fingerprint)
    assert.ok(receipt.rttMs > 0)
    const delivered = c.events.since().filter((event) => event.event_type === 'mesh_delivered' && event.payload.type === 'INTENT')
    assert.equal(delivered.length, 1)
    assert.ok(b.events.since().some((event) => event.event_type === 'mesh_routed'), 'B relayed it')
  })

  it('completes a routed handshake between two nodes that share no link', async () => {
    const a = await node('routed-a')
    const b = await node('routed-b', [a])
    const c = await node('routed-c', [b])
    await waitFor(() => [a, c].every((self) => self.peers().some((peer) => peer.fingerprint === (self === a ? c : a).identity.fingerprint && peer.isHandshaken && peer.trust === 'probing')), { timeoutMs: 15_000, what: 'routed handshake' })
    const routed = [...a.events.since(), ...c.events.since()].filter((event) => event.event_type === 'handshake_completed' && event.payload.routed === true)
    assert.equal(routed.length, 2, 'one completion on each end')
    assert.equal(a.peers().find((peer) => peer.fingerprint === c.identity.fingerprint)?.isLinked, false, 'no direct link')
  })

  it('takes the shorter way round a 5-node ring, and the other way once a node on it dies', async () => {
    // n0–n1–n2–n3–n4–n0; the two links of the long way round run through relays adding 5 ms
    // each way, so "shorter" is unambiguous even when loopback RTTs jitter under load.
    const ring: MeshNode[] = []
    for (let i = 0; i < 5; i++) ring.push(await node(`ring-${i}`))
    const [n0, n1, n2, n3, n4] = ring as [MeshNode, MeshNode, MeshNode, MeshNode, MeshNode]
    const slowN3 = await startLinkRelay({ targetHost: '127.0.0.1', targetPort: portOf(n3), delayMs: 5, seed: 3 })
    const slowN0 = await startLinkRelay({ targetHost: '127.0.0.1', targetPort: portOf(n0), delayMs: 5, seed: 4 })
    proxies.push(slowN3, slowN0)
    n1.connect(addressOf(n0))
    n2.connect(addressOf(n1))
    n3.connect(addressOf(n2))
    n4.connect(slowN3.addressFor(n3.info().peer_id))
    n4.connect(slowN0.addressFor(n0.info().peer_id))
    await waitFor(() => ring.every((self) => ring.every((other) => other === self || hasRoute(self, other))) && hasRoute(n0, n2, n1) && hasRoute(n2, n0, n1), { timeoutMs: 20_000, what: 'ring routes' })
    const short = await n0.send(n2.identity.fingerprint, 'INTENT', INTENT)
    assert.deepEqual(short.hops, [n1.identity.fingerprint, n2.identity.fingerprint])
    const stoppedAt = Date.now()
    await n1.stop()
    await waitFor(() => hasRoute(n0, n2, n4) && hasRoute(n2, n0, n3), { timeoutMs: 10_000, what: 'routes around the dead node' })
    const rerouteMs = Date.now() - stoppedAt
    const long = await n0.send(n2.identity.fingerprint, 'INTENT', INTENT)
    assert.deepEqual(long.hops, [n4.identity.fingerprint, n3.identity.fingerprint, n2.identity.fingerprint], `rerouted in ${rerouteMs} ms`)
  })
})

describe('mesh routing against bad input', { timeout: 60_000 }, () => {
  it('drops looping, over-long and blocked carriers with their reasons', async () => {
    const victim = await node('drop-victim')
    const attacker = await tapped('drop-attacker', [victim])
    const target = await node('drop-target', [victim])
    await waitFor(() => hasRoute(victim, target) && victim.linkState.isKnown(attacker.node.identity.fingerprint), { timeoutMs: 15_000, what: 'routes' })
    const self = victim.identity.fingerprint
    await attacker.sendRaw(self, 'mesh', canonicalBytes(carrierFrom(attacker, target, [self])))
    await waitFor(() => droppedReasons(victim).includes('loop'), { what: 'loop drop' })
    const longHops = Array.from({ length: 16 }, () => generateKeyPairIdentity().fingerprint)
    await attacker.sendRaw(self, 'mesh', canonicalBytes(carrierFrom(attacker, target, longHops)))
    await waitFor(() => droppedReasons(victim).includes('max_hops'), { what: 'max_hops drop' })
    victim.registry.applyTrust(target.identity.fingerprint, 'manual_set_blacklisted', { reason: 'test', causeMsgIds: [] })
    await attacker.sendRaw(self, 'mesh', canonicalBytes(carrierFrom(attacker, target, [])))
    await waitFor(() => droppedReasons(victim).includes('blocked'), { what: 'blocked drop' })
    assert.equal(victim.metrics.value('web4_mesh_dropped_total', { reason: 'loop' }), 1)
    assert.equal(victim.metrics.value('web4_mesh_dropped_total', { reason: 'max_hops' }), 1)
    assert.equal(victim.registry.trustOf(attacker.node.identity.fingerprint), 'probing', 'header drops are no penalty')
  })

  it('rejects a forged LSA and a replayed old one, and keeps its routes', async () => {
    const victim = await node('lsa-victim')
    const attacker = await tapped('lsa-attacker', [victim])
    const honest = await node('lsa-honest', [victim])
    await waitFor(() => hasRoute(victim, honest) && victim.linkState.isKnown(attacker.node.identity.fingerprint), { timeoutMs: 15_000, what: 'routes' })
    // Forged: claims the honest node's origin and key, signed by the attacker.
    const forged = sealLsa(attacker.node.identity, { agentId: 'lsa-honest', seq: 10 ** 6, nowMs: Date.now(), addresses: [], neighbours: [], withdrawn: false })
    const framed = { ...forged, origin: honest.identity.fingerprint, pubkey: honest.identity.pubkey }
    await attacker.sendRaw(victim.identity.fingerprint, 'control', new TextEncoder().encode(canonicalize(framed)))
    await waitFor(() => victim.metrics.value('web4_bad_input_total', { channel: 'control', error: 'signature_mismatch' }) === 1, { what: 'forged LSA refused' })
    assert.ok(hasRoute(victim, honest), 'the honest node keeps its route')
    // Replayed: an older, genuine LSA of the attacker itself.
    const old = sealLsa(attacker.node.identity, { agentId: 'lsa-attacker', seq: 1, nowMs: Date.now(), addresses: [], neighbours: [], withdrawn: false })
    await attacker.sendRaw(victim.identity.fingerprint, 'control', canonicalBytes(old))
    await waitFor(() => victim.metrics.value('web4_mesh_lsa_refused_total', { reason: 'stale' }) >= 1, { what: 'stale LSA refused' })
    assert.ok(victim.linkState.isKnown(attacker.node.identity.fingerprint))
  })

  it('detects a relay that alters a signed member, blames no one, and the send fails with a typed error', async () => {
    const a = await node('tamper-a')
    const relay = await tapped('tamper-relay', [a])
    const c = await node('tamper-c', [relay.node])
    await waitFor(() => hasRoute(a, c) && hasRoute(c, a), { timeoutMs: 15_000, what: 'routes through the relay' })
    relay.setRewrite((channel, body) => {
      if (channel !== 'mesh') return body
      const carrier = parseJson(body) as unknown as MeshEnvelope
      if (carrier.type !== 'INTENT') return body
      const payload = carrier.payload as { body: { payload: { topic: string } } }
      payload.body.payload.topic = 'rewritten by the relay'
      return canonicalBytes(carrier)
    })
    await assert.rejects(a.send(c.identity.fingerprint, 'INTENT', INTENT, { timeoutMs: 2000 }), { name: 'DeliveryTimeoutError' })
    await waitFor(() => droppedReasons(c).includes('tampered'), { what: 'tampering detected at the destination' })
    assert.equal(c.metrics.value('web4_mesh_dropped_total', { reason: 'tampered' }), 1)
    for (const self of [a, c]) {
      assert.deepEqual(self.registry.transitions().filter((record) => record.to === 'untrusted' || record.to === 'blacklisted'), [], 'no one is blamed')
    }
    relay.setRewrite(undefined)
    const receipt = await a.send(c.identity.fingerprint, 'INTENT', { ...INTENT, topic: randomUUID() })
    assert.equal(receipt.hops.length, 2)
  })
})
