// createPrometheusMetrics(): every counter of the port with HELP and TYPE, gauges computed
// on each scrape from the node's state, closed label sets, no fingerprint as a label,
// `web4_claims` only once the node has claims.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePrometheusText } from '../../test/helpers/prometheus-text.ts'
import type { PrometheusFamily } from '../../test/helpers/prometheus-text.ts'
import { COUNTERS, createCountingMetrics } from '../observability/metrics.ts'
import type { TrustState } from '../protocol/trust/index.ts'
import type { ChannelName } from '../transport/channels.ts'
import type { RttSummary } from '../transport/rtt-summary.ts'
import { createPrometheusMetrics } from './prometheus-metrics.ts'
import type { PrometheusSource } from './prometheus-metrics.ts'

function rtt (p50Ms: number, p95Ms: number, smoothedMs: number): RttSummary {
  return { p50Ms, p95Ms, smoothedMs, minMs: p50Ms, lastMs: p50Ms, samples: 10 }
}

interface FakeState {
  peers: Array<{ trust: TrustState, liveRtt: RttSummary | null }>
  queued: Partial<Record<ChannelName, number>>
  lastSeq: number
}

function fakeSource (state: FakeState, claims?: () => Array<{ status: string }>): PrometheusSource & { metrics: ReturnType<typeof createCountingMetrics> } {
  return {
    metrics: createCountingMetrics(),
    events: { get lastSeq () { return state.lastSeq } },
    peers: () => state.peers,
    queuedBytes: (channel) => state.queued[channel] ?? 0,
    ...(claims === undefined ? {} : { claims })
  }
}

async function scrape (source: PrometheusSource, defaultMetrics = false): Promise<Map<string, PrometheusFamily>> {
  const families = parsePrometheusText(await createPrometheusMetrics(source, { defaultMetrics }).render())
  return new Map(families.map((family) => [family.name, family]))
}

function values (family: PrometheusFamily | undefined): Array<[Record<string, string>, number]> {
  return (family?.samples ?? []).map((sample) => [sample.labels, sample.value])
}

describe('createPrometheusMetrics()', () => {
  it('render() exports every counter of the port with HELP and TYPE counter, copying each series', async () => {
    const source = fakeSource({ peers: [], queued: {}, lastSeq: 0 })
    source.metrics.increment('web4_mesh_dropped_total', { reason: 'max_hops' }, 2)
    source.metrics.increment('web4_mesh_dropped_total', { reason: 'loop' })
    source.metrics.increment('web4_transport_reconnects_total')
    const families = await scrape(source)
    for (const name of Object.keys(COUNTERS)) {
      const family = families.get(name)
      assert.equal(family?.type, 'counter', name)
      assert.ok(family.help !== undefined && family.help.length > 10, name)
    }
    assert.deepEqual(values(families.get('web4_mesh_dropped_total')), [[{ reason: 'max_hops' }, 2], [{ reason: 'loop' }, 1]])
    assert.deepEqual(values(families.get('web4_transport_reconnects_total')), [[{}, 1]])
    assert.deepEqual(values(families.get('web4_heartbeat_timeouts_total')), [[{}, 0]], 'an unlabelled counter shows 0 before its first increment')
  })

  it('render() follows the counting port from one scrape to the next', async () => {
    const source = fakeSource({ peers: [], queued: {}, lastSeq: 0 })
    const prometheus = createPrometheusMetrics(source, { defaultMetrics: false })
    source.metrics.increment('web4_handshakes_total', { result: 'ok' })
    assert.match(await prometheus.render(), /^web4_handshakes_total\{result="ok"\} 1$/m)
    source.metrics.increment('web4_handshakes_total', { result: 'ok' }, 4)
    assert.match(await prometheus.render(), /^web4_handshakes_total\{result="ok"\} 5$/m)
  })

  it('render() keeps only the declared labels of a series', async () => {
    const source = fakeSource({ peers: [], queued: {}, lastSeq: 0 })
    source.metrics.increment('web4_mesh_dropped_total', { reason: 'loop', fingerprint: 'ab'.repeat(32) })
    assert.deepEqual(values((await scrape(source)).get('web4_mesh_dropped_total')), [[{ reason: 'loop' }, 1]])
  })

  it('render() computes web4_peers per trust state on scrape, every state present', async () => {
    const state: FakeState = { peers: [{ trust: 'probing', liveRtt: null }, { trust: 'probing', liveRtt: null }, { trust: 'trusted', liveRtt: null }], queued: {}, lastSeq: 0 }
    const source = fakeSource(state)
    const prometheus = createPrometheusMetrics(source, { defaultMetrics: false })
    const peersOf = async (): Promise<Array<[Record<string, string>, number]>> => values(new Map(parsePrometheusText(await prometheus.render()).map((family) => [family.name, family])).get('web4_peers'))
    assert.deepEqual(await peersOf(), [[{ trust: 'unknown' }, 0], [{ trust: 'untrusted' }, 0], [{ trust: 'probing' }, 2], [{ trust: 'trusted' }, 1], [{ trust: 'blacklisted' }, 0]])
    state.peers = [{ trust: 'blacklisted', liveRtt: null }]
    assert.deepEqual((await peersOf()).filter(([, value]) => value > 0), [[{ trust: 'blacklisted' }, 1]])
  })

  it('render() reports the worst live link\'s RTT per quantile, and no sample without a live link', async () => {
    const state: FakeState = { peers: [{ trust: 'probing', liveRtt: rtt(1, 9, 2) }, { trust: 'probing', liveRtt: rtt(3, 4, 5) }, { trust: 'probing', liveRtt: null }], queued: {}, lastSeq: 0 }
    const families = await scrape(fakeSource(state))
    assert.equal(families.get('web4_link_rtt_ms')?.type, 'gauge')
    assert.deepEqual(values(families.get('web4_link_rtt_ms')), [[{ quantile: 'p50' }, 3], [{ quantile: 'p95' }, 9], [{ quantile: 'smoothed' }, 5]])
    state.peers = []
    assert.deepEqual(values((await scrape(fakeSource(state))).get('web4_link_rtt_ms')), [])
  })

  it('render() reports queued bytes per channel and the events emitted', async () => {
    const families = await scrape(fakeSource({ peers: [], queued: { state: 512, mesh: 3 }, lastSeq: 42 }))
    assert.deepEqual(values(families.get('web4_transport_queue_bytes')), [[{ channel: 'control' }, 0], [{ channel: 'state' }, 512], [{ channel: 'knowledge' }, 0], [{ channel: 'mesh' }, 3]])
    assert.deepEqual([families.get('web4_events_total')?.type, values(families.get('web4_events_total'))], ['counter', [[{}, 42]]])
  })

  it('render() exports web4_claims per status only when the node has claims()', async () => {
    assert.equal((await scrape(fakeSource({ peers: [], queued: {}, lastSeq: 0 }))).has('web4_claims'), false)
    const claims = [{ status: 'pending' }, { status: 'pending' }, { status: 'accepted' }, { status: 'bogus' }]
    const families = await scrape(fakeSource({ peers: [], queued: {}, lastSeq: 0 }, () => claims))
    assert.deepEqual(values(families.get('web4_claims')), [[{ status: 'pending' }, 2], [{ status: 'disputed' }, 0], [{ status: 'accepted' }, 1], [{ status: 'rejected' }, 0]])
  })

  it('render() adds the default process metrics; every family has HELP and TYPE, a known prefix and no fingerprint label', async () => {
    const source = fakeSource({ peers: [{ trust: 'probing', liveRtt: rtt(1, 2, 1) }], queued: {}, lastSeq: 1 })
    source.metrics.increment('web4_bad_input_total', { channel: 'mesh', error: 'replay' })
    const prometheus = createPrometheusMetrics(source)
    assert.equal(prometheus.contentType, 'text/plain; version=0.0.4; charset=utf-8')
    const families = parsePrometheusText(await prometheus.render())
    assert.ok(families.some((family) => family.name === 'process_cpu_seconds_total'))
    assert.ok(families.some((family) => family.name.startsWith('nodejs_')))
    for (const family of families) {
      assert.match(family.name, /^web4_|^process_|^nodejs_/)
      assert.ok(family.help !== undefined && family.type !== undefined, family.name)
      for (const sample of family.samples) {
        for (const value of Object.values(sample.labels)) assert.doesNotMatch(value, /^[0-9a-f]{64}$/, `${sample.name} has a fingerprint label`)
      }
    }
  })
})
