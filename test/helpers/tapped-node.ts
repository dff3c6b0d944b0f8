/**
 * A real mesh node whose transport the test can reach into: send raw frames on any
 * channel, and rewrite (or drop) what the node itself sends. It completes real
 * handshakes, so what it injects arrives over an authenticated, handshaken link — the
 * position of a malicious relay or neighbour.
 */
import { systemClock } from '../../src/config/clock.ts'
import { createMeshNode } from '../../src/node.ts'
import type { MeshNode, MeshNodeOptions } from '../../src/node.ts'
import { SILENT_LOGGER } from '../../src/observability/logger.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import { createLibp2pLinkTransport } from '../../src/transport/libp2p/libp2p-link-transport.ts'
import type { LinkTransport } from '../../src/transport/link-transport.ts'
import { wrapTransport } from './wrap-transport.ts'

/** Rewrites one outgoing frame; return undefined to drop it. */
export type FrameRewrite = (channel: ChannelName, body: Uint8Array, toPeerId: string) => Uint8Array | undefined

/** A node with a tap on its transport. */
export interface TappedNode {
  readonly node: MeshNode
  readonly transport: LinkTransport
  /** Sends raw bytes as one frame to the linked peer with `fingerprint`. */
  sendRaw: (fingerprint: string, channel: ChannelName, body: Uint8Array) => Promise<void>
  /** Sets (or clears) the rewrite applied to every frame the node sends. */
  setRewrite: (rewrite: FrameRewrite | undefined) => void
}

/** Starts a tapped node listening on an ephemeral loopback port. */
export async function startTappedNode (agentId: string, options: Partial<MeshNodeOptions> & { identity?: KeyPairIdentity } = {}): Promise<TappedNode> {
  const identity = options.identity ?? generateKeyPairIdentity()
  const inner = await createLibp2pLinkTransport({ identity, clock: systemClock, logger: SILENT_LOGGER }, { listen: ['/ip4/127.0.0.1/tcp/0'] })
  let rewrite: FrameRewrite | undefined
  const transport = wrapTransport(inner, {
    send: async (peerId, channel, body, sendOptions) => {
      const rewritten = rewrite === undefined ? body : rewrite(channel, body, peerId)
      if (rewritten !== undefined) await inner.send(peerId, channel, rewritten, sendOptions)
    }
  })
  const node = await createMeshNode({ ...options, identity, agentId, transport })
  await node.start()
  return {
    node,
    transport,
    sendRaw: async (fingerprint, channel, body) => {
      const link = inner.links().find((candidate) => candidate.fingerprint === fingerprint)
      if (link === undefined) throw new Error(`not linked to ${fingerprint}`)
      await inner.send(link.peerId, channel, body, { wait: true })
    },
    setRewrite: (next) => { rewrite = next }
  }
}
