import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { MAX_FRAME_BYTES } from '../constants.ts'
import { encodeFrame, FrameDecoder } from './frame-codec.ts'

const SEED = 20261126

/** A naive reference encoder (the oracle): LEB128 with BigInt, then the body. */
function referenceFrame (body: Uint8Array): Uint8Array {
  const prefix: number[] = []
  let value = BigInt(body.length)
  do {
    const low = Number(value & 0x7fn)
    value >>= 7n
    prefix.push(value === 0n ? low : low | 0x80)
  } while (value !== 0n)
  return concat([Uint8Array.from(prefix), body])
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function bytesOf (length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff)
}

/** Splits `bytes` at the given cut points (any order, any values). */
function chunked (bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point))
    start = point
  }
  return chunks
}

function byteByByte (bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (byte) => Uint8Array.of(byte))
}

function decodeAll (decoder: FrameDecoder, chunks: Uint8Array[]): Uint8Array[] {
  return chunks.flatMap((chunk) => decoder.push(chunk))
}

/** Frames decoded before the first failure, and that failure's `{name, reason}`. */
function decodeUntilFailure (chunks: Uint8Array[], maxFrameBytes: number): { frames: Uint8Array[], failure: ReturnType<typeof failureOf> } {
  const decoder = new FrameDecoder({ maxFrameBytes })
  const frames: Uint8Array[] = []
  for (const chunk of chunks) {
    const failure = failureOf(() => frames.push(...decoder.push(chunk)))
    if (failure !== undefined) return { frames, failure }
  }
  return { frames, failure: undefined }
}

const SAMPLE_BODIES = [0, 1, 0, 127, 128, 300, 0, 5000, 16_384, 2].map((length) => bytesOf(length, length))
const SAMPLE_STREAM = concat(SAMPLE_BODIES.map((body) => encodeFrame(body)))

describe('encodeFrame()', () => {
  it('prefixes the body with its unsigned varint length', () => {
    const prefixes: Array<[number, number[]]> = [
      [0, [0x00]], [1, [0x01]], [127, [0x7f]], [128, [0x80, 0x01]], [300, [0xac, 0x02]],
      [16_383, [0xff, 0x7f]], [16_384, [0x80, 0x80, 0x01]], [MAX_FRAME_BYTES, [0x80, 0x80, 0x40]]
    ]
    for (const [length, prefix] of prefixes) {
      const body = bytesOf(length)
      assert.deepEqual([...encodeFrame(body).subarray(0, prefix.length)], prefix, `prefix of ${length}`)
      assert.deepEqual(encodeFrame(body).subarray(prefix.length), body)
    }
  })

  it('matches the naive reference encoder (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20_000 }), (body) => {
      assert.deepEqual(encodeFrame(body), referenceFrame(body))
    }), { seed: SEED, numRuns: 200 })
  })

  it('accepts a body of exactly the cap and refuses one byte more with reason "frame_too_large"', () => {
    assert.equal(encodeFrame(new Uint8Array(MAX_FRAME_BYTES)).length, MAX_FRAME_BYTES + 3)
    assert.deepEqual(failureOf(() => encodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1))), { name: 'InvalidEnvelopeError', reason: 'frame_too_large' })
    assert.equal(encodeFrame(new Uint8Array(10), 10).length, 11)
    assert.throws(() => encodeFrame(new Uint8Array(11), 10), { name: 'InvalidEnvelopeError', reason: 'frame_too_large', limit: 10 })
  })

  it('rejects a cap that is not an integer in [0, 2^31 − 1] with a RangeError naming the field', () => {
    for (const maxFrameBytes of [-1, 1.5, Number.NaN, 2 ** 31]) {
      assert.throws(() => encodeFrame(new Uint8Array(0), maxFrameBytes), (err: Error) => err instanceof RangeError && err.message.includes('maxFrameBytes'))
      assert.throws(() => new FrameDecoder({ maxFrameBytes }), RangeError)
    }
  })
})

describe('FrameDecoder.push()', () => {
  it('returns every complete frame of one chunk, in order', () => {
    assert.deepEqual(new FrameDecoder().push(SAMPLE_STREAM), SAMPLE_BODIES)
  })

  it('returns the same frames when the stream is fed byte by byte', () => {
    const decoder = new FrameDecoder()
    assert.deepEqual(decodeAll(decoder, byteByByte(SAMPLE_STREAM)), SAMPLE_BODIES)
    assert.equal(decoder.bufferedBytes, 0)
  })

  it('returns the same frames under any re-chunking of any frame sequence (property)', () => {
    const bodies = fc.array(fc.oneof(fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 400 })), { maxLength: 12 })
    fc.assert(fc.property(bodies, fc.array(fc.nat(), { maxLength: 20 }), (frames, cuts) => {
      const stream = concat(frames.map((body) => referenceFrame(body)))
      assert.deepEqual(decodeAll(new FrameDecoder(), chunked(stream, cuts)), frames)
      assert.deepEqual(decodeAll(new FrameDecoder(), byteByByte(stream)), frames)
    }), { seed: SEED, numRuns: 300 })
  })

  it('returns zero-length frames, also when a chunk ends right after their prefix', () => {
    const decoder = new FrameDecoder()
    assert.deepEqual(decoder.push(Uint8Array.of(0x00, 0x00, 0x01)), [new Uint8Array(0), new Uint8Array(0)])
    assert.equal(decoder.bufferedBytes, 1)
    assert.deepEqual(decoder.push(Uint8Array.of(0xaa, 0x00)), [Uint8Array.of(0xaa), new Uint8Array(0)])
    assert.deepEqual(decoder.push(new Uint8Array(0)), [])
  })

  it('keeps a partial prefix and body across pushes and counts them in bufferedBytes', () => {
    const decoder = new FrameDecoder()
    const frame = encodeFrame(bytesOf(300))
    assert.deepEqual(decoder.push(frame.subarray(0, 1)), [])
    assert.equal(decoder.bufferedBytes, 1)
    assert.deepEqual(decoder.push(frame.subarray(1, 100)), [])
    assert.equal(decoder.bufferedBytes, 100)
    assert.deepEqual(decoder.push(frame.subarray(100)), [bytesOf(300)])
    assert.equal(decoder.bufferedBytes, 0)
  })

  it('returns copies that do not alias the chunk they came from', () => {
    const chunk = encodeFrame(bytesOf(8))
    const [body] = new FrameDecoder().push(chunk)
    chunk.fill(0)
    assert.deepEqual(body, bytesOf(8))
  })

  it('accepts a body of exactly the cap, in one chunk or in many, buffering no more than the cap', () => {
    const body = bytesOf(MAX_FRAME_BYTES)
    const stream = encodeFrame(body)
    assert.deepEqual(new FrameDecoder().push(stream), [body])
    const decoder = new FrameDecoder()
    const frames: Uint8Array[] = []
    for (let offset = 0; offset < stream.length; offset += 1000) {
      frames.push(...decoder.push(stream.subarray(offset, offset + 1000)))
      assert.ok(decoder.bufferedBytes <= MAX_FRAME_BYTES)
    }
    assert.deepEqual(frames, [body])
    const small = new FrameDecoder({ maxFrameBytes: 3 })
    assert.deepEqual(decodeAll(small, byteByByte(Uint8Array.of(3, 1, 2, 3))), [Uint8Array.of(1, 2, 3)])
  })

  it('refuses a declared length one above the cap from the prefix alone, before buffering any body', () => {
    const decoder = new FrameDecoder()
    assert.throws(() => decoder.push(Uint8Array.of(0x81, 0x80, 0x40)), { name: 'InvalidEnvelopeError', reason: 'frame_too_large', limit: MAX_FRAME_BYTES })
    assert.equal(decoder.bufferedBytes, 0)
    const small = new FrameDecoder({ maxFrameBytes: 127 })
    assert.deepEqual(small.push(Uint8Array.of(0x7f)), [])
    assert.throws(() => new FrameDecoder({ maxFrameBytes: 127 }).push(Uint8Array.of(0x80, 0x01)), { reason: 'frame_too_large', limit: 127 })
    const huge = new FrameDecoder({ maxFrameBytes: 2 ** 31 - 1 })
    assert.throws(() => huge.push(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x08)), { reason: 'frame_too_large' })
  })

  it('reports a well-formed prefix one byte longer than the cap needs as "frame_too_large"', () => {
    // 2^21: four bytes, one more than 1 MiB needs — a peer with a larger cap, not garbage.
    assert.deepEqual(failureOf(() => new FrameDecoder().push(Uint8Array.of(0x80, 0x80, 0x80, 0x01))), { name: 'InvalidEnvelopeError', reason: 'frame_too_large' })
  })

  it('refuses too-long and non-minimal prefixes with reason "bad_frame_length"', () => {
    const hostile = [
      [0x80, 0x00], [0xff, 0x80, 0x00], [0x80, 0x80, 0x80, 0x00], // not minimal
      [0x80, 0x80, 0x80, 0x80], [0x80, 0x80, 0x80, 0x80, 0x01], new Array<number>(10).fill(0xff) // too long
    ]
    for (const prefix of hostile) {
      assert.deepEqual(failureOf(() => new FrameDecoder().push(Uint8Array.from(prefix))), { name: 'InvalidEnvelopeError', reason: 'bad_frame_length' }, `prefix ${prefix.join(',')}`)
      assert.deepEqual(decodeUntilFailure(byteByByte(Uint8Array.from(prefix)), MAX_FRAME_BYTES).failure?.reason, 'bad_frame_length')
    }
  })

  it('is unusable after a throw: every later push (and end) throws the same error', () => {
    const decoder = new FrameDecoder()
    assert.deepEqual(decoder.push(Uint8Array.of(0x01, 0xaa)), [Uint8Array.of(0xaa)])
    let first: unknown
    try {
      decoder.push(Uint8Array.of(0x80, 0x00))
    } catch (err) {
      first = err
    }
    assert.ok(first instanceof Error)
    assert.throws(() => decoder.push(Uint8Array.of(0x01, 0xaa)), (err) => err === first)
    assert.throws(() => decoder.push(new Uint8Array(0)), (err) => err === first)
    assert.throws(() => { decoder.end() }, (err) => err === first)
  })

  it('throws nothing but InvalidEnvelopeError on random bytes, whatever the chunking, and stays bounded (property)', () => {
    const reasons = new Set(['frame_too_large', 'bad_frame_length'])
    fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 0, max: 300 }), (bytes, cuts, cap) => {
      const reference = decodeUntilFailure(byteByByte(bytes), cap)
      const rechunked = decodeUntilFailure(chunked(bytes, cuts), cap)
      for (const { failure } of [reference, rechunked]) {
        if (failure === undefined) continue
        assert.equal(failure.name, 'InvalidEnvelopeError')
        assert.ok(reasons.has(failure.reason ?? ''), `unexpected reason ${failure.reason}`)
      }
      assert.deepEqual(rechunked.failure, reference.failure, 'the outcome does not depend on the chunking')
      assert.deepEqual(rechunked.frames, reference.frames.slice(0, rechunked.frames.length))
      if (reference.failure === undefined) assert.deepEqual(rechunked.frames, reference.frames)
      const decoder = new FrameDecoder({ maxFrameBytes: cap })
      for (const chunk of chunked(bytes, cuts)) {
        if (failureOf(() => decoder.push(chunk)) !== undefined) break
        assert.ok(decoder.bufferedBytes <= cap + 4, 'a partial frame never holds more than the cap and its prefix')
      }
    }), { seed: SEED, numRuns: 1000 })
  })
})

describe('FrameDecoder.end()', () => {
  it('accepts the end of a stream between frames', () => {
    const decoder = new FrameDecoder()
    decoder.push(encodeFrame(bytesOf(3)))
    decoder.end()
  })

  it('refuses the end of a stream inside a frame with reason "truncated_frame"', () => {
    const decoder = new FrameDecoder()
    decoder.push(encodeFrame(bytesOf(3)).subarray(0, 2))
    assert.deepEqual(failureOf(() => { decoder.end() }), { name: 'InvalidEnvelopeError', reason: 'truncated_frame' })
    assert.deepEqual(failureOf(() => decoder.push(new Uint8Array(0))), { name: 'InvalidEnvelopeError', reason: 'truncated_frame' })
    const inPrefix = new FrameDecoder()
    inPrefix.push(Uint8Array.of(0x80))
    assert.throws(() => { inPrefix.end() }, { reason: 'truncated_frame' })
  })
})

describe('FrameDecoder on Buffer chunks', () => {
  it('returns copies, never views into the caller\'s chunk', () => {
    const chunk = Buffer.from(encodeFrame(new Uint8Array([1, 2, 3])))
    const [body] = new FrameDecoder().push(chunk)
    chunk.fill(9)
    assert.deepEqual([...(body ?? [])], [1, 2, 3])
    assert.notEqual(body?.buffer, chunk.buffer)
  })
})
