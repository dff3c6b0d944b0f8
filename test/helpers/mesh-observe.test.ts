import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleValue } from './mesh-observe.ts'

const TEXT = [
  '# HELP web4_bad_input_total Inputs refused',
  '# TYPE web4_bad_input_total counter',
  'web4_bad_input_total{channel="control",error="timestamp"} 3',
  'web4_bad_input_total{channel="mesh",error="timestamp"} 1',
  '# TYPE web4_transport_queue_bytes gauge',
  'web4_transport_queue_bytes{channel="mesh"} 4096',
  ''
].join('\n')

describe('sampleValue()', () => {
  it('sampleValue() finds the sample whose labels include the asked ones, and answers 0 for an absent one', () => {
    assert.equal(sampleValue(TEXT, 'web4_bad_input_total', { channel: 'control', error: 'timestamp' }), 3)
    assert.equal(sampleValue(TEXT, 'web4_bad_input_total', { channel: 'mesh' }), 1)
    assert.equal(sampleValue(TEXT, 'web4_transport_queue_bytes', { channel: 'mesh' }), 4096)
    assert.equal(sampleValue(TEXT, 'web4_bad_input_total', { error: 'replay' }), 0)
    assert.equal(sampleValue(TEXT, 'web4_nothing_total'), 0)
  })
})
