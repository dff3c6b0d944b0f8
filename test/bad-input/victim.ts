/**
 * The victim of the channel and replay tests: a real mesh node over libp2p TCP on
 * 127.0.0.1 whose transport is tapped on the way in, so the test knows exactly which of
 * its bad inputs reached the node (a frame the tap saw was handed to the node), and
 * whose logger keeps what the suite must never see: error lines and refusals of an
 * untyped error. Plus a snapshot of the node's state, to compare before and after.
 */
import { createHash } from 'node:crypto'
import { systemClock } from '../../src/config/clock.ts'
import { loadDataDir } from '../../src/config/data-dir.ts'
import { createMeshNode } from '../../src/node.ts'
import type { MeshNode, MeshNodeOptions } from '../../src/node.ts'
import type { Logger } from '../../src/observability/logger.ts'
import type { CounterName } from '../../src/observability/metrics.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import { createLibp2pLinkTransport } from '../../src/transport/libp2p/libp2p-link-transport.ts'
import { wrapTransport } from '../helpers/wrap-transport.ts'

/** What the victim's logger kept. */
export interface LogTrap {
  /** Every error-level line. */
  readonly errors: Array<{ fields: Record<string, unknown>, message: string | undefined }>
  /** Refusals logged with an error outside the typed vocabulary. */
  untypedRefusals: number
  /** Warn lines about a link this node closed or cut off, for failure messages. */
  readonly linkWarnings: Array<{ fields: Record<string, unknown>, message: string | undefined }>
  /** Lines, at any level, that log a refused or dropped input ("envelope refused", "mesh envelope dropped", "admin request refused", …). */
  refusalLines: number
}

/** A logger that keeps error lines and counts refusals and untyped refusals; the rest is dropped. */
export function createLogTrap (): { logger: Logger, trap: LogTrap } {
  const trap: LogTrap = { errors: [], untypedRefusals: 0, refusalLines: 0, linkWarnings: [] }
  const onRefusal = (message: string | undefined): void => { if (message !== undefined && / (refused|dropped)$/.test(message)) trap.refusalLines++ }
  const logger: Logger = {
    debug: (_fields, message) => { onRefusal(message) },
    info: (_fields, message) => { onRefusal(message) },
    warn: (fields, message) => {
      onRefusal(message)
      if (message !== undefined && /closing link|cutting it off/.test(message)) trap.linkWarnings.push({ fields, message })
      if (fields.error === 'InternalError' || fields.reason === 'internal') trap.untypedRefusals++
    },
    error: (fields, message) => { trap.errors.push({ fields, message }) },
    child: () => logger
  }
  return { logger, trap }
}

/** Counts the frames the victim took that the test registered as bad inputs. */
export class FrameTap {
  readonly #registered = new Map<string, string>()
  readonly #delivered = new Map<ChannelName, number>()
  readonly #byCategory = new Map<string, number>()
  badFrames = 0

  /** Registers one bad input the test is about to send on `channel`. */
  register (channel: ChannelName, bytes: Uint8Array, category: string): void {
    this.#registered.set(keyOf(channel, bytes), category)
  }

  /** Called for every frame the victim's transport hands up. */
  observe (channel: ChannelName, bytes: Uint8Array): void {
    const category = this.#registered.get(keyOf(channel, bytes))
    if (category === undefined) return
    this.#delivered.set(channel, this.delivered(channel) + 1)
    this.#byCategory.set(category, (this.#byCategory.get(category) ?? 0) + 1)
  }

  /** Registered inputs that reached the victim on `channel` (a repeated input counts each time). */
  delivered (channel: ChannelName): number {
    return this.#delivered.get(channel) ?? 0
  }

  /** Deliveries by category, for the report. */
  byCategory (): ReadonlyMap<string, number> {
    return this.#byCategory
  }
}

function keyOf (channel: ChannelName, bytes: Uint8Array): string {
  return createHash('sha1').update(channel).update(bytes).digest('base64')
}

/** A started victim. */
export interface Victim {
  readonly node: MeshNode
  readonly tap: FrameTap
  readonly trap: LogTrap
}

/** Starts a victim on an ephemeral loopback port; `options` go to `createMeshNode` (with `dataDir`, its identity is the directory's). */
export async function startVictim (agentId: string, options: Partial<MeshNodeOptions> & { identity?: KeyPairIdentity } = {}): Promise<Victim> {
  const identity = options.identity ?? (options.dataDir === undefined ? generateKeyPairIdentity() : (await loadDataDir(options.dataDir)).identity)
  const { logger, trap } = createLogTrap()
  const tap = new FrameTap()
  const started: { node?: MeshNode } = {}
  const inner = await createLibp2pLinkTransport({ identity, clock: options.clock ?? systemClock, logger }, {
    listen: ['/ip4/127.0.0.1/tcp/0'],
    isDenied: (fingerprint) => started.node?.registry.trustOf(fingerprint) === 'blacklisted'
  })
  const transport = wrapTransport(inner, {
    start: async (handlers) => {
      await inner.start({
        ...handlers,
        onFrame: (link, channel, body) => {
          tap.observe(channel, body)
          handlers.onFrame(link, channel, body)
        },
        onBadFrame: (link, channel, error) => {
          tap.badFrames++
          handlers.onBadFrame(link, channel, error)
        }
      })
    }
  })
  const node = await createMeshNode({ ...options, identity, agentId, transport, logger })
  started.node = node
  await node.start()
  return { node, tap, trap }
}

/** The sum of every series of `name`, or of those whose labels match `labels`. */
export function counterSum (node: MeshNode, name: CounterName, labels: Readonly<Record<string, string>> = {}): number {
  return node.metrics.series()
    .filter(([series, seriesLabels]) => series === name && Object.entries(labels).every(([key, value]) => seriesLabels[key] === value))
    .reduce((sum, [, , value]) => sum + value, 0)
}

/** What must not change for anyone but the senders of bad input. */
export interface StateSnapshot {
  /** Registry rows of the other peers: identity and trust. */
  peers: string[]
  /** Trust transitions of the other peers. */
  transitions: number
  claims: number
  causalMemory: number
  decisions: number
  humans: number
  evidence: number
  /** Origins in the link-state database. */
  origins: string[]
  /** Route destinations and next hops to the other peers. */
  routes: string[]
}

/** The node's state, leaving out the peers `isSender` names (the attackers, whose penalties SPEC §5 allows). */
export function snapshotOf (node: MeshNode, isSender: (fingerprint: string) => boolean): StateSnapshot {
  return {
    peers: node.registry.list().filter((row) => !isSender(row.fingerprint))
      .map((row) => `${row.fingerprint} ${row.agentId} ${row.pubkey} ${row.trust} ${String(row.isPinned)}`).sort(),
    transitions: node.registry.transitions().filter((record) => !isSender(record.peer)).length,
    claims: node.knowledge.claims().length,
    causalMemory: node.knowledge.causalMemory().length,
    decisions: node.knowledge.decisions().length,
    humans: node.hcp.sessions().length,
    evidence: node.lip.list().length,
    origins: node.linkState.lsas().map((lsa) => lsa.origin).sort(),
    routes: node.routes().filter((route) => !isSender(route.destination)).map((route) => `${route.destination}→${route.nextHop}`).sort()
  }
}
