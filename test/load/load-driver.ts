/**
 * Load driver (issue #7 item 5): a mesh of `web4mesh start` processes on loopback, each
 * node driven open-loop at a fixed rate of routed INTENTs to random other nodes through
 * its admin API (`POST /v1/messages`, keep-alive sockets), for a given duration.
 *
 * - Pacing: one fixed global schedule, send j at t0 + j × (1 / total rate) from node
 *   j mod N; a send never waits for an earlier receipt. Latency is measured from the
 *   scheduled time to the receipt, so a stalled driver or node shows up in it (no
 *   coordinated omission); the node's own `rtt_ms` is reported beside it.
 * - Every send carries a unique `topic` (`load RUN o>d #seq`). Destinations report each
 *   INTENT they deliver as an `intent_accepted` event with that topic; the driver pages
 *   through every node's event table (`GET /v1/events?since=`) during the run, so nothing
 *   is evicted before it is read (a gap in `seq` is counted and fails the verdict). An
 *   acknowledged send whose topic never shows up at its destination is lost; a topic seen
 *   twice is a duplicate; one seen at another node is misdelivered.
 * - Every few seconds each node's RSS (`/proc/PID/status` VmRSS) and its `/metrics` are
 *   sampled: event-loop delay (prom-client's `nodejs_eventloop_lag_p99_seconds`, whose
 *   histogram restarts at every scrape, so each sample covers one interval), heap used
 *   and the send-queue gauges.
 *
 * `test/load/load.test.ts` runs the CI tier (60 s), `npm run soak` (`test/load/soak.ts`)
 * the long one. Nothing here fails on a timing: the verdict is loss, duplicates, untyped
 * errors and unread events only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDataDir, freePort, startNodeProcess } from '../helpers/node-process.ts'
import type { EventJson, NodeProcess } from '../helpers/node-process.ts'
import { parsePrometheusText } from '../helpers/prometheus-text.ts'
import { seededRandom } from '../helpers/seeded-random.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** Sockets per node the driver may open; the admin server takes 32 (ADMIN_MAX_SOCKETS). */
const SOCKETS_PER_NODE = 16
/** Most events one `GET /v1/events` returns (EVENTS_PAGE_LIMIT). */
const EVENTS_PAGE = 1000
/** prom-client samples the event loop every 10 ms and its histogram includes that interval. */
export const EVENT_LOOP_SAMPLING_MS = 10
/** Longest wait for the mesh to form (every node with a route to every other). */
const CONVERGE_TIMEOUT_MS = 60_000

/** How the nodes are linked: a line (0–1–2–3–4: 6 of 10 pairs multi-hop) or a ring (half). */
export type Topology = 'line' | 'ring'

export interface LoadMeshOptions {
  /** @default 5 */
  nodes?: number
  /** @default 'line' */
  topology?: Topology
}

/** One node process of the load mesh. */
export interface LoadNode {
  readonly index: number
  readonly agentId: string
  readonly fingerprint: string
  readonly process: NodeProcess
  readonly adminUrl: string
  readonly pid: number
  /** GET or POST on the admin API with the token; never throws on an HTTP status. */
  http: (method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number) => Promise<HttpAnswer>
}

/** An admin API answer. */
export interface HttpAnswer {
  status: number
  text: string
}

/** The started mesh. */
export interface LoadMesh {
  readonly nodes: readonly LoadNode[]
  readonly topology: Topology
  /** The undirected links, as index pairs. */
  readonly links: ReadonlyArray<readonly [number, number]>
  /**
   * Closes the driver's idle keep-alive sockets. Call before a pause in traffic: a pooled
   * socket left idle into the server's keep-alive timeout may be reused just as the server
   * closes it, and that request fails with "socket hang up".
   */
  dropIdleSockets: () => void
  /** Stops every node (SIGTERM, then SIGKILL after 5 s) and removes the data directories. */
  stop: () => Promise<void>
}

/** Starts the mesh and waits until every node has a route to every other. */
export async function startLoadMesh (options: LoadMeshOptions = {}): Promise<LoadMesh> {
  const count = options.nodes ?? 5
  const topology = options.topology ?? 'line'
  if (count < 2) throw new RangeError('Cannot start load mesh: at least 2 nodes')
  const links: Array<[number, number]> = Array.from({ length: count - 1 }, (_, i) => [i, i + 1])
  if (topology === 'ring' && count > 2) links.push([count - 1, 0])
  const root = await mkdtemp(join(tmpdir(), 'web4mesh-load-'))
  const nodes: LoadNode[] = []
  const agents = new Map<LoadNode, Agent>()
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map(async (node) => {
      const killTimer = setTimeout(() => { node.process.child.kill('SIGKILL') }, 5000)
      await node.process.kill('SIGTERM')
      clearTimeout(killTimer)
    }))
    for (const node of nodes) agents.get(node)?.destroy()
    await rm(root, { recursive: true, force: true })
  }
  try {
    for (let index = 0; index < count; index++) {
      const peers = links.filter(([a, b]) => Math.max(a, b) === index).map(([a, b]) => nodes[Math.min(a, b)]?.process.address ?? '')
      const agentId = `load-${index}`
      const started = await startNodeProcess({ dataDir: await createDataDir(root, agentId), port: await freePort(), peers })
      const token = (await readFile(join(started.options.dataDir, 'admin.token'), 'utf8')).trim()
      // FIFO reuse keeps every pooled socket busy under load, so none sits idle into the
      // server's keep-alive timeout, where a request written as the server closes it gets ECONNRESET.
      const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS_PER_NODE, scheduling: 'fifo' })
      const node: LoadNode = {
        index, agentId, fingerprint: started.info.fingerprint, process: started, adminUrl: started.info.admin_url, pid: started.info.pid,
        http: async (method, path, body, timeoutMs) => {
          const url = `${started.info.admin_url}${path}`
          try {
            return await httpRequest(agent, url, token, method, body, timeoutMs ?? 10_000)
          } catch (err) {
            // A GET on a keep-alive socket the server closed at that instant is retried, on a new socket; a POST never is.
            if (method !== 'GET' || (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err
            for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
            return await httpRequest(agent, url, token, method, body, timeoutMs ?? 10_000)
          }
        }
      }
      agents.set(node, agent)
      nodes.push(node)
    }
    await waitFor(async () => {
      const tables = await Promise.all(nodes.map(async (node) => JSON.parse((await node.http('GET', '/v1/routes')).text) as Array<{ destination: string }>))
      return tables.every((routes, i) => nodes.every((other) => other.index === i || routes.some((route) => route.destination === other.fingerprint)))
    }, { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200, what: 'every load node to have a route to every other' })
    // The first scrape creates the registry, and with it the event-loop histogram.
    await Promise.all(nodes.map(async (node) => await node.http('GET', '/metrics')))
  } catch (err) {
    await stop()
    throw err
  }
  const dropIdleSockets = (): void => {
    for (const agent of agents.values()) {
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
    }
  }
  return { nodes, topology, links, dropIdleSockets, stop }
}

async function httpRequest (agent: Agent, url: string, token: string, method: 'GET' | 'POST', body: unknown, timeoutMs: number): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return await new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(url, {
      method,
      agent,
      timeout: timeoutMs,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
      }
    }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { text += chunk })
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, text }) })
      response.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)) })
    req.on('error', reject)
    req.end(payload)
  })
}

export interface LoadOptions {
  /** Envelopes per second each node originates. @default 40 */
  ratePerNode?: number
  durationMs: number
  /** Seed of the destination choice. @default 7 */
  seed?: number
  /** `timeout_ms` of every send. @default 10,000 (the node's default) */
  receiptTimeoutMs?: number
  /** RSS and /metrics sampling. @default 5,000 ms */
  sampleIntervalMs?: number
  /** Event-table paging. @default 1,000 ms */
  eventPollIntervalMs?: number
  /** Called about once a minute of load with the minute just finished. */
  onMinute?: (minute: MinuteReport) => void
}

/** Percentiles in ms. */
export interface Percentiles {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** One minute of the schedule. */
export interface MinuteReport {
  minute: number
  sent: number
  acknowledged: number
  errors: number
  latencyMs: Percentiles
}

/** One node over the run. */
export interface NodeReport {
  agentId: string
  /** RSS in MiB: first sample (load start), last sample, largest. */
  rssMiB: { start: number, end: number, max: number }
  /** V8 heap used in MiB (`nodejs_heap_size_used_bytes`), first and last sample. */
  heapUsedMiB: { start: number, end: number }
  /** Event-loop delay p99 in ms per sampling interval (prom-client's value less its 10 ms sampling): median and worst interval. */
  eventLoopDelayP99Ms: { median: number, max: number }
  /** Largest event-loop delay seen (prom-client's max less 10 ms). */
  eventLoopDelayMaxMs: number
  /** Largest send-queue total seen on the `mesh` channel (`web4_transport_queue_bytes`), bytes. */
  maxMeshQueueBytes: number
  /** Sends this node originated, and INTENTs of the run delivered to it. */
  originated: number
  delivered: number
  /** `mesh_dropped` events during the run, by reason. */
  drops: Record<string, number>
  /** Events read, and events evicted before they were read (must be 0). */
  eventsRead: number
  eventsMissed: number
  /** RSS and V8 heap used in MiB at the start and about every minute after (the sample nearest each minute). */
  memoryByMinute: Array<{ rssMiB: number, heapUsedMiB: number }>
}

/** What a run found. */
export interface LoadReport {
  nodes: number
  topology: Topology
  ratePerNode: number
  durationMs: number
  /** Wall time from the first scheduled send to the last one actually sent. */
  sendSpanMs: number
  sent: number
  acknowledged: number
  /** Typed refusals by `Error/reason`. */
  errors: Record<string, number>
  /** Failures without a typed error body (network errors, InternalError, unparsable answers). */
  untyped: Record<string, number>
  lost: number
  duplicates: number
  misdelivered: number
  /** Sends that failed (typed) yet were delivered once: not a loss, reported. */
  deliveredWithoutReceipt: number
  /** Scheduled time → receipt at the driver. */
  latencyMs: Percentiles
  /** The node's own send → receipt (`rtt_ms`). */
  nodeRttMs: Percentiles
  /** How late the driver sent (actual − scheduled). */
  sendLagMs: Percentiles
  /** Receipts by hop count. */
  hops: Record<string, number>
  maxInFlight: number
  /** Event polls and samples that failed during the run (retried by the next one). */
  backgroundErrors: number
  perMinute: MinuteReport[]
  perNode: NodeReport[]
  /** A few keys of lost or duplicated sends, for debugging. */
  examples: string[]
}

interface SendRecord {
  readonly origin: number
  readonly destination: number
  readonly scheduledAt: number
  outcome: 'pending' | 'receipt' | 'error'
}

interface Sample {
  rssBytes: number
  heapUsedBytes: number
  eventLoopP99Ms: number
  eventLoopMaxMs: number
  meshQueueBytes: number
}

interface NodeWatch {
  since: number
  eventsRead: number
  eventsMissed: number
  drops: Map<string, number>
  samples: Sample[]
}

/** Nearest-rank percentiles of `values` (ms). */
export function percentiles (values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort()
  const at = (p: number): number => sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1] ?? Number.NaN }
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

async function rssOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  return match === null ? Number.NaN : Number(match[1]) * 1024
}

/** One `/metrics` scrape, reduced to what the report needs. */
async function sampleNode (node: LoadNode): Promise<Sample> {
  const [rssBytes, answer] = await Promise.all([rssOf(node.pid), node.http('GET', '/metrics')])
  const families = parsePrometheusText(answer.text)
  const value = (name: string, labels: Record<string, string> = {}): number => {
    const sample = families.find((family) => family.name === name)?.samples
      .find((candidate) => Object.entries(labels).every(([key, wanted]) => candidate.labels[key] === wanted))
    return sample?.value ?? Number.NaN
  }
  const delayMs = (seconds: number): number => Math.max(0, seconds * 1000 - EVENT_LOOP_SAMPLING_MS)
  return {
    rssBytes,
    heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    eventLoopP99Ms: delayMs(value('nodejs_eventloop_lag_p99_seconds')),
    eventLoopMaxMs: delayMs(value('nodejs_eventloop_lag_max_seconds')),
    meshQueueBytes: value('web4_transport_queue_bytes', { channel: 'mesh' })
  }
}

/** The topic that names one send. */
function topicOf (runId: string, origin: number, destination: number, seq: number): string {
  return `load ${runId} ${origin}>${destination} #${seq}`
}

/**
 * Drives `mesh` for `options.durationMs`, waits for every send to settle, reads every
 * node's remaining events and returns what it found.
 */
export async function runLoad (mesh: LoadMesh, options: LoadOptions): Promise<LoadReport> {
  const { nodes } = mesh
  const ratePerNode = options.ratePerNode ?? 40
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 10_000
  const sampleIntervalMs = options.sampleIntervalMs ?? 5000
  const pollIntervalMs = options.eventPollIntervalMs ?? 1000
  const random = seededRandom(options.seed ?? 7)
  const runId = Math.random().toString(36).slice(2, 8)
  const periodMs = 1000 / (ratePerNode * nodes.length)
  const total = Math.floor((options.durationMs / 1000) * ratePerNode * nodes.length)

  const records = new Map<string, SendRecord>()
  const errors = new Map<string, number>()
  const untyped = new Map<string, number>()
  const latencies: number[] = []
  const nodeRtts: number[] = []
  const lags: number[] = []
  const hops = new Map<string, number>()
  const perMinute = new Map<number, { sent: number, acknowledged: number, errors: number, latencies: number[] }>()
  /** Deliveries of this run's topics, per node that reported them. */
  const seenAt = new Map<string, number[]>()
  const watches: NodeWatch[] = []
  let inFlight = 0
  let maxInFlight = 0
  const bump = (map: Map<string, number>, key: string): void => { map.set(key, (map.get(key) ?? 0) + 1) }

  for (const node of nodes) {
    const newest = JSON.parse((await node.http('GET', '/v1/events?tail=1')).text) as EventJson[]
    watches.push({ since: newest.at(-1)?.seq ?? 0, eventsRead: 0, eventsMissed: 0, drops: new Map(), samples: [] })
  }

  /** Reads every event of `node` after its cursor, page by page. */
  const pollEvents = async (node: LoadNode): Promise<void> => {
    const watch = watches[node.index]!
    for (;;) {
      const page = JSON.parse((await node.http('GET', `/v1/events?since=${watch.since}&limit=${EVENTS_PAGE}`)).text) as EventJson[]
      const first = page[0]
      if (first !== undefined && first.seq > watch.since + 1) watch.eventsMissed += first.seq - watch.since - 1
      for (const event of page) {
        watch.since = event.seq
        watch.eventsRead++
        if (event.event_type === 'intent_accepted' || event.event_type === 'intent_deferred') {
          const topic = event.payload.topic
          if (typeof topic === 'string' && records.has(topic)) seenAt.set(topic, [...(seenAt.get(topic) ?? []), node.index])
        } else if (event.event_type === 'mesh_dropped') {
          bump(watch.drops, String(event.payload.reason))
        }
      }
      if (page.length < EVENTS_PAGE) return
    }
  }

  const sampleAll = async (): Promise<void> => {
    await Promise.all(nodes.map(async (node) => {
      watches[node.index]!.samples.push(await sampleNode(node))
    }))
  }

  const state = { isRunning: true, backgroundErrors: 0 }
  const background = async (every: number, task: () => Promise<void>): Promise<void> => {
    for (;;) {
      await sleep(every)
      if (!state.isRunning) return
      // A failed poll keeps its cursor (the next one reads on from there); a failed sample is skipped.
      await task().catch(() => { state.backgroundErrors++ })
    }
  }
  const poller = background(pollIntervalMs, async () => { await Promise.all(nodes.map(pollEvents)) })
  await sampleAll()
  const sampler = background(sampleIntervalMs, sampleAll)

  const send = async (seq: number, scheduledAt: number, minute: number): Promise<void> => {
    const origin = seq % nodes.length
    let destination = Math.floor(random() * (nodes.length - 1))
    if (destination >= origin) destination++
    const topic = topicOf(runId, origin, destination, seq)
    const record: SendRecord = { origin, destination, scheduledAt, outcome: 'pending' }
    records.set(topic, record)
    const bucket = perMinute.get(minute) ?? { sent: 0, acknowledged: 0, errors: 0, latencies: [] }
    perMinute.set(minute, bucket)
    bucket.sent++
    lags.push(performance.now() - scheduledAt)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const target = nodes[destination]!
    const body = { to: target.fingerprint, type: 'INTENT', payload: { goal: 'ask', topic, priority: 'normal', context: 'load' }, timeout_ms: receiptTimeoutMs }
    try {
      const answer = await nodes[origin]!.http('POST', '/v1/messages', body, receiptTimeoutMs + 5000)
      const json = parseJsonObject(answer.text)
      if (answer.status === 200 && json !== undefined && Array.isArray(json.hops)) {
        const latency = performance.now() - scheduledAt
        record.outcome = 'receipt'
        latencies.push(latency)
        bucket.latencies.push(latency)
        bucket.acknowledged++
        if (typeof json.rtt_ms === 'number') nodeRtts.push(json.rtt_ms)
        bump(hops, String(json.hops.length))
      } else {
        record.outcome = 'error'
        bucket.errors++
        if (json !== undefined && typeof json.error === 'string' && json.error !== 'InternalError') bump(errors, `${json.error}/${typeof json.reason === 'string' ? json.reason : '-'}`)
        else bump(untyped, `http ${answer.status}: ${answer.text.slice(0, 80)}`)
      }
    } catch (err) {
      record.outcome = 'error'
      bucket.errors++
      bump(untyped, `network: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    } finally {
      inFlight--
    }
  }

  const sends: Array<Promise<void>> = []
  const startedAt = performance.now()
  let nextMinuteReport = 1
  const reportMinutes = (upTo: number): void => {
    while (nextMinuteReport <= upTo) {
      const bucket = perMinute.get(nextMinuteReport - 1)
      if (bucket !== undefined) options.onMinute?.({ minute: nextMinuteReport, sent: bucket.sent, acknowledged: bucket.acknowledged, errors: bucket.errors, latencyMs: percentiles(bucket.latencies) })
      nextMinuteReport++
    }
  }
  for (let seq = 0; seq < total; seq++) {
    const scheduledAt = startedAt + seq * periodMs
    const wait = scheduledAt - performance.now()
    if (wait >= 1) await sleep(wait)
    const minute = Math.floor((scheduledAt - startedAt) / 60_000)
    // A minute is reported once the sends scheduled in it have had their receipt timeout.
    reportMinutes(Math.floor((scheduledAt - startedAt - receiptTimeoutMs - 5000) / 60_000))
    sends.push(send(seq, scheduledAt, minute))
  }
  const sendSpanMs = performance.now() - startedAt
  await Promise.all(sends)
  // Every minute of the schedule (bounded: reportMinutes walks one minute at a time).
  reportMinutes(Math.ceil(options.durationMs / 60_000))
  await sleep(1000)
  state.isRunning = false
  await Promise.all([poller, sampler])
  await Promise.all(nodes.map(pollEvents))
  await sampleAll()
  mesh.dropIdleSockets()

  let lost = 0
  let duplicates = 0
  let misdelivered = 0
  let deliveredWithoutReceipt = 0
  const examples: string[] = []
  const deliveredTo = new Map<number, number>()
  for (const [topic, record] of records) {
    const at = seenAt.get(topic) ?? []
    const atDestination = at.filter((index) => index === record.destination).length
    deliveredTo.set(record.destination, (deliveredTo.get(record.destination) ?? 0) + atDestination)
    misdelivered += at.length - atDestination
    if (atDestination > 1) {
      duplicates += atDestination - 1
      if (examples.length < 10) examples.push(`duplicate ×${atDestination}: ${topic}`)
    }
    if (record.outcome === 'receipt' && atDestination === 0) {
      lost++
      if (examples.length < 10) examples.push(`lost: ${topic}`)
    }
    if (record.outcome === 'error' && atDestination > 0) deliveredWithoutReceipt++
  }

  return {
    nodes: nodes.length,
    topology: mesh.topology,
    ratePerNode,
    durationMs: options.durationMs,
    sendSpanMs,
    sent: records.size,
    acknowledged: latencies.length,
    errors: Object.fromEntries(errors),
    untyped: Object.fromEntries(untyped),
    lost,
    duplicates,
    misdelivered,
    deliveredWithoutReceipt,
    latencyMs: percentiles(latencies),
    nodeRttMs: percentiles(nodeRtts),
    sendLagMs: percentiles(lags),
    hops: Object.fromEntries([...hops].sort()),
    maxInFlight,
    backgroundErrors: state.backgroundErrors,
    perMinute: [...perMinute].sort(([a], [b]) => a - b).map(([minute, bucket]) => ({
      minute: minute + 1, sent: bucket.sent, acknowledged: bucket.acknowledged, errors: bucket.errors, latencyMs: percentiles(bucket.latencies)
    })),
    perNode: nodes.map((node) => nodeReport(node, watches[node.index]!, [...records.values()].filter((record) => record.origin === node.index).length, deliveredTo.get(node.index) ?? 0, sampleIntervalMs)),
    examples
  }
}

function nodeReport (node: LoadNode, watch: NodeWatch, originated: number, delivered: number, sampleIntervalMs: number): NodeReport {
  const mib = (bytes: number): number => bytes / 1_048_576
  const { samples } = watch
  const first = samples[0]
  const last = samples.at(-1)
  // The first sample's event-loop figures cover the time before the load (since the setup scrape).
  const loaded = samples.slice(1)
  const p99s = percentiles(loaded.map((sample) => sample.eventLoopP99Ms))
  return {
    agentId: node.agentId,
    rssMiB: { start: mib(first?.rssBytes ?? Number.NaN), end: mib(last?.rssBytes ?? Number.NaN), max: mib(Math.max(...samples.map((sample) => sample.rssBytes))) },
    heapUsedMiB: { start: mib(first?.heapUsedBytes ?? Number.NaN), end: mib(last?.heapUsedBytes ?? Number.NaN) },
    eventLoopDelayP99Ms: { median: p99s.p50, max: p99s.max },
    eventLoopDelayMaxMs: Math.max(...loaded.map((sample) => sample.eventLoopMaxMs)),
    maxMeshQueueBytes: Math.max(...samples.map((sample) => sample.meshQueueBytes)),
    originated,
    delivered,
    drops: Object.fromEntries(watch.drops),
    eventsRead: watch.eventsRead,
    eventsMissed: watch.eventsMissed,
    // Samples are taken every sampleIntervalMs from the start, so every `stride`-th one is a minute apart.
    memoryByMinute: samples.filter((_, index) => index % Math.max(1, Math.round(60_000 / sampleIntervalMs)) === 0)
      .map((sample) => ({ rssMiB: mib(sample.rssBytes), heapUsedMiB: mib(sample.heapUsedBytes) }))
  }
}

function parseJsonObject (text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** Problems that fail a run: loss, duplicates, misdelivery, untyped errors, unread events. Timing never does. */
export function verdictOf (report: LoadReport): string[] {
  const problems: string[] = []
  if (report.lost > 0) problems.push(`${report.lost} acknowledged sends were never delivered`)
  if (report.duplicates > 0) problems.push(`${report.duplicates} duplicate deliveries`)
  if (report.misdelivered > 0) problems.push(`${report.misdelivered} deliveries at the wrong node`)
  const untyped = Object.values(report.untyped).reduce((sum, count) => sum + count, 0)
  if (untyped > 0) problems.push(`${untyped} untyped failures: ${JSON.stringify(report.untyped)}`)
  const missed = report.perNode.reduce((sum, node) => sum + node.eventsMissed, 0)
  if (missed > 0) problems.push(`${missed} events evicted before they were read (delivery not verified)`)
  return problems
}

const fixed = (value: number, digits = 1): string => Number.isFinite(value) ? value.toFixed(digits) : '-'
const ms = (value: Percentiles): string => `p50 ${fixed(value.p50)} / p95 ${fixed(value.p95)} / p99 ${fixed(value.p99)} / max ${fixed(value.max)} ms`

/** The report as text, for people. */
export function formatReport (report: LoadReport): string {
  const errorCount = Object.values(report.errors).reduce((sum, count) => sum + count, 0)
  const lines = [
    `load: ${report.nodes} node processes (${report.topology}), ${report.ratePerNode} envelopes/s each (${report.ratePerNode * report.nodes}/s), ${fixed(report.durationMs / 1000, 0)} s scheduled, sent over ${fixed(report.sendSpanMs / 1000, 2)} s`,
    `sent ${report.sent}, acknowledged ${report.acknowledged}, typed errors ${errorCount}${errorCount > 0 ? ` ${JSON.stringify(report.errors)}` : ''}, untyped ${Object.values(report.untyped).reduce((sum, count) => sum + count, 0)}`,
    `lost ${report.lost}, duplicates ${report.duplicates}, misdelivered ${report.misdelivered}, delivered without receipt ${report.deliveredWithoutReceipt}`,
    `latency (scheduled → receipt at the driver): ${ms(report.latencyMs)}`,
    `node rtt_ms (node send → receipt):           ${ms(report.nodeRttMs)}`,
    `driver send lag: p99 ${fixed(report.sendLagMs.p99)} / max ${fixed(report.sendLagMs.max)} ms; most in flight ${report.maxInFlight}; failed polls ${report.backgroundErrors}; receipts by hops ${JSON.stringify(report.hops)}`
  ]
  if (report.perMinute.length > 1) {
    lines.push('per minute:')
    for (const minute of report.perMinute) lines.push(`  min ${String(minute.minute).padStart(2)}: sent ${minute.sent}, ack ${minute.acknowledged}, errors ${minute.errors}, ${ms(minute.latencyMs)}`)
  }
  lines.push('per node: RSS start → end (max) MiB | heap used start → end MiB | event-loop delay p99 median / worst interval, max ms | mesh queue max B | originated / delivered | drops | events read / missed')
  for (const node of report.perNode) {
    lines.push(`  ${node.agentId}: ${fixed(node.rssMiB.start)} → ${fixed(node.rssMiB.end)} (${fixed(node.rssMiB.max)}) | ${fixed(node.heapUsedMiB.start)} → ${fixed(node.heapUsedMiB.end)} | ${fixed(node.eventLoopDelayP99Ms.median)} / ${fixed(node.eventLoopDelayP99Ms.max)}, ${fixed(node.eventLoopDelayMaxMs)} | ${node.maxMeshQueueBytes} | ${node.originated} / ${node.delivered} | ${JSON.stringify(node.drops)} | ${node.eventsRead} / ${node.eventsMissed}`)
  }
  if (report.perMinute.length > 1) {
    lines.push('memory by minute, RSS / heap used MiB:')
    for (const node of report.perNode) lines.push(`  ${node.agentId}: ${node.memoryByMinute.map((point) => `${fixed(point.rssMiB, 0)}/${fixed(point.heapUsedMiB, 0)}`).join(' ')}`)
  }
  for (const example of report.examples) lines.push(`  ${example}`)
  return lines.join('\n')
}
