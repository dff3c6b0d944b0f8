/**
 * Builds the world of one cell at round 0 (TRUSTBENCH §3.1): seeded identities, the
 * pinned roots among the honest nodes, every node started on the round network, the
 * links dialled, and the network drained until every real handshake — direct, and
 * routed over the mesh (SPEC §15.1) — has run. Adversary identities relay like any node
 * while the world is built; once it is built they receive nothing (TRUSTBENCH §2).
 */
import { adversaryTap, isRoutedHello } from './adversary-tap.ts'
import { startBenchNode } from './bench-node.ts'
import type { BenchNode, NodeKind } from './bench-node.ts'
import { createRoundClock } from './clock.ts'
import type { RoundClock } from './clock.ts'
import { drawIdentity } from './identities.ts'
import { createRoundNetwork } from './network.ts'
import type { FrameTap, RoundNetwork } from './network.ts'
import type { Prng } from './prng.ts'
import { diameterOf, SYBIL_LINKS, wattsStrogatz } from './topology.ts'
import type { Edge } from './topology.ts'

/** Delivery passes allowed to build the world (handshakes, LSA floods, routed handshakes). */
export const SETUP_MAX_PASSES = 2_000

/** How many identities of each kind a cell has. */
export interface WorldSize {
  /** Honest nodes (H). */
  honest: number
  /** Malicious nodes (M). */
  malicious: number
  /** Sybil identities (σ). */
  sybils: number
  /** Pinned roots (ρ), the first of the shuffled honest nodes. */
  roots: number
}

/** The world of a cell. */
export interface World {
  readonly clock: RoundClock
  readonly network: RoundNetwork
  readonly honest: readonly BenchNode[]
  readonly malicious: readonly BenchNode[]
  readonly sybils: readonly BenchNode[]
  /** Malicious nodes and Sybils: every identity the adversary controls. */
  readonly adversaries: readonly BenchNode[]
  readonly roots: readonly BenchNode[]
  readonly rootFingerprints: ReadonlySet<string>
  readonly byFingerprint: ReadonlyMap<string, BenchNode>
  /** Honest edges, by index into `honest`. */
  readonly honestEdges: readonly Edge[]
  /** Diameter of the honest link graph, in hops. */
  readonly honestDiameter: number
  /** The honest nodes each adversary identity is linked to, by fingerprint. */
  readonly linkedHonest: ReadonlyMap<string, readonly BenchNode[]>
  /** Frames delivered while building the world. */
  readonly setupDeliveries: number
  /** Stops every node. */
  close: () => Promise<void>
}

/** Options of {@link buildWorld}. */
export interface WorldOptions {
  /** The sparse-handshake variant (TRUSTBENCH §3.6): no routed HELLO leaves any node. @default false */
  forbidRoutedHello?: boolean
}

/** Builds and links the world, and runs round 0's handshakes. */
export async function buildWorld (size: WorldSize, rng: Prng, options: WorldOptions = {}): Promise<World> {
  const clock = createRoundClock()
  const network = createRoundNetwork()
  let isBuilt = false
  // Identities first, in a fixed order, so the keys do not depend on anything else.
  const identities = (count: number, kind: NodeKind): Array<{ kind: NodeKind, index: number, identity: ReturnType<typeof drawIdentity> }> =>
    Array.from({ length: count }, (_, index) => ({ kind, index, identity: drawIdentity(rng) }))
  const honestIds = identities(size.honest, 'honest')
  const maliciousIds = identities(size.malicious, 'adversary')
  const sybilIds = identities(size.sybils, 'sybil')
  const rootIndices = new Set(rng.sample(honestIds.map((entry) => entry.index), size.roots))
  const rootFingerprints = honestIds.filter((entry) => rootIndices.has(entry.index)).map((entry) => entry.identity.fingerprint)
  const isForbidden = options.forbidRoutedHello === true
    ? (channel: string, body: Uint8Array): boolean => channel === 'mesh' && isRoutedHello(body)
    : (): boolean => false
  const start = async (entry: { kind: NodeKind, index: number, identity: ReturnType<typeof drawIdentity> }): Promise<BenchNode> => {
    const tap: FrameTap = entry.kind === 'honest' ? {} : adversaryTap(entry.identity.fingerprint, () => isBuilt)
    return await startBenchNode({
      ...entry,
      roots: rootFingerprints,
      ...tap,
      onSend: (peerId, channel, body) => isForbidden(channel, body) || tap.onSend?.(peerId, channel, body) === true
    }, network, clock)
  }
  const honest: BenchNode[] = []
  for (const entry of honestIds) honest.push(await start(entry))
  const malicious: BenchNode[] = []
  for (const entry of maliciousIds) malicious.push(await start(entry))
  const sybils: BenchNode[] = []
  for (const entry of sybilIds) sybils.push(await start(entry))
  const honestEdges = wattsStrogatz(size.honest, rng)
  const linkedHonest = new Map<string, BenchNode[]>()
  const link = (a: BenchNode, b: BenchNode): void => { a.node.connect(b.address) }
  for (const [a, b] of honestEdges) link(honest[a] as BenchNode, honest[b] as BenchNode)
  for (const adversary of malicious) {
    linkedHonest.set(adversary.fingerprint, honest)
    for (const target of honest) link(adversary, target)
  }
  for (const sybil of sybils) {
    const targets = rng.sample(honest, Math.min(size.honest, SYBIL_LINKS))
    linkedHonest.set(sybil.fingerprint, targets)
    for (const target of targets) link(sybil, target)
  }
  const setupDeliveries = await network.drain(SETUP_MAX_PASSES)
  isBuilt = true
  const all = [...honest, ...malicious, ...sybils]
  return {
    clock,
    network,
    honest,
    malicious,
    sybils,
    adversaries: [...malicious, ...sybils],
    roots: honest.filter((node) => rootIndices.has(node.index)),
    rootFingerprints: new Set(rootFingerprints),
    byFingerprint: new Map(all.map((node) => [node.fingerprint, node])),
    honestEdges,
    honestDiameter: diameterOf(size.honest, honestEdges),
    linkedHonest,
    setupDeliveries,
    close: async () => {
      await Promise.allSettled(all.map(async (node) => { await node.node.stop() }))
    }
  }
}
