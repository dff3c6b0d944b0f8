import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '../../test/helpers/wait-for.ts'
import { createMeshNode } from '../node.ts'
import type { MeshNode } from '../node.ts'
import type { HumanState } from '../protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import type { AgentLoopEventName, AgentLoopEvents } from '../runtime/agent-loop/index.ts'
import { createMemoryNetwork } from '../transport/memory/index.ts'

/** alpha — beta — gamma on the in-memory network: gamma is two hops from alpha. */
async function line (): Promise<[MeshNode, MeshNode, MeshNode]> {
  const network = createMemoryNetwork()
  const nodes: MeshNode[] = []
  for (const agentId of ['alpha', 'beta', 'gamma']) {
    const identity = generateKeyPairIdentity()
    nodes.push(await createMeshNode({ identity, agentId, transport: network.createTransport({ identity }) }))
  }
  const [alpha, beta, gamma] = nodes as [MeshNode, MeshNode, MeshNode]
  for (const node of nodes) await node.start()
  alpha.connect(beta.info().multiaddrs[0] ?? '')
  gamma.connect(beta.info().multiaddrs[0] ?? '')
  await waitFor(() => alpha.routes().some((route) => route.destination === gamma.identity.fingerprint) && gamma.routes().some((route) => route.destination === alpha.identity.fingerprint), { what: 'routes across beta' })
  // A node records the state of peers it has handshaken with (directly or routed), not of strangers.
  await waitFor(() => alpha.registry.get(gamma.identity.fingerprint) !== undefined && gamma.registry.get(alpha.identity.fingerprint) !== undefined, { what: 'the routed handshake of alpha and gamma' })
  return [alpha, beta, gamma]
}

/** Collects every notice of `event` the node's AgentLoop emits. */
function collect<E extends AgentLoopEventName> (node: MeshNode, event: E): Array<AgentLoopEvents[E]> {
  const notices: Array<AgentLoopEvents[E]> = []
  node.agentLoop.on(event, (notice) => { notices.push(notice) })
  return notices
}

const CALM: HumanState = { presence: 'engaged', affect: 'calm', clarity: 80, pressure: 20, intent: 'plan', consent: 'granted' }

describe('the node\'s application layer (AgentLoop, ProtocolRouter, HCP, LIP)', { timeout: 60_000 }, () => {
  let alpha: MeshNode, beta: MeshNode, gamma: MeshNode
  before(async () => { [alpha, beta, gamma] = await line() })
  after(async () => { for (const node of [alpha, beta, gamma]) await node.stop() })

  it('setPresence() announces presence and LRI across the mesh: a node two hops away records them and tells its AgentLoop', async () => {
    const updates = collect(gamma, 'state_update')
    alpha.setPresence('focused', 37)
    assert.deepEqual([alpha.info().presence, alpha.info().lri], ['focused', 37])
    await waitFor(() => updates.some((notice) => notice.from === alpha.identity.fingerprint), { what: 'gamma to hear alpha\'s state' })
    const notice = updates.find((entry) => entry.from === alpha.identity.fingerprint)
    assert.equal(notice?.via, 'mesh')
    assert.deepEqual([notice.presence, notice.lri], ['focused', 37])
    assert.equal(gamma.registry.get(alpha.identity.fingerprint)?.presence, 'focused')
    assert.throws(() => { alpha.setPresence('asleep' as never) }, RangeError)
    assert.throws(() => { alpha.setPresence('engaged', 101) }, RangeError)
    assert.equal(alpha.info().presence, 'focused', 'a refused call changes nothing')
  })

  it('agentLoop.declareIntent() reaches the other nodes\' AgentLoops; a malformed intent is refused before anything is sent', async () => {
    const intents = collect(gamma, 'intent')
    alpha.agentLoop.declareIntent({ goal: 'learn', topic: 'boiling points', priority: 'normal', context: 'lab' })
    await waitFor(() => intents.some((notice) => notice.from === alpha.identity.fingerprint), { what: 'gamma to hear the intent' })
    const notice = intents.find((entry) => entry.from === alpha.identity.fingerprint)
    assert.equal(notice?.protocol, 'cip')
    assert.equal(notice.topic, 'boiling points')
    assert.throws(() => { alpha.agentLoop.declareIntent({ goal: 'conquer' } as never) }, { name: 'PayloadSchemaError' })
  })

  it('an HCP state update routed from a human\'s agent opens a session that gates acting for that human', async () => {
    const human = gamma.identity.fingerprint
    assert.equal(alpha.hcp.mayActFor(human, { topic: 'travel' }).action, 'refuse', 'never heard from: consent unknown')
    const states = collect(alpha, 'hcp_state')
    const payload = { presence: 'engaged', affect: 'calm', clarity: 80, pressure: 20, consent: 'granted' }
    await gamma.send('alpha', 'HCP_STATE_UPDATE', payload, { human: CALM })
    await waitFor(() => states.length > 0, { what: 'the hcp_state notice' })
    assert.equal(alpha.hcp.mayActFor(human, { topic: 'travel' }).action, 'proceed')
    await gamma.send('alpha', 'HCP_STATE_UPDATE', { ...payload, consent: 'revoked' }, { human: { ...CALM, consent: 'revoked' } })
    await waitFor(() => states.length > 1, { what: 'the second hcp_state notice' })
    assert.throws(() => { alpha.hcp.assertMayActFor(human, { topic: 'travel' }) }, { name: 'TrustViolationError' })
  })

  it('LIP evidence delivered over two hops is queued as pending, shown to the AgentLoop and handed to onMessage', async () => {
    const envelopes = collect(alpha, 'envelope')
    const delivered: string[] = []
    const stop = alpha.onMessage((message) => { delivered.push(message.carrier.type) })
    const source = { uri: 'https://example.org/boiling', trust_tier: 'high' as const, retrieved_at: new Date().toISOString() }
    const payload = { claims: ['water boils at 100 °C at sea level'], evidence: ['table 2'], confidence: 0.9, extraction_notes: '' }
    await gamma.send('alpha', 'LIP_EVIDENCE', payload, { source })
    await waitFor(() => alpha.lip.list().length === 1, { what: 'the evidence item' })
    const [item] = alpha.lip.list()
    assert.deepEqual(item?.submitters, [gamma.identity.fingerprint])
    assert.equal(item.status, 'pending', 'an unknown source tier and no trusted corroborators hold it back')
    assert.deepEqual(envelopes.map((notice) => [notice.envelope.type, notice.via, notice.from]), [['LIP_EVIDENCE', 'mesh', gamma.identity.fingerprint]])
    assert.deepEqual(delivered, ['LIP_EVIDENCE'])
    stop()
  })

  it('a SERVICE_INVOKE runs the registered service through the router and answers in the receipt; an unknown one is refused', async () => {
    alpha.registerService('echo', '1', (input, from) => ({ input, from }))
    const receipt = await gamma.send('alpha', 'SERVICE_INVOKE', { service: 'echo', version: '1', input: { n: 1 } })
    assert.deepEqual(receipt.result, { input: { n: 1 }, from: gamma.identity.fingerprint })
    await assert.rejects(gamma.send('alpha', 'SERVICE_INVOKE', { service: 'nope', version: '1', input: null }), /unknown_service|no such service|no service/)
  })

  it('every dispatch is counted by protocol, type and result', () => {
    assert.ok(alpha.metrics.value('web4_runtime_dispatch_total', { protocol: 'lip', type: 'LIP_EVIDENCE', result: 'ok' }) >= 1)
    assert.ok(alpha.metrics.value('web4_runtime_dispatch_total', { protocol: 'hcp', type: 'HCP_STATE_UPDATE', result: 'ok' }) >= 2)
    assert.ok(alpha.metrics.value('web4_runtime_dispatch_total', { protocol: 'cip', type: 'HELLO', result: 'ok' }) >= 1, 'the direct handshake goes through the router too')
  })
})
