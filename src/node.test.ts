import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { waitFor } from '../test/helpers/wait-for.ts'
import { initDataDir } from './config/data-dir.ts'
import { createMeshNode } from './node.ts'
import type { MeshNode } from './node.ts'
import { generateKeyPairIdentity } from './protocol/identity/index.ts'
import { buildBodyEnvelope } from './mesh/envelope.ts'
import { deepFreeze } from './protocol/envelope/open.ts'
import { createMemoryNetwork } from './transport/memory/index.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-node-'))
after(async () => { await rm(root, { recursive: true, force: true }) })

async function memoryPair (): Promise<[MeshNode, MeshNode]> {
  const network = createMemoryNetwork()
  const [a, b] = [generateKeyPairIdentity(), generateKeyPairIdentity()]
  const alpha = await createMeshNode({ identity: a, agentId: 'alpha', transport: network.createTransport({ identity: a }) })
  const beta = await createMeshNode({ identity: b, agentId: 'beta', transport: network.createTransport({ identity: b }) })
  return [alpha, beta]
}

describe('createMeshNode()', () => {
  it('composes a node whose handshake runs over any LinkTransport (here the in-memory one)', async () => {
    const [alpha, beta] = await memoryPair()
    await alpha.start()
    await beta.start()
    beta.connect(alpha.info().multiaddrs[0] ?? '')
    await waitFor(() => alpha.peers()[0]?.isHandshaken === true && beta.peers()[0]?.isHandshaken === true, { what: 'handshake' })
    assert.deepEqual(alpha.peers().map((peer) => [peer.agentId, peer.trust, peer.linkDirection]), [['beta', 'probing', 'inbound']])
    await beta.stop()
    await alpha.stop()
  })

  it('supports `await using` and stops on dispose; stop() is idempotent', async () => {
    const [alpha, beta] = await memoryPair()
    {
      await using scoped = alpha
      await scoped.start()
      await beta.start()
      beta.connect(scoped.info().multiaddrs[0] ?? '')
      await waitFor(() => beta.peers()[0]?.isHandshaken === true, { what: 'handshake' })
    }
    await waitFor(() => beta.peers()[0]?.isLinked === false, { what: 'the disposed node to close its links' })
    await alpha.stop()
    await beta.stop()
    await assert.rejects(alpha.start(), /Cannot start mesh node: it is stopped/)
  })

  it('reads identity, agent id and pinned roots from a data directory and keeps peers in its mesh.db', async () => {
    const dataDir = join(root, 'n1')
    const { identity } = await initDataDir(dataDir, 'gamma')
    const root1 = generateKeyPairIdentity().fingerprint
    const first = await createMeshNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], trustedFingerprints: [root1] })
    assert.equal(first.identity.fingerprint, identity.fingerprint)
    assert.equal(first.agentId, 'gamma')
    assert.equal(first.registry.trustOf(root1), 'trusted')
    await first.stop()
    const second = await createMeshNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'] })
    assert.equal(second.registry.get(root1)?.trust, 'trusted', 'read back from mesh.db')
    assert.equal(second.registry.get(root1)?.isPinned, false, 'no longer pinned once the config drops it')
    await second.stop()
  })

  it('closes the link to a peer it blacklists, and the transport refuses the peer\'s reconnects', async () => {
    const network = createMemoryNetwork()
    const [a, b] = [generateKeyPairIdentity(), generateKeyPairIdentity()]
    let isBlacklisted: (fingerprint: string) => boolean = () => false
    const alpha = await createMeshNode({ identity: a, agentId: 'alpha', transport: network.createTransport({ identity: a }, { isDenied: (fingerprint) => isBlacklisted(fingerprint) }) })
    isBlacklisted = (fingerprint) => alpha.registry.trustOf(fingerprint) === 'blacklisted'
    const beta = await createMeshNode({ identity: b, agentId: 'beta', transport: network.createTransport({ identity: b }), supervisor: { reconnectTiersMs: [20], reconnectMaxDelayMs: 40 } })
    await alpha.start()
    await beta.start()
    beta.connect(alpha.info().multiaddrs[0] ?? '')
    await waitFor(() => alpha.peers()[0]?.isHandshaken === true, { what: 'handshake' })
    alpha.registry.applyTrust(beta.identity.fingerprint, 'manual_set_blacklisted', { reason: 'test', causeMsgIds: [] })
    await waitFor(() => alpha.peers()[0]?.isLinked === false && beta.peers()[0]?.isLinked === false, { what: 'the link to close' })
    assert.equal(alpha.metrics.value('web4_transport_sessions_closed_total', { reason: 'blacklisted' }), 1)
    const reconnects = beta.metrics.value('web4_transport_reconnects_total')
    await waitFor(() => beta.metrics.value('web4_transport_reconnects_total') >= reconnects + 2, { what: 'beta to try again' })
    assert.equal(alpha.peers()[0]?.isLinked, false, 'beta\'s reconnects are refused')
    await beta.stop()
    await alpha.stop()
  })

  it('refuses options that name no identity', async () => {
    await assert.rejects(createMeshNode({}), RangeError)
    await assert.rejects(createMeshNode({ identity: generateKeyPairIdentity() }), RangeError)
  })
})

describe('MeshNode.ingest()', () => {
  it('takes a verified claim as if the mesh had delivered it, and refuses a forged one with a counted typed error', async () => {
    const [alpha] = await memoryPair()
    await alpha.start()
    const proposer = { identity: generateKeyPairIdentity(), agentId: 'p' }
    const payload = {
      fact: { statement: 'ingested', domain: 'test', confidence: 0.5, sources: ['https://example.org'], context: '' },
      dmp_trace: { decision_id: 'd', steps: [], counterfactuals: [], evidence: [] },
      causal_links: []
    }
    const body = deepFreeze(buildBodyEnvelope(proposer, { type: 'FACT_PROPOSE', payload, receiver: { agent_id: '*', fingerprint: '*' } }, { nowMs: Date.now() }))
    alpha.ingest(body)
    alpha.knowledge.flush()
    assert.equal(alpha.knowledge.claims().length, 1)
    assert.throws(() => { alpha.ingest(body) }, { name: 'ReplayError' })
    const forged = { ...body, payload: { ...payload, fact: { ...payload.fact, statement: 'forged' } } }
    assert.throws(() => { alpha.ingest(forged) }, { name: 'SignatureMismatchError' })
    assert.equal(alpha.metrics.value('web4_bad_input_total', { channel: 'ingest', error: 'signature_mismatch' }), 1)
    assert.equal(alpha.knowledge.claims().length, 1)
    await alpha.stop()
  })
})
