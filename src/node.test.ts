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

  it('refuses options that name no identity', async () => {
    await assert.rejects(createMeshNode({}), RangeError)
    await assert.rejects(createMeshNode({ identity: generateKeyPairIdentity() }), RangeError)
  })
})
