/**
 * Routing benchmarks (issue #4) over real TCP on 127.0.0.1, every node of a chain in its
 * own process. A (the sender) runs in this process; B and C run in child processes
 * (`bench/routing-peer.ts`), one node each, so the 2 cores of the reference machine are
 * shared by three busy processes on both sides alike:
 * - end-to-end signed delivery A→B→C with 64 sends in flight, in receipts per second,
 *   vs a plain libp2p relay chain over three processes (TCP + Noise + Yamux; B relays
 *   length-prefixed frames of the mesh carrier's size, C acknowledges each back through
 *   B) with the same window — interleaved 1 s slices, median (target ≥ 0.5). This is
 *   what the processes can do, not a sustained rate: every relay and destination takes
 *   at most MESH_LINK_RATE_PER_SECOND (1000) carriers a second per link, with a burst
 *   of MESH_LINK_BURST (2000), and a 1 s slice after a plain one stays inside that
 *   (≤ 3000 in a slice). A carrier over the limit is dropped and its send fails; failed
 *   round trips are printed on stderr, so a figure the limit shaped never passes unseen;
 * - one send at a time A→C with its receipt, p50, vs a one-at-a-time echo through the
 *   plain chain (target ≤ 2.0);
 * - figures: the time from pausing (SIGSTOP) the relay of a diamond A–B–D / A–C–D until
 *   A's next hop toward D is the other relay (B and C in their own processes, A and D
 *   here); and cold-start convergence of 25 nodes in 5 child processes of 5 nodes each,
 *   wired as a ring with random chords (degree 4), from the first dial until every node
 *   has a route to every other.
 *
 * Every process started here is stopped when its row is done, and killed on any failure
 * or exit of this process.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { buildBodyEnvelope } from '../src/mesh/envelope.ts'
import { createMeshNode } from '../src/node.ts'
import type { MeshNode } from '../src/node.ts'
import { canonicalBytes } from '../src/protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../src/protocol/envelope/seal.ts'
import type { MeshEnvelope } from '../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../src/protocol/identity/index.ts'
import { encodeFrame } from '../src/transport/framing/frame-codec.ts'
import type { BenchRow } from './measure.ts'
import { plainNode, readFrames, RELAY_PROTOCOL } from './routing-peer.ts'
import { seededRandom } from '../test/helpers/seeded-random.ts'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'
const PEER_SCRIPT = join(import.meta.dirname, 'routing-peer.ts')
/** The INTENT every benchmark send carries. */
const INTENT = { goal: 'ask', topic: 'routing bench', priority: 'normal', context: 'bench' } as const
/** Sends in flight in the throughput case, on both sides. */
const WINDOW = 64
/** Throughput slices per side, and the length of each. */
const THROUGHPUT_SLICES = 9
const THROUGHPUT_SLICE_MS = 1000
/** One-at-a-time slices per side, and round trips in each. */
const PING_SLICES = 5
const PING_ROUND_TRIPS = 100
/** Diamonds built for the reroute figure. */
const REROUTE_RUNS = 3
/** The cold-start mesh: processes × nodes per process. */
const COLD_PROCESSES = 5
const COLD_NODES_PER_PROCESS = 5
/** Seed of the cold-start graph, so every run wires the same one. */
const COLD_GRAPH_SEED = 20_260_404
/** A send that is not answered in this time counts as failed (and is reported). */
const SEND_TIMEOUT_MS = 5000
/** Longest wait for any setup step or figure; past it the bench fails rather than hang. */
const STEP_TIMEOUT_MS = 60_000

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `predicate` every `intervalMs` until it holds; throws after `timeoutMs`. */
async function waitUntil (predicate: () => boolean, what: string, timeoutMs = STEP_TIMEOUT_MS, intervalMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`routing bench: no ${what} within ${timeoutMs} ms`)
    await sleep(intervalMs)
  }
}

/** `promise`, or a rejection naming `what` after `timeoutMs`; the timer never outlives it. */
async function withTimeout<T> (promise: Promise<T>, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`routing bench: no ${what} within ${timeoutMs} ms`)) }, timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** What a child prints. */
interface FarNode { address: string, fingerprint: string }
type FarMessage =
  | { op: 'ready', address?: string, nodes?: FarNode[] }
  | { op: 'converged', at: number }

/** A child process running `bench/routing-peer.ts`. */
interface FarProcess {
  readonly child: ChildProcess
  /** Its first line: the plain node's address, or its mesh nodes. */
  readonly ready: { address: string, nodes: FarNode[] }
  /** The next line it prints; throws after `timeoutMs` or when it exits. */
  next: (timeoutMs?: number) => Promise<FarMessage>
  command: (message: object) => void
  /** Closes its stdin (resuming it first) and waits for it to exit; kills it after 5 s. */
  stop: () => Promise<void>
}

const running = new Set<ChildProcess>()

/** Kills every child still running, paused ones included; synchronous, for exit paths. */
function killAll (): void {
  for (const child of running) {
    child.kill('SIGCONT')
    child.kill('SIGKILL')
  }
}

function hasExited (child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

async function startFar (args: string[]): Promise<FarProcess> {
  const child = spawn(process.execPath, [PEER_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  running.add(child)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child)
      resolve()
    })
  })
  const queue: FarMessage[] = []
  const waiters = new Set<(message: FarMessage | Error) => void>()
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as FarMessage
    const [waiter] = waiters
    if (waiter === undefined) {
      queue.push(message)
    } else {
      waiters.delete(waiter)
      waiter(message)
    }
  })
  void exited.then(() => {
    for (const waiter of waiters) waiter(new Error(`routing bench: peer "${args.join(' ')}" exited`))
    waiters.clear()
  })
  const next = async (timeoutMs = STEP_TIMEOUT_MS): Promise<FarMessage> => {
    const queued = queue.shift()
    if (queued !== undefined) return queued
    if (hasExited(child)) throw new Error(`routing bench: peer "${args.join(' ')}" exited`)
    return await new Promise<FarMessage>((resolve, reject) => {
      const waiter = (message: FarMessage | Error): void => {
        clearTimeout(timer)
        if (message instanceof Error) reject(message)
        else resolve(message)
      }
      const timer = setTimeout(() => {
        waiters.delete(waiter)
        reject(new Error(`routing bench: peer "${args.join(' ')}" said nothing within ${timeoutMs} ms`))
      }, timeoutMs)
      waiters.add(waiter)
    })
  }
  const stop = async (): Promise<void> => {
    if (hasExited(child)) return
    child.kill('SIGCONT')
    child.stdin.end()
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
    await exited
    clearTimeout(timer)
  }
  try {
    const first = await next()
    if (first.op !== 'ready') throw new Error(`routing bench: peer "${args.join(' ')}" did not start`)
    return { child, ready: { address: first.address ?? '', nodes: first.nodes ?? [] }, next, command: (message) => { child.stdin.write(`${JSON.stringify(message)}\n`) }, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

function onlyNode (far: FarProcess): FarNode {
  const [node] = far.ready.nodes
  if (node === undefined) throw new Error('routing bench: mesh peer reported no node')
  return node
}

async function meshNode (agentId: string): Promise<MeshNode> {
  const node = await createMeshNode({ identity: generateKeyPairIdentity(), agentId, listen: [LOOPBACK] })
  await node.start()
  return node
}

/** Runs `fn` with a list of clean-ups that always run afterwards, last first. */
async function withCleanup<T> (fn: (defer: (cleanup: () => Promise<void>) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => Promise<void>> = []
  try {
    return await fn((cleanup) => { cleanups.push(cleanup) })
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => { console.error(`routing bench: clean-up failed: ${(err as Error).message}`) })
    }
  }
}

/** Byte length of a sealed INTENT carrier from `from` to `to`, as the mesh sends it. */
function carrierBytes (from: MeshNode, to: string): number {
  const author = { identity: from.identity, agentId: from.agentId }
  const receiver = { agent_id: 'chain-c-0', fingerprint: to }
  const nowMs = Date.now()
  const body = buildBodyEnvelope(author, { type: 'INTENT', payload: INTENT, receiver }, { nowMs })
  const carrier = sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'INTENT', payload: { body }, receiver }, { nowMs }), from.identity)
  return canonicalBytes(carrier).byteLength
}

/** One round trip through a chain, resolving when its acknowledgement is back at A. */
type RoundTrip = () => Promise<void>

/** A chain's round trip, and how many round trips got no answer in time. */
interface Chain {
  roundTrip: RoundTrip
  failures: () => number
}

/** A→B→C over the mesh, A here: a signed INTENT to C and its signed receipt. */
async function meshChain (defer: (cleanup: () => Promise<void>) => void): Promise<Chain & { frameBytes: number }> {
  const [b, c] = await Promise.all([startFar(['mesh', '1', 'chain-b']), startFar(['mesh', '1', 'chain-c'])])
  defer(b.stop)
  defer(c.stop)
  const a = await meshNode('chain-a')
  defer(async () => { await a.stop() })
  const relay = onlyNode(b)
  const destination = onlyNode(c).fingerprint
  a.connect(relay.address)
  c.command({ op: 'connect', links: [[0, relay.address]] })
  c.command({ op: 'watch', fingerprints: [a.identity.fingerprint] })
  await waitUntil(() => a.linkState.nextHop(destination) === relay.fingerprint, 'route A→C via B')
  await c.next()
  let failed = 0
  return {
    roundTrip: async () => {
      try {
        await a.send(destination, 'INTENT', INTENT, { timeoutMs: SEND_TIMEOUT_MS })
      } catch (err) {
        failed++
        throw err
      }
    },
    frameBytes: carrierBytes(a, destination),
    failures: () => failed
  }
}

/** A→B→C of plain libp2p nodes, A here: a frame of `frameBytes` relayed to C, and C's acknowledgement relayed back. */
async function plainChain (defer: (cleanup: () => Promise<void>) => void, frameBytes: number): Promise<Chain> {
  const c = await startFar(['sink'])
  defer(c.stop)
  const b = await startFar(['relay', c.ready.address])
  defer(b.stop)
  const a = await plainNode()
  defer(async () => { await a.stop() })
  const stream = await a.dialProtocol(multiaddr(b.ready.address), RELAY_PROTOCOL)
  const waiting: Array<() => void> = []
  readFrames(stream, () => { waiting.shift()?.() })
  const body = new Uint8Array(frameBytes)
  const view = new DataView(body.buffer)
  let seq = 0
  let failed = 0
  return {
    roundTrip: async () => {
      const { promise, resolve, reject } = Promise.withResolvers<undefined>()
      const timer = setTimeout(() => {
        failed++
        reject(new Error(`routing bench: no acknowledgement within ${SEND_TIMEOUT_MS} ms`))
      }, SEND_TIMEOUT_MS)
      waiting.push(() => {
        clearTimeout(timer)
        resolve(undefined)
      })
      view.setFloat64(0, seq++)
      stream.send(encodeFrame(body))
      await promise
    },
    failures: () => failed
  }
}

/** Round trips completed per second over `sliceMs` with `window` in flight; waits for the stragglers. */
async function windowedRate (roundTrip: RoundTrip, window: number, sliceMs: number): Promise<number> {
  const start = performance.now()
  const deadline = start + sliceMs
  let completed = 0
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await roundTrip().then(() => { if (performance.now() <= deadline) completed++ }, () => undefined)
    }
  }
  await Promise.all(Array.from({ length: window }, worker))
  return (completed * 1000) / sliceMs
}

/** p50 of `count` round trips made one at a time, in ms. */
async function sequentialP50 (roundTrip: RoundTrip, count: number): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await roundTrip()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

/** The throughput and one-at-a-time rows: both chains up at once, measured in alternating slices. */
async function chainRows (): Promise<BenchRow[]> {
  return await withCleanup(async (defer) => {
    const mesh = await meshChain(defer)
    const plain = await plainChain(defer, mesh.frameBytes)
    // Warm-up: JIT, stream windows, RTT estimates.
    await windowedRate(plain.roundTrip, WINDOW, 500)
    await windowedRate(mesh.roundTrip, WINDOW, 500)
    const meshRates: number[] = []
    const plainRates: number[] = []
    for (let slice = 0; slice < THROUGHPUT_SLICES; slice++) {
      plainRates.push(await windowedRate(plain.roundTrip, WINDOW, THROUGHPUT_SLICE_MS))
      meshRates.push(await windowedRate(mesh.roundTrip, WINDOW, THROUGHPUT_SLICE_MS))
    }
    const meshP50s: number[] = []
    const plainP50s: number[] = []
    for (let slice = 0; slice < PING_SLICES; slice++) {
      plainP50s.push(await sequentialP50(plain.roundTrip, PING_ROUND_TRIPS))
      meshP50s.push(await sequentialP50(mesh.roundTrip, PING_ROUND_TRIPS))
    }
    for (const [side, chain] of [['mesh', mesh], ['plain', plain]] as const) {
      if (chain.failures() > 0) console.error(`routing bench: ${chain.failures()} ${side} round trips got no answer within ${SEND_TIMEOUT_MS} ms`)
    }
    const rate = median(meshRates)
    const baselineRate = median(plainRates)
    const p50 = median(meshP50s)
    const baselineP50 = median(plainP50s)
    return [
      {
        name: `A→B→C signed delivery, ${WINDOW} in flight, 3 processes (receipts/s)`, rate,
        baselineName: `plain libp2p relay chain, ${mesh.frameBytes} B frames (acks/s)`, baselineRate, ratio: rate / baselineRate, target: 0.5, unit: 'msg/s'
      },
      {
        name: 'A→B→C send → receipt p50, one at a time (ms)', rate: p50,
        baselineName: 'plain relay chain echo p50', baselineRate: baselineP50, ratio: p50 / baselineP50, target: 2, unit: 'ms', isLowerBetter: true
      }
    ]
  })
}

/**
 * One diamond A–B–D, A–C–D (B and C in their own processes, A and D here): the time
 * from pausing A's next hop toward D until that next hop is the other relay, in ms.
 */
async function rerouteOnce (run: number): Promise<number> {
  return await withCleanup(async (defer) => {
    const relays = await Promise.all([startFar(['mesh', '1', `diamond-${run}-b`]), startFar(['mesh', '1', `diamond-${run}-c`])])
    for (const relay of relays) defer(relay.stop)
    const a = await meshNode(`diamond-${run}-a`)
    defer(async () => { await a.stop() })
    const d = await meshNode(`diamond-${run}-d`)
    defer(async () => { await d.stop() })
    for (const relay of relays) {
      a.connect(onlyNode(relay).address)
      d.connect(onlyNode(relay).address)
    }
    const target = d.identity.fingerprint
    const relayFingerprints = relays.map((relay) => onlyNode(relay).fingerprint)
    // Both ways round are in A's database: each relay's LSA names A and D, and D's names both relays.
    const lists = (origin: string, neighbours: string[]): boolean => {
      const lsa = a.linkState.lsas().find((candidate) => candidate.origin === origin)
      return lsa !== undefined && neighbours.every((fingerprint) => lsa.neighbours.some((neighbour) => neighbour.fingerprint === fingerprint))
    }
    await waitUntil(() => a.linkState.nextHop(target) !== undefined
      && relayFingerprints.every((relay) => lists(relay, [a.identity.fingerprint, target]))
      && lists(target, relayFingerprints), 'diamond routes')
    const via = a.linkState.nextHop(target)
    const paused = relays.find((relay) => onlyNode(relay).fingerprint === via)
    const other = relays.find((relay) => relay !== paused)
    if (paused === undefined || other === undefined) throw new Error('routing bench: A\'s next hop toward D is not a relay')
    const alternative = onlyNode(other).fingerprint
    const { promise, resolve } = Promise.withResolvers<number>()
    const unsubscribe = a.events.subscribe((event) => {
      if (event.event_type === 'route_changed' && a.linkState.nextHop(target) === alternative) resolve(performance.now())
    })
    defer(() => {
      unsubscribe()
      return Promise.resolve()
    })
    const pausedAt = performance.now()
    paused.child.kill('SIGSTOP')
    return (await withTimeout(promise, 'reroute')) - pausedAt
  })
}

async function rerouteRow (): Promise<BenchRow> {
  const figures: number[] = []
  for (let run = 0; run < REROUTE_RUNS; run++) figures.push(await rerouteOnce(run))
  return { name: `reroute after the relay is SIGSTOPped, diamond, median of ${REROUTE_RUNS} (ms)`, rate: median(figures), unit: 'ms' }
}

/**
 * A ring of `count` nodes plus `count` random chords, every node the end of exactly two
 * (degree 4), as `[dialer, listener]` pairs: each node is dialled at most three times,
 * under the 5-per-second inbound limit of one remote address.
 */
function ringWithChords (count: number, seed: number): Array<[number, number]> {
  const random = seededRandom(seed)
  const key = (x: number, y: number): string => `${Math.min(x, y)} ${Math.max(x, y)}`
  for (;;) {
    const edges: Array<[number, number]> = Array.from({ length: count }, (_, i) => [i, (i + 1) % count])
    const seen = new Set(edges.map(([x, y]) => key(x, y)))
    const ends = Array.from({ length: 2 * count }, (_, i) => i % count)
    for (let i = ends.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      const swapped = ends[i] ?? 0
      ends[i] = ends[j] ?? 0
      ends[j] = swapped
    }
    let isValid = true
    for (let i = 0; i < ends.length && isValid; i += 2) {
      const x = ends[i] ?? 0
      const y = ends[i + 1] ?? 0
      isValid = x !== y && !seen.has(key(x, y))
      seen.add(key(x, y))
      edges.push([x, y])
    }
    if (isValid) return edges
  }
}

/** 25 nodes in 5 child processes, started, then wired at once: ms from the first dial to full routes. */
async function convergenceRow (): Promise<BenchRow> {
  return await withCleanup(async (defer) => {
    const groups = await Promise.all(Array.from({ length: COLD_PROCESSES }, async (_, p) => await startFar(['mesh', String(COLD_NODES_PER_PROCESS), `cold-${p}`])))
    for (const group of groups) defer(group.stop)
    const nodes = groups.flatMap((group, p) => group.ready.nodes.map((node, index) => ({ ...node, group: p, index })))
    const fingerprints = nodes.map((node) => node.fingerprint)
    for (const group of groups) group.command({ op: 'watch', fingerprints })
    const edges = ringWithChords(nodes.length, COLD_GRAPH_SEED)
    const startedAt = performance.timeOrigin + performance.now()
    groups.forEach((group, p) => {
      const links = edges.filter(([from]) => nodes[from]?.group === p).map(([from, to]) => [nodes[from]?.index, nodes[to]?.address])
      group.command({ op: 'connect', links })
    })
    const reports = await Promise.all(groups.map(async (group) => await group.next()))
    const convergedAt = Math.max(...reports.map((report) => (report.op === 'converged' ? report.at : Number.NaN)))
    return { name: `cold-start convergence, ${nodes.length} nodes in ${COLD_PROCESSES} processes, degree 4 (ms)`, rate: convergedAt - startedAt, unit: 'ms' }
  })
}

/** Rows for mesh routing; every child process is gone when this returns or throws. */
export async function runRoutingBench (): Promise<BenchRow[]> {
  const onSignal = (): void => {
    killAll()
    process.exit(130)
  }
  process.on('exit', killAll)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return [...await chainRows(), await rerouteRow(), await convergenceRow()]
  } finally {
    killAll()
    process.off('exit', killAll)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
