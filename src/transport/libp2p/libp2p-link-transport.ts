/**
 * The {@link LinkTransport} port on libp2p 3: TCP + Noise + Yamux (+ identify, ping),
 * keyed by the node's own Ed25519 key so the Noise-authenticated key of every link is
 * the peer's CIP identity. One bounded send queue per link and channel feeds one
 * outbound stream, honouring `send()` / drain; inbound streams are decoded frame by
 * frame with the size cap applied before allocation.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import type { Clock } from '../../config/clock.ts'
import type { Logger } from '../../observability/logger.ts'
import { TransportError } from '../../protocol/errors.ts'
import { exportRawKeyPair, fingerprintOf } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { CHANNELS, channelOfProtocol, protocolOf } from '../channels.ts'
import type { ChannelName } from '../channels.ts'
import {
  CONTROL_QUEUE_MAX_FRAMES, MAX_FRAME_BYTES, SEND_QUEUE_MAX_BYTES, SEND_QUEUE_MAX_FRAMES, SLOW_READER_CUTOFF_MS
} from '../constants.ts'
import { encodeFrame, FrameDecoder } from '../framing/frame-codec.ts'
import type { LinkCloseReason, LinkHandlers, LinkInfo, LinkTransport, SendOptions } from '../link-transport.ts'
import { BoundedSendQueue } from '../send-queue.ts'
import {
  CONNECTION_UPGRADE_TIMEOUT_MS, DIAL_TIMEOUT_MS, DUPLICATE_CLOSE_GRACE_MS, INBOUND_CONNECTIONS_PER_ADDRESS_PER_SECOND, MAX_CONNECTIONS,
  MAX_INBOUND_STREAMS_PER_PROTOCOL, MAX_OUTBOUND_STREAMS_PER_PROTOCOL, MAX_PENDING_INBOUND_CONNECTIONS,
  SEND_WAIT_TIMEOUT_MS, SLOW_READER_CHECK_INTERVAL_MS
} from './constants.ts'

export interface Libp2pLinkTransportInit {
  /** Multiaddrs to listen on. @default ['/ip4/0.0.0.0/tcp/4701'] */
  listen?: string[]
  /** Refuses links from (and dials to) fingerprints this returns true for (blacklisted peers). @default none refused */
  isDenied?: (fingerprint: string) => boolean
  /** Largest frame, in bytes. @default MAX_FRAME_BYTES (1 MiB) */
  maxFrameBytes?: number
  /** A channel queue's frame bound. @default SEND_QUEUE_MAX_FRAMES; control: CONTROL_QUEUE_MAX_FRAMES */
  maxQueueFrames?: number
  /** A channel queue's byte bound. @default SEND_QUEUE_MAX_BYTES */
  maxQueueBytes?: number
  /** A peer whose queue makes no progress this long is cut off. @default SLOW_READER_CUTOFF_MS (10 s) */
  slowReaderCutoffMs?: number
}

export interface Libp2pLinkTransportComponents {
  identity: KeyPairIdentity
  clock: Clock
  logger: Logger
}

interface ChannelWriter {
  readonly queue: BoundedSendQueue<Uint8Array>
  stream: Stream | undefined
  isPumping: boolean
}

interface LinkState {
  info: LinkInfo
  connection: Connection
  readonly writers: Map<ChannelName, ChannelWriter>
  closeReason: LinkCloseReason | undefined
}

/** Creates the libp2p host and the port over it; call `start()` to listen. */
export async function createLibp2pLinkTransport (components: Libp2pLinkTransportComponents, init: Libp2pLinkTransportInit = {}): Promise<LinkTransport> {
  const isDenied = init.isDenied ?? ((): boolean => false)
  const deny = (peerId: PeerId): boolean => {
    const raw = peerId.publicKey?.raw
    return raw === undefined || isDenied(fingerprintOf(raw))
  }
  const node = await createLibp2p({
    start: false,
    privateKey: privateKeyFromRaw(exportRawKeyPair(components.identity)),
    addresses: { listen: init.listen ?? ['/ip4/0.0.0.0/tcp/4701'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // identify answers peers that ask, but does not run on every connection: its signed
    // peer record costs ~10 ms of CPU per link at connect time, and HELLO and link state
    // carry what it would tell us (docs/LIMITS.md, measured in npm run bench).
    services: { identify: identify({ runOnConnectionOpen: false }), ping: ping() },
    connectionGater: {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny
    },
    connectionManager: {
      maxConnections: MAX_CONNECTIONS,
      maxIncomingPendingConnections: MAX_PENDING_INBOUND_CONNECTIONS,
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_ADDRESS_PER_SECOND,
      inboundUpgradeTimeout: CONNECTION_UPGRADE_TIMEOUT_MS,
      dialTimeout: DIAL_TIMEOUT_MS,
      reconnectRetries: 0
    }
  })
  return new Libp2pLinkTransport(node, components, init)
}

class Libp2pLinkTransport implements LinkTransport {
  readonly #node: Libp2p
  readonly #components: Libp2pLinkTransportComponents
  readonly #log: Logger
  readonly #config: Required<Omit<Libp2pLinkTransportInit, 'listen' | 'isDenied'>>
  readonly #links = new Map<string, LinkState>()
  /** Connections already judged as duplicates (each is judged once). */
  readonly #judged = new WeakSet<Connection>()
  #handlers: LinkHandlers | undefined
  #slowReaderTimer: NodeJS.Timeout | undefined
  #isStopping = false

  constructor (node: Libp2p, components: Libp2pLinkTransportComponents, init: Libp2pLinkTransportInit) {
    this.#node = node
    this.#components = components
    this.#log = components.logger.child({ component: 'transport' })
    this.#config = {
      maxFrameBytes: init.maxFrameBytes ?? MAX_FRAME_BYTES,
      maxQueueFrames: init.maxQueueFrames ?? SEND_QUEUE_MAX_FRAMES,
      maxQueueBytes: init.maxQueueBytes ?? SEND_QUEUE_MAX_BYTES,
      slowReaderCutoffMs: init.slowReaderCutoffMs ?? SLOW_READER_CUTOFF_MS
    }
  }

  get localPeerId (): string {
    return this.#node.peerId.toString()
  }

  async start (handlers: LinkHandlers): Promise<void> {
    this.#handlers = handlers
    this.#node.addEventListener('connection:open', (event) => { this.#onConnectionOpen(event.detail) })
    this.#node.addEventListener('connection:close', (event) => { this.#onConnectionClose(event.detail) })
    for (const channel of CHANNELS) {
      await this.#node.handle(protocolOf(channel), (stream, connection) => { this.#readStream(channel, stream, connection) }, {
        maxInboundStreams: MAX_INBOUND_STREAMS_PER_PROTOCOL,
        maxOutboundStreams: MAX_OUTBOUND_STREAMS_PER_PROTOCOL
      })
    }
    await this.#node.start()
    this.#slowReaderTimer = setInterval(() => { this.#cutOffSlowReaders() }, SLOW_READER_CHECK_INTERVAL_MS)
    this.#slowReaderTimer.unref()
  }

  async stop (): Promise<void> {
    if (this.#isStopping) return
    this.#isStopping = true
    clearInterval(this.#slowReaderTimer)
    for (const link of this.#links.values()) link.closeReason = 'shutdown'
    await this.#node.stop()
    for (const link of [...this.#links.values()]) this.#dropLink(link, 'shutdown')
  }

  listenAddresses (): string[] {
    return this.#node.getMultiaddrs().map((address) => address.toString())
  }

  links (): LinkInfo[] {
    return [...this.#links.values()].map((link) => link.info)
  }

  queuedBytes (peerId: string, channel: ChannelName): number {
    return this.#links.get(peerId)?.writers.get(channel)?.queue.bytes ?? 0
  }

  async dial (address: string, options: { signal?: AbortSignal } = {}): Promise<LinkInfo> {
    let connection: Connection
    try {
      connection = await this.#node.dial(multiaddr(address), options.signal === undefined ? {} : { signal: options.signal })
    } catch (cause) {
      throw new TransportError(`Cannot dial "${address}": ${(cause as Error).message}`, { reason: 'dial_failed', cause })
    }
    const link = this.#registerConnection(connection)
    if (link === undefined) throw new TransportError(`Cannot dial "${address}": the peer's key is not Ed25519`, { reason: 'bad_peer_key' })
    return link.info
  }

  async send (peerId: string, channel: ChannelName, body: Uint8Array, options: SendOptions = {}): Promise<void> {
    const link = this.#links.get(peerId)
    if (link === undefined) throw new TransportError(`Cannot send to "${peerId}": no link`, { reason: 'no_link' })
    const frame = encodeFrame(body, this.#config.maxFrameBytes)
    const writer = this.#writerOf(link, channel)
    // Fast path: nothing queued and the stream takes more — write now, with no hop through the pump.
    if (writer.queue.isEmpty && !writer.isPumping && writer.stream !== undefined && isWritable(writer.stream) && !writer.stream.writableNeedsDrain) {
      writer.stream.send(frame)
      writer.queue.markProgress(this.#components.clock.monotonic())
      return
    }
    if (options.wait === true) {
      await writer.queue.push(frame, frame.byteLength, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        timeoutMs: options.timeoutMs ?? SEND_WAIT_TIMEOUT_MS
      })
    } else {
      writer.queue.tryPush(frame, frame.byteLength)
    }
    this.#pump(link, channel, writer)
  }

  async close (peerId: string, reason: LinkCloseReason): Promise<void> {
    const link = this.#links.get(peerId)
    if (link === undefined) return
    link.closeReason ??= reason
    const connections = this.#node.getConnections(link.connection.remotePeer)
    await Promise.allSettled(connections.map(async (connection) => { await connection.close() }))
    // A connection that would not close gracefully is aborted; the close event then drops the link.
    for (const connection of connections) if (connection.status === 'open') connection.abort(new TransportError(`Link closed: ${reason}`, { reason }))
  }

  /** Registers a connection as the link to its peer (resolving duplicates); undefined for non-Ed25519 peers. */
  #registerConnection (connection: Connection): LinkState | undefined {
    const peerId = connection.remotePeer.toString()
    const existing = this.#links.get(peerId)
    if (existing !== undefined) {
      if (existing.connection !== connection) this.#resolveDuplicate(existing, connection)
      return existing
    }
    const raw = connection.remotePeer.publicKey?.type === 'Ed25519' ? connection.remotePeer.publicKey.raw : undefined
    if (raw === undefined) {
      connection.abort(new TransportError('Cannot accept link: peer key is not Ed25519', { reason: 'bad_peer_key' }))
      return undefined
    }
    const info: LinkInfo = Object.freeze({
      peerId,
      publicKeyRaw: raw,
      fingerprint: fingerprintOf(raw),
      direction: connection.direction,
      remoteAddr: connection.remoteAddr.toString()
    })
    const link: LinkState = { info, connection, writers: new Map(), closeReason: undefined }
    this.#links.set(peerId, link)
    this.#guard('onLinkOpen', () => { this.#handlers?.onLinkOpen(info) })
    return link
  }

  /**
   * Two connections to one peer: both ends keep the connection dialed by the end with
   * the lower fingerprint (DESIGN §6), so they agree without talking. The other one is
   * closed after a grace period, so frames already in flight on it still arrive.
   */
  #resolveDuplicate (link: LinkState, candidate: Connection): void {
    if (this.#judged.has(candidate)) return
    this.#judged.add(candidate)
    const isLocalLower = this.#components.identity.fingerprint < link.info.fingerprint
    const keptDirection = isLocalLower ? 'outbound' : 'inbound'
    const current = link.connection
    let loser = candidate
    if (current.status !== 'open' || (candidate.direction === keptDirection && current.direction !== keptDirection)) {
      link.connection = candidate
      for (const writer of link.writers.values()) writer.stream = undefined
      loser = current
    }
    this.#judged.add(loser)
    const timer = setTimeout(() => {
      if (loser.status === 'open') void loser.close().catch(() => { loser.abort(new TransportError('duplicate connection', { reason: 'duplicate' })) })
    }, DUPLICATE_CLOSE_GRACE_MS)
    timer.unref()
  }

  #onConnectionOpen (connection: Connection): void {
    this.#registerConnection(connection)
  }

  #onConnectionClose (connection: Connection): void {
    const peerId = connection.remotePeer.toString()
    const link = this.#links.get(peerId)
    if (link?.connection !== connection) return
    const survivor = this.#node.getConnections(connection.remotePeer).find((other) => other !== connection && other.status === 'open')
    if (survivor !== undefined && link.closeReason === undefined) {
      link.connection = survivor
      for (const writer of link.writers.values()) writer.stream = undefined
      return
    }
    this.#dropLink(link, link.closeReason ?? 'remote_close')
  }

  #dropLink (link: LinkState, reason: LinkCloseReason): void {
    if (this.#links.get(link.info.peerId) !== link) return
    this.#links.delete(link.info.peerId)
    for (const writer of link.writers.values()) {
      writer.queue.clear(new TransportError(`Cannot send to "${link.info.peerId}": link closed (${reason})`, { reason: 'link_closed' }))
    }
    this.#guard('onLinkClose', () => { this.#handlers?.onLinkClose(link.info, reason) })
  }

  #writerOf (link: LinkState, channel: ChannelName): ChannelWriter {
    let writer = link.writers.get(channel)
    if (writer === undefined) {
      writer = {
        queue: new BoundedSendQueue<Uint8Array>({
          maxFrames: channel === 'control' ? CONTROL_QUEUE_MAX_FRAMES : this.#config.maxQueueFrames,
          maxBytes: this.#config.maxQueueBytes,
          setTimer: (fn, ms) => {
            const timer = setTimeout(fn, ms)
            return () => { clearTimeout(timer) }
          }
        }),
        stream: undefined,
        isPumping: false
      }
      writer.queue.markProgress(this.#components.clock.monotonic())
      link.writers.set(channel, writer)
    }
    return writer
  }

  /** Moves frames from the queue into the stream, one drain at a time. */
  #pump (link: LinkState, channel: ChannelName, writer: ChannelWriter): void {
    if (writer.isPumping) return
    writer.isPumping = true
    void this.#drainQueue(link, channel, writer)
      .catch((err: unknown) => {
        if (this.#links.get(link.info.peerId) !== link) return
        this.#log.warn({ peer: link.info.fingerprint, channel, err: (err as Error).message }, 'send failed; closing link')
        void this.close(link.info.peerId, 'transport_error')
      })
      .finally(() => { writer.isPumping = false })
  }

  async #drainQueue (link: LinkState, channel: ChannelName, writer: ChannelWriter): Promise<void> {
    for (;;) {
      if (writer.queue.isEmpty || this.#links.get(link.info.peerId) !== link) return
      const stream = await this.#streamOf(link, channel, writer)
      const next = writer.queue.shift()
      if (next === undefined) return
      writer.queue.markProgress(this.#components.clock.monotonic())
      if (!stream.send(next.item)) {
        await stream.onDrain()
        writer.queue.markProgress(this.#components.clock.monotonic())
      }
    }
  }

  async #streamOf (link: LinkState, channel: ChannelName, writer: ChannelWriter): Promise<Stream> {
    if (writer.stream !== undefined && isWritable(writer.stream)) return writer.stream
    // Optimistic protocol selection: the protocol name travels with the first frame, saving a round trip.
    const stream = await link.connection.newStream(protocolOf(channel), { maxOutboundStreams: MAX_OUTBOUND_STREAMS_PER_PROTOCOL, negotiateFully: false })
    // Streams are two-way: the peer may answer on this one rather than open its own.
    this.#attachReader(link, channel, stream)
    writer.stream = stream
    return stream
  }

  /** An inbound stream: read it, and write on it too if this channel has no stream yet (one stream carries both ways). */
  #readStream (channel: ChannelName, stream: Stream, connection: Connection): void {
    const link = this.#registerConnection(connection)
    if (link === undefined || channelOfProtocol(stream.protocol) !== channel) {
      stream.abort(new TransportError('Cannot read stream: unknown link or protocol', { reason: 'protocol_error' }))
      return
    }
    this.#attachReader(link, channel, stream)
    const writer = this.#writerOf(link, channel)
    if (link.connection === connection && (writer.stream === undefined || !isWritable(writer.stream))) writer.stream = stream
  }

  #attachReader (link: LinkState, channel: ChannelName, stream: Stream): void {
    const decoder = new FrameDecoder({ maxFrameBytes: this.#config.maxFrameBytes })
    stream.addEventListener('message', (event) => {
      let frames: Uint8Array[]
      try {
        frames = decoder.push(event.data.subarray())
      } catch (err) {
        stream.abort(err as Error)
        this.#guard('onBadFrame', () => { this.#handlers?.onBadFrame(link.info, channel, err as Error) })
        return
      }
      for (const frame of frames) this.#guard('onFrame', () => { this.#handlers?.onFrame(link.info, channel, frame) })
    })
  }

  #cutOffSlowReaders (): void {
    const now = this.#components.clock.monotonic()
    for (const link of this.#links.values()) {
      for (const [channel, writer] of link.writers) {
        if (writer.queue.isStalled(now, this.#config.slowReaderCutoffMs)) {
          this.#log.warn({ peer: link.info.fingerprint, channel, queuedBytes: writer.queue.bytes }, 'peer stopped reading; cutting it off')
          void this.close(link.info.peerId, 'slow_reader')
          break
        }
      }
    }
  }

  /** Runs a handler so that a throw is logged instead of escaping into libp2p. */
  #guard (what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.#log.error({ handler: what, err: (err as Error).message }, 'link handler threw')
    }
  }
}

function isWritable (stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable'
}
