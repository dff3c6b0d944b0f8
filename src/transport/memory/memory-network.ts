/**
 * An in-process network of {@link LinkTransport}s. It owns the "wire": every queued frame
 * leaves a token here, and a delivery pass hands frames to their readers in the order they
 * were queued (so in order per link and channel). Delivery runs on the next macrotask
 * (`auto`) or only when the owner calls {@link MemoryNetwork.deliverAll} (`manual`, the
 * round-based benchmark). Test hooks break the wire on purpose: partitions and readers
 * that stop reading.
 */
import { TransportError } from '../../protocol/errors.ts'
import type { LinkTransport } from '../link-transport.ts'
import { parseMemoryAddress } from './memory-address.ts'
import { MemoryLinkTransport, resolveMemoryLinkTransportInit } from './memory-link-transport.ts'
import type { MemoryFabric, MemoryLinkTransportComponents, MemoryLinkTransportInit, MemoryWriter } from './memory-link-transport.ts'

/** How queued frames can reach their readers. */
export const MEMORY_DELIVERIES = ['auto', 'manual'] as const
/** How queued frames reach their readers. */
export type MemoryDelivery = typeof MEMORY_DELIVERIES[number]

/** Options of {@link createMemoryNetwork}. */
export interface MemoryNetworkInit {
  /**
   * `auto` delivers queued frames on the next macrotask (`setImmediate`); `manual` only
   * when {@link MemoryNetwork.deliverAll} runs. @default 'auto'
   */
  delivery?: MemoryDelivery
}

/** A transport of the network, or its `localPeerId`. */
export type MemoryPeer = LinkTransport | string

/** The network and its test hooks. */
export interface MemoryNetwork {
  /**
   * A new node's transport; it listens on its address once started.
   *
   * @throws {RangeError} when an option is out of range (the message names it)
   */
  createTransport: (components: MemoryLinkTransportComponents, init?: MemoryLinkTransportInit) => LinkTransport
  /**
   * Delivers every frame queued before the call, in queuing order, except frames to
   * paused readers; frames queued by the handlers it runs wait for the next call. Returns
   * how many frames were delivered (loop until 0 to run the network until it is quiet).
   */
  deliverAll: () => number
  /** Closes the link between `a` and `b` (both ends report `remote_close`) and fails their dials until {@link heal}. */
  partition: (a: MemoryPeer, b: MemoryPeer) => void
  /** Lets `a` and `b` link again. */
  heal: (a: MemoryPeer, b: MemoryPeer) => void
  /** Frames to `peer` stay in their senders' queues, unread, until {@link resumeDelivery}: `peer` stopped reading. */
  pauseDelivery: (peer: MemoryPeer) => void
  /** Frames to `peer` flow again, the held ones first. */
  resumeDelivery: (peer: MemoryPeer) => void
}

/** Creates an empty network. @throws {RangeError} when `delivery` is neither `auto` nor `manual` */
export function createMemoryNetwork (init: MemoryNetworkInit = {}): MemoryNetwork {
  const delivery = init.delivery ?? 'auto'
  if (!(MEMORY_DELIVERIES as readonly string[]).includes(delivery)) throw new RangeError(`Cannot create memory network: "delivery" must be "auto" or "manual", got "${delivery}"`)
  return new Network(delivery)
}

class Network implements MemoryNetwork, MemoryFabric {
  readonly #delivery: MemoryDelivery
  readonly #byName = new Map<string, MemoryLinkTransport>()
  readonly #byPeerId = new Map<string, MemoryLinkTransport>()
  /** Names of every transport created, so that default names never collide. */
  readonly #names = new Set<string>()
  readonly #partitions = new Set<string>()
  readonly #paused = new Set<string>()
  /** One entry per queued frame, in queuing order; a writer appears once per frame it holds. */
  #tokens: MemoryWriter[] = []
  #nextNumber = 1
  #isFlushScheduled = false

  constructor (delivery: MemoryDelivery) {
    this.#delivery = delivery
  }

  createTransport (components: MemoryLinkTransportComponents, init: MemoryLinkTransportInit = {}): LinkTransport {
    const name = init.address === undefined ? this.#nextFreeName() : this.#nameOf(init.address)
    const transport = new MemoryLinkTransport(this, components, resolveMemoryLinkTransportInit(init, name))
    this.#names.add(name)
    return transport
  }

  deliverAll (): number {
    const batch = this.#tokens
    this.#tokens = []
    const held: MemoryWriter[] = []
    let delivered = 0
    for (const writer of batch) {
      if (this.#paused.has(writer.readerPeerId)) {
        // A closed link's queue is empty: its tokens are dropped, not held.
        if (!writer.queue.isEmpty) held.push(writer)
      } else if (writer.deliverOne()) {
        delivered++
      }
    }
    this.#tokens = held.concat(this.#tokens)
    return delivered
  }

  partition (a: MemoryPeer, b: MemoryPeer): void {
    const [peerA, peerB] = [peerIdOf(a), peerIdOf(b)]
    this.#partitions.add(pairKey(peerA, peerB))
    this.#byPeerId.get(peerA)?.sever(peerB)
  }

  heal (a: MemoryPeer, b: MemoryPeer): void {
    this.#partitions.delete(pairKey(peerIdOf(a), peerIdOf(b)))
  }

  pauseDelivery (peer: MemoryPeer): void {
    this.#paused.add(peerIdOf(peer))
  }

  resumeDelivery (peer: MemoryPeer): void {
    if (this.#paused.delete(peerIdOf(peer))) this.#scheduleFlush()
  }

  listen (transport: MemoryLinkTransport): void {
    if (this.#byName.has(transport.name)) {
      throw new TransportError(`Cannot listen on "/memory/${transport.name}": address in use`, { reason: 'address_in_use' })
    }
    if (this.#byPeerId.has(transport.localPeerId)) {
      throw new TransportError(`Cannot listen on "/memory/${transport.name}": peer "${transport.localPeerId}" is already on the network`, { reason: 'address_in_use' })
    }
    this.#byName.set(transport.name, transport)
    this.#byPeerId.set(transport.localPeerId, transport)
  }

  unlisten (transport: MemoryLinkTransport): void {
    if (this.#byName.get(transport.name) === transport) this.#byName.delete(transport.name)
    if (this.#byPeerId.get(transport.localPeerId) === transport) this.#byPeerId.delete(transport.localPeerId)
  }

  resolve (name: string): MemoryLinkTransport | undefined {
    return this.#byName.get(name)
  }

  isPartitioned (a: string, b: string): boolean {
    return this.#partitions.has(pairKey(a, b))
  }

  enqueued (writer: MemoryWriter): void {
    this.#tokens.push(writer)
    this.#scheduleFlush()
  }

  #scheduleFlush (): void {
    if (this.#delivery === 'manual' || this.#isFlushScheduled) return
    this.#isFlushScheduled = true
    // A macrotask, not a microtask: two peers answering each other forever still let the event loop (and timers) run.
    setImmediate(() => {
      this.#isFlushScheduled = false
      this.deliverAll()
    })
  }

  #nextFreeName (): string {
    while (this.#names.has(String(this.#nextNumber))) this.#nextNumber++
    return String(this.#nextNumber++)
  }

  #nameOf (address: string): string {
    const parsed = parseMemoryAddress(address)
    if (parsed === undefined || parsed.peerId !== undefined) {
      throw new RangeError(`Cannot create memory transport: "address" must be "/memory/<name>", got "${address}"`)
    }
    return parsed.name
  }
}

function peerIdOf (peer: MemoryPeer): string {
  return typeof peer === 'string' ? peer : peer.localPeerId
}

/** The same key for (a, b) and (b, a). */
function pairKey (a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`
}
