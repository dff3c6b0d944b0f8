/**
 * A hand-driven peer for adversarial tests: a real libp2p transport with its own real
 * key (so its links authenticate like any node's), but no node logic — the test sends
 * whatever frames it likes and reads what comes back.
 */
import { systemClock } from '../../src/config/clock.ts'
import { SILENT_LOGGER } from '../../src/observability/logger.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import type { Envelope } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import { createLibp2pLinkTransport } from '../../src/transport/libp2p/libp2p-link-transport.ts'
import type { LinkInfo, LinkTransport } from '../../src/transport/link-transport.ts'

/** A rogue peer. */
export interface RoguePeer {
  readonly identity: KeyPairIdentity
  readonly transport: LinkTransport
  /** Envelopes received on `control` (heartbeats left out). */
  readonly received: Envelope[]
  /** Dials `address`; resolves with the link. */
  dial: (address: string) => Promise<LinkInfo>
  /** Sends an envelope's canonical bytes on `channel` to the linked peer. */
  sendEnvelope: (link: LinkInfo, envelope: unknown, channel?: ChannelName) => Promise<void>
  /** Sends raw bytes as one frame. */
  sendRaw: (link: LinkInfo, bytes: Uint8Array, channel?: ChannelName) => Promise<void>
  /** True while a link to `fingerprint` is open. */
  isLinkedTo: (fingerprint: string) => boolean
  stop: () => Promise<void>
}

/** Starts a rogue peer listening on an ephemeral loopback port. */
export async function startRoguePeer (identity: KeyPairIdentity = generateKeyPairIdentity()): Promise<RoguePeer> {
  const transport = await createLibp2pLinkTransport({ identity, clock: systemClock, logger: SILENT_LOGGER }, { listen: ['/ip4/127.0.0.1/tcp/0'] })
  const received: Envelope[] = []
  await transport.start({
    onLinkOpen: () => { /* nothing */ },
    onLinkClose: () => { /* nothing */ },
    onFrame: (_link, _channel, body) => {
      if (body[0] === 0x7b) received.push(parseJson(body) as unknown as Envelope)
    },
    onBadFrame: () => { /* nothing */ }
  })
  return {
    identity,
    transport,
    received,
    dial: async (address) => await transport.dial(address),
    sendEnvelope: async (link, envelope, channel = 'control') => { await transport.send(link.peerId, channel, canonicalBytes(envelope), { wait: true }) },
    sendRaw: async (link, bytes, channel = 'control') => { await transport.send(link.peerId, channel, bytes, { wait: true }) },
    isLinkedTo: (fingerprint) => transport.links().some((link) => link.fingerprint === fingerprint),
    stop: async () => { await transport.stop() }
  }
}
