/**
 * Load, CI tier (issue #7 item 5): five `web4mesh start` processes in a line, each
 * originating 40 routed INTENTs a second to random other nodes (200/s in all) for 60 s
 * through its admin API (`test/load/load-driver.ts`). Asserts 0 lost and 0 duplicated
 * among the acknowledged sends, every failure typed, and no event read too late to
 * verify; p50 / p95 / p99 latency, RSS and event-loop delay are reported (test
 * diagnostics and `.tmp/load-report.txt`), never asserted — timing is for benchmarks.
 * `LOAD_DURATION_S` shortens or lengthens the run; `npm run soak` is the long tier.
 *
 * Then a burst far above the rate limits, from a tapped in-process node linked to the
 * first one: raw signed carriers at wire speed (the relay's per-link limit refuses what
 * its bucket does not hold as `rate_limited`, counted as typed bad input), then 3,000 large
 * sends at once from that node's own API, about 30 MiB (its bounded send queue refuses the
 * excess at once with BackpressureError `queue_full`; every other send gets a receipt or a
 * typed error). Queues stay within their bounds throughout, and the mesh still delivers
 * afterwards. `LOAD_DURATION_S=600` (or `npm run soak`, `test/load/soak.ts`) is the soak.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { buildBodyEnvelope } from '../../src/mesh/envelope.ts'
import { MESH_LINK_BURST, MESH_LINK_RATE_PER_SECOND } from '../../src/mesh/router/constants.ts'
import type { MeshNode } from '../../src/node.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import { isWeb4Error } from '../../src/protocol/errors.ts'
import { SEND_QUEUE_MAX_BYTES } from '../../src/transport/constants.ts'
import { stopAllProcesses } from '../helpers/node-process.ts'
import { parsePrometheusText } from '../helpers/prometheus-text.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { formatReport, runLoad, startLoadMesh, verdictOf } from './load-driver.ts'
import type { LoadMesh, LoadNode } from './load-driver.ts'

const DURATION_MS = Number(process.env.LOAD_DURATION_S ?? 60) * 1000
const REPORT_FILE = join(import.meta.dirname, '..', '..', '.tmp', 'load-report.txt')
/** Raw carriers the tapped node fires at once: several times the relay's per-link burst. */
const RAW_BURST = 4 * MESH_LINK_BURST
/** Sends started at once through the tapped node's own API: with their context, about 30 MiB, above the stream window (≤ 16 MiB) and the send queue (4 MiB) together. */
const API_BURST = 3000
const API_BURST_CONTEXT_CHARS = 10_000
const INTENT = { goal: 'ask', topic: 'load burst', priority: 'normal', context: 'burst' } as const

let mesh: LoadMesh | undefined
let tapped: TappedNode | undefined

before(async () => {
  mesh = await startLoadMesh({ nodes: 5, topology: 'line' })
})
after(async () => {
  // Bounded, so a stop that hangs cannot hold the file past its budget.
  await Promise.race([tapped?.node.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
  await mesh?.stop()
  await stopAllProcesses()
})

function meshOf (): LoadMesh {
  if (mesh === undefined) throw new Error('mesh not started')
  return mesh
}

/** One counter or gauge of a node's `/metrics` (0 when it has no such sample). */
async function metricOf (node: LoadNode, name: string, labels: Record<string, string>): Promise<number> {
  const families = parsePrometheusText((await node.http('GET', '/metrics')).text)
  const sample = families.find((family) => family.name === name)?.samples
    .find((candidate) => Object.entries(labels).every(([key, value]) => candidate.labels[key] === value))
  return sample?.value ?? 0
}

// Slack past the load itself: start-up and convergence, the settling of the last sends, and the burst.
describe('load: 5 node processes in a line, 200 routed envelopes/s', { timeout: DURATION_MS + 240_000 }, () => {
  it(`${DURATION_MS / 1000} s at 40/s per node: every acknowledged envelope delivered exactly once, every failure typed`, async (t) => {
    const report = await runLoad(meshOf(), { durationMs: DURATION_MS })
    const text = formatReport(report)
    await mkdir(join(REPORT_FILE, '..'), { recursive: true })
    await writeFile(REPORT_FILE, `${new Date().toISOString()}\n${text}\n${JSON.stringify(report)}\n`)
    for (const line of text.split('\n')) t.diagnostic(line)
    assert.deepEqual(verdictOf(report), [], text)
    assert.equal(report.sent, Math.floor(DURATION_MS / 1000) * 200)
    assert.ok(report.acknowledged > 0, text)
    assert.ok(report.perNode.every((node) => node.delivered > 0), 'every node took deliveries')
  })

  it('a burst far above the rate limits gets typed refusals and bounded queues; the mesh still delivers after', async (t) => {
    const { nodes } = meshOf()
    const [first, , , , far] = nodes
    assert.ok(first !== undefined && far !== undefined)
    const node = (tapped = await startTappedNode('load-burst')).node
    node.connect(first.process.address)
    await waitFor(() => node.routes().some((route) => route.destination === far.fingerprint), { timeoutMs: 30_000, what: 'the tapped node to route to the far end' })
    await waitFor(async () => (await first.http('GET', '/v1/routes')).text.includes(node.identity.fingerprint), { timeoutMs: 30_000, what: 'the first node to route to the tapped node' })

    // Queue gauges of every process node and the tapped node's own queue, sampled throughout.
    meshOf().dropIdleSockets()
    const watch = { maxProcessQueue: 0, maxTappedQueue: 0, failedScrapes: 0, isSampling: true }
    const sampler = (async () => {
      while (watch.isSampling) {
        // A failed scrape is skipped, and counted.
        const queues = await Promise.all(nodes.map(async (candidate) => await metricOf(candidate, 'web4_transport_queue_bytes', { channel: 'mesh' }).catch(() => {
          watch.failedScrapes++
          return 0
        })))
        watch.maxProcessQueue = Math.max(watch.maxProcessQueue, ...queues)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const tappedSampler = setInterval(() => { watch.maxTappedQueue = Math.max(watch.maxTappedQueue, node.queuedBytes('mesh')) }, 5)
    try {
      await rawBurst(t, node, first, far)
      await apiBurst(t, node, far)
    } finally {
      watch.isSampling = false
      clearInterval(tappedSampler)
      await sampler
    }
    t.diagnostic(`largest mesh send queue: process nodes ${watch.maxProcessQueue} B, tapped node ${watch.maxTappedQueue} B (bound ${SEND_QUEUE_MAX_BYTES} B per link, 2 links); failed scrapes ${watch.failedScrapes}`)
    assert.ok(watch.maxTappedQueue <= SEND_QUEUE_MAX_BYTES, `tapped node queue within its bound (${watch.maxTappedQueue})`)
    assert.ok(watch.maxProcessQueue <= 2 * SEND_QUEUE_MAX_BYTES, `process node queues within their bounds (${watch.maxProcessQueue})`)

    // 3. Still serving: an envelope end to end through the admin API, and from the tapped node.
    meshOf().dropIdleSockets()
    const answer = await first.http('POST', '/v1/messages', { to: far.fingerprint, type: 'INTENT', payload: INTENT })
    assert.equal(answer.status, 200, answer.text)
    assert.equal((JSON.parse(answer.text) as { hops: string[] }).hops.length, 4)
    const receipt = await node.send(far.fingerprint, 'INTENT', INTENT)
    assert.equal(receipt.hops.length, 5)
  })
})

/**
 * 1. Raw signed carriers at wire speed into the first node's relay intake: what its link
 * bucket does not hold (the burst, plus the refill while the burst is read) is refused
 * as `rate_limited` and counted as a typed bad input.
 */
async function rawBurst (t: TestContext, node: MeshNode, first: LoadNode, far: LoadNode): Promise<void> {
  const rateLimitedBefore = await metricOf(first, 'web4_mesh_dropped_total', { reason: 'rate_limited' })
  const author = { identity: node.identity, agentId: node.agentId }
  const receiver = { agent_id: far.agentId, fingerprint: far.fingerprint }
  const frames = Array.from({ length: RAW_BURST }, () => {
    const nowMs = Date.now()
    const body = buildBodyEnvelope(author, { type: 'INTENT', payload: INTENT, receiver }, { nowMs })
    return canonicalBytes(sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'INTENT', payload: { body }, receiver }, { nowMs }), node.identity))
  })
  const startedAt = performance.now()
  await Promise.all(frames.map(async (frame) => { await tapped?.sendRaw(first.fingerprint, 'mesh', frame) }))
  const sentMs = performance.now() - startedAt
  // Settled: the count no longer moves (the first node has read the whole burst).
  let rateLimited = -1
  await waitFor(async () => {
    const now = await metricOf(first, 'web4_mesh_dropped_total', { reason: 'rate_limited' }) - rateLimitedBefore
    const isSettled = now > 0 && now === rateLimited
    rateLimited = now
    return isSettled
  }, { timeoutMs: 30_000, intervalMs: 500, what: () => `rate_limited drops at the first node to settle (last ${rateLimited}, ${((performance.now() - startedAt) / 1000).toFixed(1)} s after the burst started)` })
  const elapsedS = (performance.now() - startedAt) / 1000
  const refusedAsBackpressure = await metricOf(first, 'web4_bad_input_total', { channel: 'mesh', error: 'backpressure' })
  t.diagnostic(`raw burst: ${RAW_BURST} carriers, ${rateLimited} refused as rate_limited at the first node (written in ${sentMs.toFixed(0)} ms, settled within ${elapsedS.toFixed(1)} s; web4_bad_input_total{error=backpressure} ${refusedAsBackpressure})`)
  // The bucket lets through at most its burst plus its refill over the time the burst took.
  const mostAccepted = MESH_LINK_BURST + MESH_LINK_RATE_PER_SECOND * elapsedS
  assert.ok(RAW_BURST - rateLimited <= mostAccepted, `at most ${mostAccepted.toFixed(0)} accepted, ${RAW_BURST - rateLimited} were`)
  assert.ok(refusedAsBackpressure >= rateLimited, 'each refusal is counted as a typed bad input')
}

/**
 * 2. Thousands of large sends at once through the tapped node's own API, about 30 MiB:
 * more than the stream window (≤ 16 MiB) and the bounded send queue (4 MiB) take, so the
 * rest is refused at once with BackpressureError; every other send gets a receipt or a
 * typed error.
 */
async function apiBurst (t: TestContext, node: MeshNode, far: LoadNode): Promise<void> {
  // Let the first node's bucket refill after the raw burst.
  await new Promise((resolve) => setTimeout(resolve, 2500))
  const outcomes = new Map<string, number>()
  const untyped: unknown[] = []
  const large = { ...INTENT, context: 'x'.repeat(API_BURST_CONTEXT_CHARS) }
  await Promise.all(Array.from({ length: API_BURST }, async () => {
    try {
      await node.send(far.fingerprint, 'INTENT', large, { timeoutMs: 10_000 })
      outcomes.set('receipt', (outcomes.get('receipt') ?? 0) + 1)
    } catch (err) {
      if (!isWeb4Error(err)) untyped.push(err)
      const key = isWeb4Error(err) ? `${err.name}/${err.reason}` : 'untyped'
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
    }
  }))
  t.diagnostic(`API burst: ${API_BURST} sends with a ${API_BURST_CONTEXT_CHARS}-character context at once → ${JSON.stringify(Object.fromEntries(outcomes))}`)
  assert.deepEqual(untyped, [])
  assert.ok((outcomes.get('BackpressureError/queue_full') ?? 0) > 0, 'the bounded send queue refused some sends')
  assert.ok((outcomes.get('receipt') ?? 0) > 0, 'the rest were delivered')
}
