/**
 * Replays (issue #7 item 3): a valid envelope a victim took once, sent again by its
 * handshaken neighbour after +1 s and +239 s (its timestamp is still inside the ±120 s
 * window, so only the replay cache can refuse it — DESIGN §6: seen msg_ids kept ≥ 300 s),
 * after the victim restarted from its SQLite data directory (the cache persists), and
 * through another relay (the same body in a new carrier, via a different neighbour) or
 * on a direct link after the mesh delivered it (one cache for every path). Each refused
 * as ReplayError, counted, delivered once, and no one penalised.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Clock } from '../../src/config/clock.ts'
import { initDataDir } from '../../src/config/data-dir.ts'
import type { DeliveredMessage, MeshNode } from '../../src/node.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { BodyEnvelope, MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import { addressOf, hasHandshakenWith, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { sealBody } from './envelopes.ts'
import { counterSum, startVictim } from './victim.ts'
import type { Victim } from './victim.ts'

/** The wall clock every node of the shared-clock mesh reads; a test moves it ahead. */
const clock: Clock & { offsetMs: number } = { offsetMs: 0, now: () => Date.now() + clock.offsetMs, monotonic: () => performance.now() }

const nodes: MeshNode[] = []
let root = ''
let victim: Victim
let attacker: TappedNode
let relay: MeshNode
const delivered: DeliveredMessage[] = []

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-bad-input-replay-'))
  victim = await startVictim('replay-victim', { clock })
  relay = await startNode('replay-relay', { clock, peers: [addressOf(victim.node)] })
  attacker = await startTappedNode('replay-attacker', { clock, peers: [addressOf(victim.node), addressOf(relay)] })
  nodes.push(victim.node, relay, attacker.node)
  victim.node.onMessage((message) => { delivered.push(message) })
  await waitFor(() => hasHandshakenWith(victim.node, [attacker.node, relay]) && hasHandshakenWith(relay, [attacker.node])
    && relay.linkState.nextHop(victim.node.identity.fingerprint) === victim.node.identity.fingerprint, { timeoutMs: 20_000, what: 'victim, relay and attacker linked' })
})
after(async () => {
  await stopAll(nodes)
  await rm(root, { recursive: true, force: true })
})

function authorOf (node: MeshNode): { identity: MeshNode['identity'], agentId: string } {
  return { identity: node.identity, agentId: node.agentId }
}

function receiverOf (node: MeshNode): { agent_id: string, fingerprint: string } {
  return { agent_id: node.agentId, fingerprint: node.identity.fingerprint }
}

function intentsAccepted (node: MeshNode, msgId: string): number {
  return node.events.since().filter((event) => event.event_type === 'intent_accepted' && event.payload.msg_id === msgId).length
}

function refusals (node: MeshNode, channel: string, error: string): number {
  return counterSum(node, 'web4_bad_input_total', { channel, error })
}

/** A carrier of `body` from its author to `destination`, under a fresh id and msg_id. */
function carrierOf (author: MeshNode, body: BodyEnvelope, destination: MeshNode): MeshEnvelope {
  const unsigned = buildMeshEnvelope(authorOf(author), { type: 'INTENT', payload: { body }, receiver: receiverOf(destination) }, { nowMs: clock.now() })
  return sealEnvelope<MeshEnvelope>(unsigned, author.identity)
}

describe('replayed envelopes', { timeout: 120_000 }, () => {
  it('are refused with ReplayError after +1 s and +239 s, and with TimestampError once outside the window', async () => {
    const anchor = clock.now()
    // Timestamped 119.5 s ahead: fresh now, and still fresh 239 s later (120 s behind).
    const envelope = sealBody(authorOf(attacker.node), 'INTENT', receiverOf(victim.node), { nowMs: anchor + 119_500, msgId: randomUUID() })
    const bytes = canonicalBytes(envelope)
    const send = async (): Promise<void> => { await attacker.sendRaw(victim.node.identity.fingerprint, 'state', bytes) }
    await send()
    await waitFor(() => intentsAccepted(victim.node, envelope.msg_id) === 1, { what: 'the first copy taken' })
    const replays0 = refusals(victim.node, 'state', 'replay')
    for (const [offsetMs, expected] of [[1000, 1], [239_000, 2]] as const) {
      clock.offsetMs += anchor + offsetMs - clock.now()
      await send()
      await waitFor(() => refusals(victim.node, 'state', 'replay') === replays0 + expected, { what: `the replay after +${offsetMs / 1000} s refused` })
    }
    const stale0 = refusals(victim.node, 'state', 'timestamp')
    clock.offsetMs += anchor + 245_000 - clock.now()
    await send()
    await waitFor(() => refusals(victim.node, 'state', 'timestamp') === stale0 + 1, { what: 'the replay after the window refused as stale' })
    assert.equal(intentsAccepted(victim.node, envelope.msg_id), 1, 'taken once')
    assert.equal(victim.node.registry.trustOf(attacker.node.identity.fingerprint), 'probing', 'a replay is no penalty')
    const rejected = victim.node.events.since().filter((event) => event.event_type === 'envelope_rejected' && event.payload.msg_id === envelope.msg_id)
    assert.deepEqual(rejected.map((event) => event.payload.error), ['ReplayError', 'ReplayError', 'TimestampError'])
  })

  it('are refused with ReplayError in a new carrier through another relay, and on a direct link after the mesh delivered them', async () => {
    const body = sealBody(authorOf(attacker.node), 'INTENT', receiverOf(victim.node), { nowMs: clock.now(), msgId: randomUUID() })
    const isOurs = (message: DeliveredMessage): boolean => (message.carrier.payload as { body: BodyEnvelope }).body.msg_id === body.msg_id
    await attacker.sendRaw(victim.node.identity.fingerprint, 'mesh', canonicalBytes(carrierOf(attacker.node, body, victim.node)))
    await waitFor(() => delivered.some(isOurs), { what: 'the first carrier delivered' })
    const replays0 = refusals(victim.node, 'mesh', 'replay')
    const second = carrierOf(attacker.node, body, victim.node)
    await attacker.sendRaw(relay.identity.fingerprint, 'mesh', canonicalBytes(second))
    await waitFor(() => refusals(victim.node, 'mesh', 'replay') === replays0 + 1, { what: 'the relayed replay refused' })
    assert.ok(relay.events.since().some((event) => event.event_type === 'mesh_routed' && event.payload.id === second.id), 'the other neighbour relayed it')
    const dropped = victim.node.events.since().find((event) => event.event_type === 'mesh_dropped' && event.payload.id === second.id)
    assert.deepEqual([dropped?.payload.reason, dropped?.payload.error, dropped?.payload.detail], ['invalid', 'ReplayError', 'replay'])
    const direct0 = refusals(victim.node, 'state', 'replay')
    await attacker.sendRaw(victim.node.identity.fingerprint, 'state', canonicalBytes(body))
    await waitFor(() => refusals(victim.node, 'state', 'replay') === direct0 + 1, { what: 'the body refused on a direct link' })
    assert.equal(delivered.filter(isOurs).length, 1, 'delivered once')
    for (const node of [attacker.node, relay]) assert.equal(victim.node.registry.trustOf(node.identity.fingerprint), 'probing', 'no one is blamed')
  })

  it('are refused with ReplayError after the victim restarts from its data directory', async () => {
    const dataDir = join(root, 'restart-victim')
    await initDataDir(dataDir, 'restart-victim')
    const first = await startVictim('restart-victim', { dataDir })
    const sender = await startTappedNode('restart-attacker', { peers: [addressOf(first.node)] })
    nodes.push(first.node, sender.node)
    await waitFor(() => hasHandshakenWith(first.node, [sender.node]), { timeoutMs: 15_000, what: 'the first handshake' })
    const envelope = sealBody(authorOf(sender.node), 'INTENT', receiverOf(first.node), { nowMs: Date.now(), msgId: randomUUID() })
    await sender.sendRaw(first.node.identity.fingerprint, 'state', canonicalBytes(envelope))
    await waitFor(() => intentsAccepted(first.node, envelope.msg_id) === 1, { what: 'taken before the restart' })
    await first.node.stop()
    const second = await startVictim('restart-victim', { dataDir })
    nodes.push(second.node)
    assert.equal(second.node.identity.fingerprint, first.node.identity.fingerprint, 'the same node')
    second.node.connect(addressOf(sender.node))
    await waitFor(() => hasHandshakenWith(second.node, [sender.node]) && sender.transport.links().some((link) => link.fingerprint === second.node.identity.fingerprint), { timeoutMs: 15_000, what: 'the handshake after the restart' })
    await sender.sendRaw(second.node.identity.fingerprint, 'state', canonicalBytes(envelope))
    await waitFor(() => refusals(second.node, 'state', 'replay') === 1, { what: 'the replay after the restart refused' })
    assert.equal(intentsAccepted(second.node, envelope.msg_id), 0, 'not taken again')
    assert.equal(second.node.registry.trustOf(sender.node.identity.fingerprint), 'probing')
  })

  it('were each a typed refusal, with no error logged', () => {
    assert.equal(counterSum(victim.node, 'web4_bad_input_total', { error: 'internal' }), 0)
    assert.deepEqual(victim.trap.errors, [])
    assert.equal(victim.trap.untypedRefusals, 0)
  })
})
