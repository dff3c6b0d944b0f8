/**
 * Resource suite (issue #7 item 4): a flood of unique msg_ids, then of records from unknown
 * keys, into a `web4mesh start` process. A tapped node in this process links to it and
 * writes signed mesh carriers at about the relay's per-link rate: first INTENTs of its own,
 * every one with a new msg_id (the replay and de-duplication caches take each); then
 * carriers authored and signed by a fresh key each (keys the process has never seen: one
 * new sender per record). Asserts that the process's RSS stays within a generous bound and
 * that it still serves a real send afterwards. Growth per thousand records, the V8 heap and
 * the typed drop reasons the process counted are reported. In CI time the caches stay below
 * their caps (65,536 carrier ids; 524,288 replay entries), so this shows the cost per record
 * and the bound, not the plateau; the caps themselves are unit-tested beside the code.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { buildBodyEnvelope } from '../../src/mesh/envelope.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { createDataDir, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { parsePrometheusText } from '../helpers/prometheus-text.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** Records per phase (`FLOOD_RECORDS` for a longer look at the curve). */
const RECORDS = Number(process.env.FLOOD_RECORDS ?? 10_000)
/** Records written per tick, and the tick: about 800/s, under the relay's per-link rate (1,000/s), so they are processed rather than refused. */
const BATCH = 80
const TICK_MS = 100
/**
 * RSS growth allowed over both phases (20,000 records): generous — about twice what a loaded
 * 2-core machine showed (≈ 160 MiB, most of it the first thousands: warm-up, the 10,000-event
 * log filling, SQLite caches) — so it catches a runaway, not a regression of a few MiB.
 */
const MAX_RSS_GROWTH_BYTES = 384 * 1024 * 1024
const INTENT = { goal: 'ask', topic: 'flood', priority: 'normal', context: 'resource' } as const

let root = ''
let target: NodeProcess | undefined
let tapped: TappedNode | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-flood-'))
  target = await startNodeProcess({ dataDir: await createDataDir(root, 'flood'), port: await freePort() })
  tapped = await startTappedNode('flood-sender')
  const fingerprint = tapped.node.identity.fingerprint
  tapped.node.connect(target.address)
  const node = target
  await waitFor(async () => (await peersOf(node)).some((peer) => peer.fingerprint === fingerprint && peer.link.is_handshaken), { timeoutMs: 30_000, intervalMs: 250, what: 'the flood sender to link' })
})
after(async () => {
  await Promise.race([tapped?.node.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

interface Footprint {
  rssBytes: number
  heapUsedBytes: number
  /** Every `web4_mesh_dropped_total` and `web4_bad_input_total` sample, by a readable key. */
  drops: Map<string, number>
}

async function footprintOf (node: NodeProcess): Promise<Footprint> {
  const status = await readFile(`/proc/${node.info.pid}/status`, 'utf8')
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN)
  const families = parsePrometheusText(await node.metricsText())
  const drops = new Map<string, number>()
  for (const family of families) {
    if (family.name !== 'web4_mesh_dropped_total' && family.name !== 'web4_bad_input_total') continue
    for (const sample of family.samples) drops.set(`${family.name}${JSON.stringify(sample.labels)}`, sample.value)
  }
  const heap = families.find((family) => family.name === 'nodejs_heap_size_used_bytes')?.samples[0]?.value ?? Number.NaN
  return { rssBytes: rssKiB * 1024, heapUsedBytes: heap, drops }
}

/** A signed carrier to `target`, authored by `identity`. */
function carrierOf (identity: KeyPairIdentity, node: NodeProcess): Uint8Array {
  const author = { identity, agentId: 'flood' }
  const receiver = { agent_id: 'flood', fingerprint: node.info.fingerprint }
  const nowMs = Date.now()
  const body = buildBodyEnvelope(author, { type: 'INTENT', payload: INTENT, receiver }, { nowMs })
  return canonicalBytes(sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'INTENT', payload: { body }, receiver }, { nowMs }), identity))
}

/** Writes `RECORDS` carriers made by `make`, paced; resolves when written. */
async function flood (sender: TappedNode, node: NodeProcess, make: () => Uint8Array): Promise<void> {
  for (let written = 0; written < RECORDS; written += BATCH) {
    const tickEnd = performance.now() + TICK_MS
    const frames = Array.from({ length: Math.min(BATCH, RECORDS - written) }, make)
    await Promise.all(frames.map(async (frame) => { await sender.sendRaw(node.info.fingerprint, 'mesh', frame) }))
    const wait = tickEnd - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  // Let the process read the tail of the flood.
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

function report (t: TestContext, phase: string, before: Footprint, after: Footprint): void {
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)
  const drops = [...after.drops].map(([key, value]) => [key, value - (before.drops.get(key) ?? 0)] as const).filter(([, delta]) => delta > 0)
  t.diagnostic(`${phase}: ${RECORDS} records; RSS ${mib(before.rssBytes)} → ${mib(after.rssBytes)} MiB (${((after.rssBytes - before.rssBytes) / 1024 / (RECORDS / 1000)).toFixed(0)} KiB per 1,000), heap used ${mib(before.heapUsedBytes)} → ${mib(after.heapUsedBytes)} MiB; drops ${JSON.stringify(Object.fromEntries(drops))}`)
}

describe('resource: a flood of unique msg_ids and of records from unknown keys', { timeout: 120_000 }, () => {
  it(`${RECORDS} unique msg_ids, then ${RECORDS} records from as many unknown keys: memory stays within its bound and the process still serves`, async (t) => {
    assert.ok(target !== undefined && tapped !== undefined)
    const node = target
    const sender = tapped
    const start = await footprintOf(node)

    await flood(sender, node, () => carrierOf(sender.node.identity, node))
    const afterUnique = await footprintOf(node)
    report(t, 'unique msg_ids from one linked sender', start, afterUnique)

    await flood(sender, node, () => carrierOf(generateKeyPairIdentity(), node))
    const afterUnknown = await footprintOf(node)
    report(t, 'records from unknown keys, one new key each', afterUnique, afterUnknown)

    const growth = afterUnknown.rssBytes - start.rssBytes
    assert.ok(growth <= MAX_RSS_GROWTH_BYTES, `RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB within ${MAX_RSS_GROWTH_BYTES / 2 ** 20} MiB`)
    // The process still serves: its admin API, and a real send from it to the flood sender.
    const answer = await node.request('POST', '/v1/messages', { to: sender.node.identity.fingerprint, type: 'INTENT', payload: INTENT }, { timeoutMs: 15_000 })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
  })
})
