/**
 * One node's {@link LinkTransport} on a {@link MemoryNetwork}: the same contract as the
 * libp2p transport (real keys on every link, one bounded send queue per link and channel,
 * the frame cap, the slow-reader cut-off), with frames moved by the network instead of a
 * socket. A frame stays in its sender's queue until the network delivers it, so a reader
 * that stops reading fills the queue exactly as it would over TCP.
 */
import type { Clock } from '../../config/clock.ts'
import { systemClock } from '../../config/clock.ts'
import type { Logger } from '../../observability/logger.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { InvalidEnvelopeError, TransportError } from '../../protocol/errors.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import type { ChannelName } from '../channels.ts'
import {
  CONTROL_QUEUE_MAX_FRAMES, MAX_FRAME_BYTES, SEND_QUEUE_MAX_BYTES, SEND_QUEUE_MAX_FRAMES, SLOW_READER_CUTOFF_MS
} from '../constants.ts'
import type { LinkCloseReason, LinkHandlers, LinkInfo, LinkTransport, SendOptions } from '../link-transport.ts'
import { BoundedSendQueue } from '../send-queue.ts'
import { MEMORY_SEND_WAIT_TIMEOUT_MS, MEMORY_SLOW_READER_CHECK_INTERVAL_MS } from './constants.ts'
import { formatMemoryAddress, parseMemoryAddress } from './memory-address.ts'

/** Options of one memory transport. */
export interface MemoryLinkTransportInit {
  /** The address it listens on, `/memory/<name>`. @default `/memory/<n>`, the next free number of the network */
  address?: string
  /** Refuses links from (and dials to) fingerprints this returns true for. @default none refused */
  isDenied?: (fingerprint: string) => boolean
  /** Largest frame, in bytes. @default MAX_FRAME_BYTES (1 MiB) */
  maxFrameBytes?: number
  /** A data channel queue's frame bound. @default SEND_QUEUE_MAX_FRAMES; control: CONTROL_QUEUE_MAX_FRAMES */
  maxQueueFrames?: number
  /** A channel queue's byte bound (frames count with their length prefix, as on the wire). @default SEND_QUEUE_MAX_BYTES */
  maxQueueBytes?: number
  /** A peer whose queue makes no progress this long is cut off (`slow_reader`); Infinity never. @default SLOW_READER_CUTOFF_MS (10 s) */
  slowReaderCutoffMs?: number
  /** How often queues are checked for a slow reader, in ms. @default MEMORY_SLOW_READER_CHECK_INTERVAL_MS (1 s) */
  slowReaderCheckIntervalMs?: number
}

/** Collaborators of one memory transport. */
export interface MemoryLinkTransportComponents {
  /** The node's key: its fingerprint is the transport's peer id, its raw key what peers see. */
  identity: KeyPairIdentity
  /** @default systemClock */
  clock?: Clock
  /** @default SILENT_LOGGER */
  logger?: Logger
}

/** One channel of one link: its queue, and the way the network delivers the oldest frame. */
export interface MemoryWriter {
  readonly queue: BoundedSendQueue<Uint8Array>
  /** The peer that reads these frames. */
  readonly readerPeerId: string
  /** Delivers the oldest queued frame; false when there was none or the link is gone. */
  deliverOne: () => boolean
}

/** What a transport needs from its network. */
export interface MemoryFabric {
  /** Registers a started transport. @throws {TransportError} reason `address_in_use` */
  listen: (transport: MemoryLinkTransport) => void
  unlisten: (transport: MemoryLinkTransport) => void
  /** The listening transport at `/memory/<name>`. */
  resolve: (name: string) => MemoryLinkTransport | undefined
  isPartitioned: (a: string, b: string) => boolean
  /** One frame was queued on `writer`. */
  enqueued: (writer: MemoryWriter) => void
}

interface LinkEnd {
  readonly info: LinkInfo
  readonly owner: MemoryLinkTransport
  readonly writers: Map<ChannelName, MemoryWriter>
  /** The other end; set right after both ends exist. */
  remote: LinkEnd | undefined
}

type ResolvedInit = Required<Omit<MemoryLinkTransportInit, 'address'>> & { name: string }

/** @internal Built by {@link MemoryNetwork.createTransport}; never exported from the folder. */
export class MemoryLinkTransport implements LinkTransport {
  readonly #fabric: MemoryFabric
  readonly #identity: KeyPairIdentity
  readonly #clock: Clock
  readonly #log: Logger
  readonly #config: ResolvedInit
  readonly #links = new Map<string, LinkEnd>()
  #handlers: LinkHandlers | undefined
  #slowReaderTimer: NodeJS.Timeout | undefined
  #state: 'new' | 'started' | 'stopped' = 'new'

  constructor (fabric: MemoryFabric, components: MemoryLinkTransportComponents, config: ResolvedInit) {
    this.#fabric = fabric
    this.#identity = components.identity
    this.#clock = components.clock ?? systemClock
    this.#log = (components.logger ?? SILENT_LOGGER).child({ component: 'transport:memory' })
    this.#config = config
  }

  get localPeerId (): string {
    return this.#identity.fingerprint
  }

  /** The `<name>` of `/memory/<name>`. */
  get name (): string {
    return this.#config.name
  }

  get isListening (): boolean {
    return this.#state === 'started'
  }

  async start (handlers: LinkHandlers): Promise<void> {
    if (this.#state !== 'new') throw new TransportError(`Cannot start memory transport "${this.name}": it was started before`, { reason: 'bad_state' })
    this.#fabric.listen(this)
    this.#handlers = handlers
    this.#state = 'started'
    if (Number.isFinite(this.#config.slowReaderCutoffMs)) {
      this.#slowReaderTimer = setInterval(() => { this.#cutOffSlowReaders() }, this.#config.slowReaderCheckIntervalMs)
      this.#slowReaderTimer.unref()
    }
    await Promise.resolve()
  }

  async stop (): Promise<void> {
    if (this.#state === 'stopped') return
    const wasListening = this.#state === 'started'
    this.#state = 'stopped'
    clearInterval(this.#slowReaderTimer)
    if (wasListening) this.#fabric.unlisten(this)
    for (const end of [...this.#links.values()]) closeLink(end, 'shutdown', 'remote_close')
    await Promise.resolve()
  }

  listenAddresses (): string[] {
    return this.isListening ? [formatMemoryAddress(this.name, this.localPeerId)] : []
  }

  links (): LinkInfo[] {
    return [...this.#links.values()].map((end) => end.info)
  }

  queuedBytes (peerId: string, channel: ChannelName): number {
    return this.#links.get(peerId)?.writers.get(channel)?.queue.bytes ?? 0
  }

  async dial (address: string, options: { signal?: AbortSignal } = {}): Promise<LinkInfo> {
    // A dial always takes a turn, as a real one does: handlers never run inside the caller's frame.
    await Promise.resolve()
    const refuse = (detail: string, cause?: unknown): TransportError => new TransportError(`Cannot dial "${address}": ${detail}`, { reason: 'dial_failed', cause })
    if (options.signal?.aborted === true) throw refuse('aborted', options.signal.reason)
    if (!this.isListening) throw refuse('the transport is not started')
    const target = parseMemoryAddress(address)
    if (target === undefined) throw refuse('not a /memory/<name> address')
    const remote = this.#fabric.resolve(target.name)
    if (remote === undefined) throw refuse('nothing listens there')
    if (target.peerId !== undefined && target.peerId !== remote.localPeerId) throw refuse(`the listener is "${remote.localPeerId}"`)
    if (remote === this) throw refuse('cannot dial self')
    const existing = this.#links.get(remote.localPeerId)
    if (existing !== undefined) return existing.info
    if (this.#config.isDenied(remote.localPeerId) || remote.#config.isDenied(this.localPeerId)) throw refuse('the peer is denied')
    if (this.#fabric.isPartitioned(this.localPeerId, remote.localPeerId)) throw refuse('the network is partitioned')
    const outbound = this.#attach(remote, 'outbound')
    const inbound = remote.#attach(this, 'inbound')
    outbound.remote = inbound
    inbound.remote = outbound
    remote.#guard('onLinkOpen', () => { remote.#handlers?.onLinkOpen(inbound.info) })
    this.#guard('onLinkOpen', () => { this.#handlers?.onLinkOpen(outbound.info) })
    return outbound.info
  }

  async send (peerId: string, channel: ChannelName, body: Uint8Array, options: SendOptions = {}): Promise<void> {
    const end = this.#links.get(peerId)
    if (end === undefined) throw new TransportError(`Cannot send to "${peerId}": no link`, { reason: 'no_link' })
    const { maxFrameBytes } = this.#config
    if (body.length > maxFrameBytes) {
      throw new InvalidEnvelopeError(`Cannot encode frame of ${body.length} bytes: the cap is ${maxFrameBytes} bytes`, { reason: 'frame_too_large', limit: maxFrameBytes })
    }
    const frame = body.slice()
    const bytes = frame.length + varintLength(frame.length)
    const writer = this.#writerOf(end, channel)
    if (options.wait === true) {
      await writer.queue.push(frame, bytes, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        timeoutMs: options.timeoutMs ?? MEMORY_SEND_WAIT_TIMEOUT_MS
      })
    } else {
      writer.queue.tryPush(frame, bytes)
    }
    this.#fabric.enqueued(writer)
  }

  async close (peerId: string, reason: LinkCloseReason): Promise<void> {
    const end = this.#links.get(peerId)
    if (end !== undefined) closeLink(end, reason, 'remote_close')
    await Promise.resolve()
  }

  /** Closes the link to `peerId` at both ends as if the wire broke (a partition): both report `remote_close`. */
  sever (peerId: string): void {
    const end = this.#links.get(peerId)
    if (end !== undefined) closeLink(end, 'remote_close', 'remote_close')
  }

  /** Removes one end and drops its queued frames; false when it was gone already. */
  unlink (end: LinkEnd, reason: LinkCloseReason): boolean {
    if (this.#links.get(end.info.peerId) !== end) return false
    this.#links.delete(end.info.peerId)
    const closed = new TransportError(`Cannot send to "${end.info.peerId}": link closed (${reason})`, { reason: 'link_closed' })
    for (const writer of end.writers.values()) writer.queue.clear(closed)
    return true
  }

  /** Tells the handlers that `end` closed. */
  reportClose (end: LinkEnd, reason: LinkCloseReason): void {
    this.#guard('onLinkClose', () => { this.#handlers?.onLinkClose(end.info, reason) })
  }

  #attach (remote: MemoryLinkTransport, direction: LinkInfo['direction']): LinkEnd {
    const info: LinkInfo = Object.freeze({
      peerId: remote.localPeerId,
      publicKeyRaw: remote.#identity.publicKeyRaw,
      fingerprint: remote.#identity.fingerprint,
      direction,
      remoteAddr: formatMemoryAddress(remote.name, remote.localPeerId)
    })
    const end: LinkEnd = { info, owner: this, writers: new Map(), remote: undefined }
    this.#links.set(info.peerId, end)
    return end
  }

  #writerOf (end: LinkEnd, channel: ChannelName): MemoryWriter {
    const known = end.writers.get(channel)
    if (known !== undefined) return known
    const queue = new BoundedSendQueue<Uint8Array>({
      maxFrames: channel === 'control' ? CONTROL_QUEUE_MAX_FRAMES : this.#config.maxQueueFrames,
      maxBytes: this.#config.maxQueueBytes,
      setTimer: (fn, ms) => {
        const timer = setTimeout(fn, ms)
        return () => { clearTimeout(timer) }
      }
    })
    queue.markProgress(this.#clock.monotonic())
    const writer: MemoryWriter = {
      queue,
      readerPeerId: end.info.peerId,
      deliverOne: () => {
        const reader = end.remote
        if (this.#links.get(end.info.peerId) !== end || reader === undefined) return false
        const next = queue.shift()
        if (next === undefined) return false
        queue.markProgress(this.#clock.monotonic())
        reader.owner.#receive(reader, channel, next.item)
        return true
      }
    }
    end.writers.set(channel, writer)
    return writer
  }

  #receive (end: LinkEnd, channel: ChannelName, body: Uint8Array): void {
    if (this.#links.get(end.info.peerId) !== end) return
    this.#guard('onFrame', () => { this.#handlers?.onFrame(end.info, channel, body) })
  }

  #cutOffSlowReaders (): void {
    const now = this.#clock.monotonic()
    for (const end of [...this.#links.values()]) {
      for (const [channel, writer] of end.writers) {
        if (writer.queue.isStalled(now, this.#config.slowReaderCutoffMs)) {
          this.#log.warn({ peer: end.info.fingerprint, channel, queuedBytes: writer.queue.bytes }, 'peer stopped reading; cutting it off')
          closeLink(end, 'slow_reader', 'remote_close')
          break
        }
      }
    }
  }

  /** Runs a handler so that a throw is logged instead of escaping into the network. */
  #guard (what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.#log.error({ handler: what, err: (err as Error).message }, 'link handler threw')
    }
  }
}

/** Resolves a transport's options against the defaults. @throws {RangeError} naming the field */
export function resolveMemoryLinkTransportInit (init: MemoryLinkTransportInit, name: string): ResolvedInit {
  const config: ResolvedInit = {
    name,
    isDenied: init.isDenied ?? ((): boolean => false),
    maxFrameBytes: init.maxFrameBytes ?? MAX_FRAME_BYTES,
    maxQueueFrames: init.maxQueueFrames ?? SEND_QUEUE_MAX_FRAMES,
    maxQueueBytes: init.maxQueueBytes ?? SEND_QUEUE_MAX_BYTES,
    slowReaderCutoffMs: init.slowReaderCutoffMs ?? SLOW_READER_CUTOFF_MS,
    slowReaderCheckIntervalMs: init.slowReaderCheckIntervalMs ?? MEMORY_SLOW_READER_CHECK_INTERVAL_MS
  }
  const integers = [['maxFrameBytes', config.maxFrameBytes, 0], ['maxQueueFrames', config.maxQueueFrames, 1], ['maxQueueBytes', config.maxQueueBytes, 1]] as const
  for (const [field, value, least] of integers) {
    if (!Number.isSafeInteger(value) || value < least) throw invalid(field, least === 0 ? 'a non-negative integer' : 'a positive integer', value)
  }
  if (!(config.slowReaderCutoffMs > 0)) throw invalid('slowReaderCutoffMs', 'a positive number or Infinity', config.slowReaderCutoffMs)
  if (!(Number.isFinite(config.slowReaderCheckIntervalMs) && config.slowReaderCheckIntervalMs > 0)) {
    throw invalid('slowReaderCheckIntervalMs', 'a positive number', config.slowReaderCheckIntervalMs)
  }
  return config
}

/**
 * Removes both ends of a link, then reports each, `localReason` to `end`'s owner first and
 * `remoteReason` to the other: no handler sees a half-closed link.
 */
function closeLink (end: LinkEnd, localReason: LinkCloseReason, remoteReason: LinkCloseReason): void {
  const { remote } = end
  const isLocalOpen = end.owner.unlink(end, localReason)
  const isRemoteOpen = remote !== undefined && remote.owner.unlink(remote, remoteReason)
  if (isLocalOpen) end.owner.reportClose(end, localReason)
  if (isRemoteOpen) remote.owner.reportClose(remote, remoteReason)
}

function invalid (field: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Cannot create memory transport: "${field}" must be ${expected}, got ${String(value)}`)
}

/** Bytes of the varint length prefix a frame of `length` bytes carries on the wire. */
function varintLength (length: number): number {
  let bytes = 1
  for (let rest = length; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++
  return bytes
}
