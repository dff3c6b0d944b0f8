import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '../../test/helpers/wait-for.ts'
import { wrapTransport } from '../../test/helpers/wrap-transport.ts'
import { MAX_CARRIER_BYTES } from '../mesh/router/constants.ts'
import { createMeshNode } from '../node.ts'
import type { MeshNode, MeshNodeOptions } from '../node.ts'
import { SILENT_LOGGER } from '../observability/logger.ts'
import type { Logger } from '../observability/logger.ts'
import { InvalidEnvelopeError } from '../protocol/errors.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import type { LinkHandlers } from '../transport/link-transport.ts'
import { createMemoryNetwork } from '../transport/memory/index.ts'
import type { MemoryNetwork } from '../transport/memory/index.ts'

/** A logger that keeps the message of every warn and error line. */
function trapOf (): { logger: Logger, warnings: string[], errors: string[] } {
  const warnings: string[] = []
  const errors: string[] = []
  const logger: Logger = {
    ...SILENT_LOGGER,
    warn: (_fields, message) => { warnings.push(message ?? '') },
    error: (_fields, message) => { errors.push(message ?? '') },
    child: () => logger
  }
  return { logger, warnings, errors }
}

/** A node with a fresh identity on `network`; `options` go to `createMeshNode`. */
async function nodeOn (network: MemoryNetwork, agentId: string, options: Partial<MeshNodeOptions> = {}): Promise<MeshNode> {
  const identity = generateKeyPairIdentity()
  return await createMeshNode({ ...options, identity, agentId, transport: network.createTransport({ identity }) })
}

describe('Node', { timeout: 60_000 }, () => {
  const trap = trapOf()
  let ann: MeshNode, quinn: MeshNode, bob: MeshNode

  before(async () => {
    const network = createMemoryNetwork()
    ann = await nodeOn(network, 'ann', { logger: trap.logger })
    quinn = await nodeOn(network, 'quinn')
    bob = await nodeOn(network, 'bob')
    for (const node of [ann, quinn, bob]) await node.start()
    quinn.connect(ann.info().multiaddrs[0] ?? '')
    bob.connect(ann.info().multiaddrs[0] ?? '')
    await waitFor(() => ann.routes().length === 2 && quinn.routes().length === 2 && bob.routes().length === 2, { what: 'routes through ann' })
  })
  after(async () => { for (const node of [ann, quinn, bob]) await node.stop() })

  it('keeps equivocation evidence too large for one carrier to itself: the equivocator is still blacklisted, nothing fails, the node goes on', async () => {
    const id = await ann.knowledge.propose({ statement: 'evidence can be large', domain: 'limits', confidence: 0.5, sources: [], context: 'unit' }, { decision_id: 'd', steps: [], counterfactuals: [], evidence: [] })
    await waitFor(() => quinn.knowledge.claim(id) !== undefined, { what: 'quinn to see the claim' })
    // Each verdict fits a carrier; the two of them together (the evidence) do not.
    const notes = 'n'.repeat(Math.ceil(MAX_CARRIER_BYTES * 0.6))
    await quinn.send(ann.identity.fingerprint, 'FACT_CONFIRM', { fact_ref: id, decision: 'confirm', confidence: 1, notes })
    await quinn.send(ann.identity.fingerprint, 'FACT_CHALLENGE', { fact_ref: id, reason: 'conflict', notes }, { timeoutMs: 3000 }).catch(() => { /* ann blacklists quinn on this one */ })
    await waitFor(() => ann.registry.trustOf(quinn.identity.fingerprint) === 'blacklisted', { what: 'ann to blacklist quinn' })
    const [last] = ann.registry.transitions({ peer: quinn.identity.fingerprint, limit: 1 })
    assert.equal(last?.event, 'cryptographic_evidence')
    assert.ok(trap.warnings.includes('equivocation evidence not spread'), 'the evidence that could not travel is logged')
    assert.equal(ann.metrics.value('web4_runtime_dispatch_total', { protocol: 'cip', type: 'FACT_CHALLENGE', result: 'error' }), 0, 'the challenge that revealed it was handled in full')
    assert.deepEqual(trap.errors, [])
    assert.equal(ann.metrics.value('web4_bad_input_total', { channel: 'knowledge', error: 'internal' }) + ann.metrics.value('web4_bad_input_total', { channel: 'mesh', error: 'internal' }), 0)
    assert.equal(bob.registry.trustOf(quinn.identity.fingerprint) === 'blacklisted', false, 'bob got no evidence to act on')
    const receipt = await ann.send(bob.identity.fingerprint, 'INTENT', { goal: 'ask', topic: 'still here', priority: 'normal', context: 'unit' })
    assert.deepEqual(receipt.hops, [bob.identity.fingerprint], 'ann still sends')
  })

  it('counts the frames its links carry, by channel and direction (web4_transport_frames_total)', async () => {
    const frames = (node: MeshNode, channel: string, direction: string): number => node.metrics.value('web4_transport_frames_total', { channel, direction })
    assert.ok(frames(ann, 'control', 'out') > 0 && frames(ann, 'control', 'in') > 0, 'the handshakes and link state went over control')
    const before = { annOut: frames(ann, 'mesh', 'out'), annIn: frames(ann, 'mesh', 'in'), bobOut: frames(bob, 'mesh', 'out'), bobIn: frames(bob, 'mesh', 'in') }
    await ann.send(bob.identity.fingerprint, 'INTENT', { goal: 'ask', topic: 'counted', priority: 'normal', context: 'unit' })
    assert.ok(frames(ann, 'mesh', 'out') > before.annOut, 'ann sent the carrier')
    assert.ok(frames(bob, 'mesh', 'in') > before.bobIn, 'bob took it')
    assert.ok(frames(bob, 'mesh', 'out') > before.bobOut, 'bob sent the receipt')
    assert.ok(frames(ann, 'mesh', 'in') > before.annIn, 'ann took the receipt')
  })
})

describe('Node presence', { timeout: 30_000 }, () => {
  it('decides, once no longer overloaded, a claim whose acceptance overload held back, though nothing new arrived for it', async () => {
    const network = createMemoryNetwork()
    const knowledge = { windowMs: 100 }
    const kim = await nodeOn(network, 'kim', { knowledge })
    const confirmers = [await nodeOn(network, 'lee', { knowledge }), await nodeOn(network, 'max', { knowledge })]
    const nodes = [kim, ...confirmers]
    try {
      for (const node of nodes) await node.start()
      for (const node of confirmers) node.connect(kim.info().multiaddrs[0] ?? '')
      await waitFor(() => nodes.every((node) => node.routes().length === 2), { what: 'routes through kim' })
      const id = await kim.knowledge.propose({ statement: 'overload only defers', domain: 'presence', confidence: 0.9, sources: [], context: 'unit' }, { decision_id: 'd', steps: [], counterfactuals: [], evidence: [] })
      await waitFor(() => confirmers.every((node) => node.knowledge.claim(id) !== undefined), { what: 'the confirmers to see the claim' })
      for (const node of confirmers) await node.knowledge.confirm(id)
      await waitFor(() => kim.knowledge.claim(id)?.verdicts.length === 2, { what: 'both confirmations at kim' })
      await new Promise((resolve) => setTimeout(resolve, 150))
      assert.equal(kim.knowledge.statusOf(id), 'pending', 'the window closed, but kim trusts neither confirmer yet')
      // Trust arrives while kim is overloaded: the pass it starts holds acceptance back.
      kim.setPresence('overloaded', 95)
      for (const node of confirmers) kim.registry.applyTrust(node.identity.fingerprint, 'manual_set_trusted', { reason: 'unit test', causeMsgIds: [] })
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(kim.knowledge.statusOf(id), 'pending', 'held back while overloaded (SPEC §7 rule 5)')
      kim.setPresence('engaged', 10)
      assert.equal(kim.knowledge.statusOf(id), 'accepted')
    } finally {
      for (const node of nodes) await node.stop()
    }
  })
})

describe('Node and its transport', () => {
  it('refuses a frame the transport could not decode with a count, an event and a log line', async () => {
    const trap = trapOf()
    const identity = generateKeyPairIdentity()
    const inner = createMemoryNetwork().createTransport({ identity })
    let handlers: LinkHandlers | undefined
    const transport = wrapTransport(inner, {
      start: async (given) => {
        handlers = given
        await inner.start(given)
      }
    })
    const node = await createMeshNode({ identity, agentId: 'framed', transport, logger: trap.logger })
    await node.start()
    try {
      const peer = generateKeyPairIdentity()
      const link = { peerId: 'peer', publicKeyRaw: peer.publicKeyRaw, fingerprint: peer.fingerprint, direction: 'inbound' as const, remoteAddr: '/memory/peer' }
      assert.ok(handlers !== undefined)
      handlers.onBadFrame(link, 'state', new InvalidEnvelopeError('Cannot decode frame: declared length 2097152 exceeds 1048576', { reason: 'frame_too_large', limit: 1_048_576 }))
      assert.equal(node.metrics.value('web4_bad_input_total', { channel: 'state', error: 'invalid_envelope' }), 1)
      assert.ok(node.events.since().some((event) => event.event_type === 'transport_error' && event.peer === peer.fingerprint && event.payload.reason === 'frame_too_large'))
      assert.deepEqual(trap.warnings, ['frame refused'])
    } finally {
      await node.stop()
    }
  })
})
