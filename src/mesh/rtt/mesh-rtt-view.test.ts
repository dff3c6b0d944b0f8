import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RttSummary } from '../../transport/rtt-summary.ts'
import { meshRttView } from './mesh-rtt-view.ts'
import { PathRttTable } from './path-rtt-table.ts'

const B = 'b'.repeat(64)
const C = 'c'.repeat(64)
const LINK_B: RttSummary = { smoothedMs: 2, minMs: 1, p50Ms: 2, p95Ms: 3, lastMs: 2, samples: 9 }

describe('meshRttView()', () => {
  it('puts the link RTT (neighbours only), the advertised path cost and the measured round trip side by side', () => {
    const measured = new PathRttTable()
    measured.record(C, 7, 2, 1_000)
    const view = meshRttView({
      routes: [
        { destination: B, nextHop: B, cost: 2.5, path: [B] },
        { destination: C, nextHop: B, cost: 6, path: [B, C] }
      ],
      linkRtt: (fingerprint) => (fingerprint === B ? LINK_B : undefined),
      pathRtt: (fingerprint) => measured.get(fingerprint)
    })
    assert.deepEqual(view.map((entry) => [entry.destination, entry.hops, entry.nextHop, entry.link, entry.advertisedMs, entry.measured?.rtt.lastMs]), [
      [B, 1, B, LINK_B, 2.5, undefined],
      [C, 2, B, undefined, 6, 7]
    ])
  })

  it('is empty without routes', () => {
    assert.deepEqual(meshRttView({ routes: [], linkRtt: () => LINK_B, pathRtt: () => undefined }), [])
  })
})
