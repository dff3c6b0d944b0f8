/**
 * A mesh of `web4mesh start` processes for fault tests (issue #7). Each node runs as
 * its own process on its own temporary data directory, listening on its own loopback
 * address 127.0.0.(i + 2) at a fixed port, so a restarted node is found where it was.
 * Every link of the topology (line, ring, grid, seeded random, or an edge list) runs
 * through a {@link LinkRelay}: node `a` of an edge `[a, b]` dials `b` through it, so one
 * link can be cut (reset or blackhole) and healed, stalled one way, or given latency and
 * jitter, and the mesh can be split into two halves and healed. Nodes never dial
 * addresses they learn from link state, so the relays are the only paths.
 *
 * Faults on nodes: `kill` (SIGKILL by default), `pause` (SIGSTOP), `resume`, `restart`
 * (same data directory, address, peers and roots). `waitForConvergence` polls every
 * node's `GET /v1/routes` and `GET /v1/topology` until every node routes to every other
 * and every node's link-state view holds every link that is up (both ends running, not
 * paused, relay not cut) — all pairs reachable one way round is not yet converged — within
 * a bound, and answers how long it took. Nodes start in reverse order, each once the one
 * it dials listens, so no first dial meets a closed port (and waits out a reconnect tier). `stop()` kills every process, closes every relay and removes
 * the data directories; call it in `after`.
 *
 * Clock skew: `WEB4MESH_CLOCK_OFFSET_MS` (test-only, read by `src/config/clock.ts`)
 * shifts one node's wall clock by that many ms, ahead when positive, behind when
 * negative; pass it per node with `env: (i) => ({ WEB4MESH_CLOCK_OFFSET_MS: '119000' })`.
 * Monotonic time (RTT, heartbeats) is not shifted.
 *
 * @example
 * ```ts
 * const mesh = await startMeshHarness({ name: 'ring', topology: { kind: 'ring', nodes: 6 } })
 * after(async () => { await mesh.stop() })
 * await mesh.waitForConvergence({ timeoutMs: 30_000 })
 * mesh.partition(halvesOf(6)[0])
 * await mesh.kill(3)
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLinkRelay } from './link-relay.ts'
import type { CutMode, LinkRelay } from './link-relay.ts'
import { createDataDir, freePort, identityOf, startNodeProcess } from './node-process.ts'
import type { NodeProcess } from './node-process.ts'
import { crossingRoutes, missingLinks, missingRoutes } from './route-checks.ts'
import type { LinkGap, RouteGap, RouteJson, TopologyEdgeJson } from './route-checks.ts'
import { crossingEdges, edgesOf, nodeCountOf } from './topology.ts'
import type { Edge, TopologySpec } from './topology.ts'
import { waitFor } from './wait-for.ts'

export interface MeshHarnessOptions {
  /** Prefix of agent ids (`<name>-<i>`) and of the temporary directory. */
  name: string
  topology: TopologySpec
  /** Latency of every link, one way. @default none */
  latency?: { delayMs: number, jitterMs?: number }
  /** Seed of the relays' jitter (relay k uses seed + k). @default 1 */
  seed?: number
  /** Nodes every node pins as trust roots (`--trust`), by index; a root does not pin itself. @default none */
  roots?: readonly number[]
  /** Extra environment of node `i`'s process. @default none */
  env?: (index: number) => NodeJS.ProcessEnv
  /** Give each node its own loopback address (127.0.0.2, .3, …) instead of sharing 127.0.0.1. @default true */
  hasDistinctHosts?: boolean
}

/** One node of the mesh; `process` is its current process (replaced by `restart`). */
export interface HarnessNode {
  readonly index: number
  readonly agentId: string
  readonly fingerprint: string
  readonly peerId: string
  readonly host: string
  readonly port: number
  readonly dataDir: string
  readonly process: NodeProcess
}

/** A running mesh. */
export interface MeshHarness {
  readonly nodes: readonly HarnessNode[]
  readonly edges: readonly Edge[]
  /** The relay of the link between `a` and `b` (either order). */
  relay: (a: number, b: number) => LinkRelay
  /** Sends `signal` (SIGKILL by default) to node `i` and waits for its exit. */
  kill: (i: number, signal?: NodeJS.Signals) => Promise<void>
  pause: (i: number) => void
  resume: (i: number) => void
  /** Starts node `i` again on its data directory, address, peers and roots (after `kill`). */
  restart: (i: number) => Promise<NodeProcess>
  cutLink: (a: number, b: number, mode?: CutMode) => void
  healLink: (a: number, b: number) => void
  /** Cuts every link between `side` and the rest; answers the cut edges. */
  partition: (side: readonly number[], mode?: CutMode) => Edge[]
  /** Heals every cut link. */
  healAll: () => void
  /** Sets the latency of every link. */
  setLatency: (latency: { delayMs: number, jitterMs?: number }) => void
  /** Each node's routes, by fingerprint (nodes not running are left out). */
  routes: (among?: readonly number[]) => Promise<Map<string, RouteJson[]>>
  /** Waits until every node of `among` (default all) routes to every other and sees every link up among them; resolves with the ms it took. */
  waitForConvergence: (options?: { among?: readonly number[], timeoutMs?: number }) => Promise<number>
  /** Waits until no node of one side routes to the other; resolves with the ms it took. */
  waitForSeparation: (sideA: readonly number[], sideB: readonly number[], options?: { timeoutMs?: number }) => Promise<number>
  /** Kills every process, closes every relay, removes the data directories. Idempotent. */
  stop: () => Promise<void>
}

/** How often convergence is polled. */
const POLL_INTERVAL_MS = 100
/** Bound of `waitForConvergence` and `waitForSeparation` unless the caller gives one. */
export const DEFAULT_CONVERGENCE_TIMEOUT_MS = 30_000

/** The loopback address of node `index`: 127.0.0.2 for the first. */
export function hostOf (index: number, hasDistinctHosts = true): string {
  return hasDistinctHosts ? `127.0.0.${index + 2}` : '127.0.0.1'
}

/** Creates the data directories, the relays and the processes; resolves once every node is up (not yet linked). */
export async function startMeshHarness (options: MeshHarnessOptions): Promise<MeshHarness> {
  const count = nodeCountOf(options.topology)
  if (count > 250) throw new RangeError(`Cannot give ${count} nodes their own 127.0.0.x address`)
  const edges = edgesOf(options.topology)
  const root = await mkdtemp(join(tmpdir(), `web4mesh-${options.name}-`))
  const relays = new Map<string, LinkRelay>()
  const processes: NodeProcess[] = []
  let isStopped = false
  const stop = async (): Promise<void> => {
    if (isStopped) return
    isStopped = true
    await Promise.allSettled(processes.map(async (node) => {
      node.resume()
      await node.kill('SIGKILL')
    }))
    await Promise.allSettled([...relays.values()].map(async (relay) => { await relay.close() }))
    await rm(root, { recursive: true, force: true })
  }
  try {
    const bases = await Promise.all(Array.from({ length: count }, async (_, index) => {
      const agentId = `${options.name}-${index}`
      const host = hostOf(index, options.hasDistinctHosts)
      const dataDir = await createDataDir(root, agentId)
      return { index, agentId, host, dataDir, port: await freePort(host), ...await identityOf(dataDir) }
    }))
    for (const [k, [a, b]] of edges.entries()) {
      const target = bases[b]
      const source = bases[a]
      if (target === undefined || source === undefined) throw new RangeError(`Cannot link ${a} and ${b}: the mesh has ${count} nodes`)
      relays.set(keyOf(a, b), await startLinkRelay({
        targetHost: target.host, targetPort: target.port, sourceHost: source.host, seed: (options.seed ?? 1) + k,
        ...(options.latency === undefined ? {} : { delayMs: options.latency.delayMs, jitterMs: options.latency.jitterMs ?? 0 })
      }))
    }
    const optionsOf = (index: number): Parameters<typeof startNodeProcess>[0] => {
      const base = bases[index] as typeof bases[number]
      const peers = edges.filter(([a]) => a === index).map(([a, b]) => relayOf(relays, a, b).addressFor((bases[b] as typeof base).peerId))
      const trust = (options.roots ?? []).filter((rootIndex) => rootIndex !== index).map((rootIndex) => (bases[rootIndex] as typeof base).fingerprint)
      return { dataDir: base.dataDir, host: base.host, port: base.port, peers, trust, env: options.env?.(index) ?? {} }
    }
    // Highest index first: every edge [a, b] has a < b and a dials b, so each node starts once every node it dials listens.
    for (const base of [...bases].reverse()) processes[base.index] = await startNodeProcess(optionsOf(base.index))
    const nodes: HarnessNode[] = bases.map((base) => ({ ...base, get process () { return processes[base.index] as NodeProcess } }))
    return createHarness({ nodes, edges, relays, processes, optionsOf, stop })
  } catch (err) {
    await stop()
    throw err
  }
}

function createHarness (parts: {
  nodes: HarnessNode[]
  edges: Edge[]
  relays: Map<string, LinkRelay>
  processes: NodeProcess[]
  optionsOf: (index: number) => Parameters<typeof startNodeProcess>[0]
  stop: () => Promise<void>
}): MeshHarness {
  const { nodes, edges, relays, processes } = parts
  const paused = new Set<number>()
  const nodeAt = (i: number): HarnessNode => {
    const node = nodes[i]
    if (node === undefined) throw new RangeError(`No node ${i} in a mesh of ${nodes.length}`)
    return node
  }
  const routes = async (among: readonly number[] = nodes.map((node) => node.index)): Promise<Map<string, RouteJson[]>> => {
    const running = among.map(nodeAt).filter((node) => node.process.isRunning)
    const answers = await Promise.all(running.map(async (node) => [node.fingerprint, await node.process.get('/v1/routes') as RouteJson[]] as const))
    return new Map(answers)
  }
  const name = (fingerprint: string): string => nodes.find((node) => node.fingerprint === fingerprint)?.agentId ?? fingerprint.slice(0, 12)
  const describeGaps = (gaps: readonly RouteGap[]): string => {
    return gaps.slice(0, 8).map((gap) => `${name(gap.from)}→${name(gap.to)}`).join(', ') + (gaps.length > 8 ? ` and ${gaps.length - 8} more` : '')
  }
  const describeLinkGaps = (gaps: readonly LinkGap[]): string => {
    return gaps.slice(0, 8).map((gap) => `${name(gap.link[0])}–${name(gap.link[1])} at ${name(gap.node)}`).join(', ') + (gaps.length > 8 ? ` and ${gaps.length - 8} more` : '')
  }
  const isUp = (i: number): boolean => nodeAt(i).process.isRunning && !paused.has(i)
  /** The links among `among` that are up: both ends running and not paused, relay not cut. */
  const linksUp = (among: readonly number[]): Array<readonly [string, string]> => {
    const inside = new Set(among)
    return edges.filter(([a, b]) => inside.has(a) && inside.has(b) && isUp(a) && isUp(b) && !relayOf(relays, a, b).isCut)
      .map(([a, b]) => [nodeAt(a).fingerprint, nodeAt(b).fingerprint] as const)
  }
  const topologies = async (among: readonly number[]): Promise<Map<string, TopologyEdgeJson[]>> => {
    const running = among.map(nodeAt).filter((node) => node.process.isRunning)
    const answers = await Promise.all(running.map(async (node) => [node.fingerprint, (await node.process.get('/v1/topology') as { edges: TopologyEdgeJson[] }).edges] as const))
    return new Map(answers)
  }
  return {
    nodes,
    edges,
    relay: (a, b) => relayOf(relays, a, b),
    kill: async (i, signal = 'SIGKILL') => {
      const node = nodeAt(i).process
      if (signal === 'SIGKILL') {
        node.resume()
        paused.delete(i)
      }
      await node.kill(signal)
    },
    pause: (i) => {
      nodeAt(i).process.pause()
      paused.add(i)
    },
    resume: (i) => {
      nodeAt(i).process.resume()
      paused.delete(i)
    },
    restart: async (i) => {
      if (nodeAt(i).process.isRunning) throw new Error(`Cannot restart node ${i}: it is still running (kill it first)`)
      const next = await startNodeProcess(parts.optionsOf(i))
      processes[i] = next
      return next
    },
    cutLink: (a, b, mode) => { relayOf(relays, a, b).cut(mode) },
    healLink: (a, b) => { relayOf(relays, a, b).heal() },
    partition: (side, mode) => {
      const cut = crossingEdges(edges, side)
      for (const [a, b] of cut) relayOf(relays, a, b).cut(mode)
      return cut
    },
    healAll: () => {
      for (const relay of relays.values()) {
        if (relay.isCut) relay.heal()
      }
    },
    setLatency: (latency) => {
      for (const relay of relays.values()) relay.setLatency(latency)
    },
    routes,
    waitForConvergence: async (options = {}) => {
      const among = options.among ?? nodes.map((node) => node.index)
      const members = among.map((i) => nodeAt(i).fingerprint)
      const startedAt = Date.now()
      let gaps: RouteGap[] = []
      let linkGaps: LinkGap[] = []
      await waitFor(async () => {
        gaps = missingRoutes(await routes(among), members)
        linkGaps = gaps.length === 0 ? missingLinks(await topologies(among), linksUp(among)) : []
        return gaps.length === 0 && linkGaps.length === 0
      }, {
        timeoutMs: options.timeoutMs ?? DEFAULT_CONVERGENCE_TIMEOUT_MS,
        intervalMs: POLL_INTERVAL_MS,
        what: () => (gaps.length > 0 ? `routes between every pair (missing: ${describeGaps(gaps)})` : `every link up in every view (missing: ${describeLinkGaps(linkGaps)})`)
      })
      return Date.now() - startedAt
    },
    waitForSeparation: async (sideA, sideB, options = {}) => {
      const startedAt = Date.now()
      const fingerprints = (side: readonly number[]): string[] => side.map((i) => nodeAt(i).fingerprint)
      let gaps: RouteGap[] = []
      await waitFor(async () => {
        gaps = crossingRoutes(await routes([...sideA, ...sideB]), fingerprints(sideA), fingerprints(sideB))
        return gaps.length === 0
      }, { timeoutMs: options.timeoutMs ?? DEFAULT_CONVERGENCE_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS, what: () => `no route across the partition (still: ${describeGaps(gaps)})` })
      return Date.now() - startedAt
    },
    stop: parts.stop
  }
}

function keyOf (a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`
}

function relayOf (relays: ReadonlyMap<string, LinkRelay>, a: number, b: number): LinkRelay {
  const relay = relays.get(keyOf(a, b))
  if (relay === undefined) throw new RangeError(`No link between ${a} and ${b}`)
  return relay
}
