/**
 * Several mesh nodes in this process over real TCP on 127.0.0.1 (STYLE §17 integration:
 * "one process is fine"), with memory stores, for tests that need many handshakes fast.
 */
import { createMeshNode } from '../../src/node.ts'
import type { MeshNode, MeshNodeOptions } from '../../src/node.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'

/** Starts one node listening on an ephemeral loopback port. */
export async function startNode (agentId: string, options: Partial<MeshNodeOptions> = {}): Promise<MeshNode> {
  const node = await createMeshNode({ identity: generateKeyPairIdentity(), agentId, listen: ['/ip4/127.0.0.1/tcp/0'], ...options })
  await node.start()
  return node
}

/** The first listen address of `node` (with `/p2p/<id>`). */
export function addressOf (node: MeshNode): string {
  const address = node.info().multiaddrs.find((candidate) => candidate.startsWith('/ip4/127.0.0.1/'))
  if (address === undefined) throw new Error('node has no loopback address')
  return address
}

/** True when `node` has completed a handshake with every one of `others` and sees each at least `probing`. */
export function hasHandshakenWith (node: MeshNode, others: readonly MeshNode[]): boolean {
  const views = new Map(node.peers().map((peer) => [peer.fingerprint, peer]))
  return others.every((other) => {
    const view = views.get(other.identity.fingerprint)
    return view !== undefined && view.isHandshaken && (view.trust === 'probing' || view.trust === 'trusted')
  })
}

/** Stops every node, ignoring failures. */
export async function stopAll (nodes: readonly MeshNode[]): Promise<void> {
  await Promise.allSettled(nodes.map(async (node) => { await node.stop() }))
}
