import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  CHANNELS, channelOfProtocol, decodeHeartbeat, encodePing, encodePong, FRAME_JSON, FRAME_PING, FRAME_PONG, protocolOf
} from './channels.ts'

const SEED = 20261126

describe('protocolOf() and channelOfProtocol()', () => {
  it('name the four channels as /web4/<channel>/1.0.0 libp2p protocols', () => {
    assert.deepEqual(CHANNELS, ['control', 'state', 'knowledge', 'mesh'])
    assert.deepEqual(CHANNELS.map((channel) => protocolOf(channel)), [
      '/web4/control/1.0.0', '/web4/state/1.0.0', '/web4/knowledge/1.0.0', '/web4/mesh/1.0.0'
    ])
    for (const channel of CHANNELS) assert.equal(channelOfProtocol(protocolOf(channel)), channel)
  })

  it('return undefined for any other protocol id', () => {
    for (const protocol of ['', '/web4/control/2.0.0', '/web4/Control/1.0.0', '/web4/control/1.0.0/', '/ipfs/ping/1.0.0', 'constructor', '__proto__', '/web4/toString/1.0.0']) {
      assert.equal(channelOfProtocol(protocol), undefined, protocol)
    }
  })
})

describe('encodePing() / encodePong() / decodeHeartbeat()', () => {
  it('write the kind byte and the seq as uint32 big-endian', () => {
    assert.deepEqual([...encodePing(1)], [FRAME_PING, 0, 0, 0, 1])
    assert.deepEqual([...encodePong(0x0102_0304)], [FRAME_PONG, 1, 2, 3, 4])
    assert.deepEqual([...encodePing(0xffff_ffff)], [0x01, 0xff, 0xff, 0xff, 0xff])
    assert.equal(FRAME_JSON, '{'.charCodeAt(0))
  })

  it('round-trip every uint32 seq (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (seq) => {
      assert.deepEqual(decodeHeartbeat(encodePing(seq)), { kind: 'ping', seq })
      assert.deepEqual(decodeHeartbeat(encodePong(seq)), { kind: 'pong', seq })
    }), { seed: SEED, numRuns: 500 })
  })

  it('decode a heartbeat that sits inside a larger buffer', () => {
    const buffer = Uint8Array.of(9, 9, 9, FRAME_PONG, 0, 0, 1, 0, 9)
    assert.deepEqual(decodeHeartbeat(buffer.subarray(3, 8)), { kind: 'pong', seq: 256 })
  })

  it('refuse a seq that is not a uint32 with a RangeError', () => {
    for (const seq of [-1, 1.5, 2 ** 32, Number.NaN]) {
      assert.throws(() => encodePing(seq), (err: Error) => err instanceof RangeError && err.message.includes('seq'))
      assert.throws(() => encodePong(seq), RangeError)
    }
  })

  it('return undefined for JSON envelopes, unknown kinds and wrong lengths', () => {
    const others = [
      new Uint8Array(0), Uint8Array.of(FRAME_PING), Uint8Array.of(FRAME_PING, 0, 0, 1), Uint8Array.of(FRAME_PONG, 0, 0, 0, 1, 0),
      Uint8Array.of(0x03, 0, 0, 0, 1), Uint8Array.of(0x00, 0, 0, 0, 1), new TextEncoder().encode('{"a":1}'), new TextEncoder().encode('{}abc')
    ]
    for (const bytes of others) assert.equal(decodeHeartbeat(bytes), undefined, `[${bytes.join(',')}]`)
  })

  it('decode any bytes without throwing: a heartbeat exactly when the shape fits (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), (bytes) => {
      const heartbeat = decodeHeartbeat(bytes)
      const isHeartbeat = bytes.length === 5 && (bytes[0] === FRAME_PING || bytes[0] === FRAME_PONG)
      assert.equal(heartbeat !== undefined, isHeartbeat)
      if (heartbeat !== undefined) assert.deepEqual(heartbeat.kind === 'ping' ? encodePing(heartbeat.seq) : encodePong(heartbeat.seq), bytes)
    }), { seed: SEED, numRuns: 1000 })
  })
})
