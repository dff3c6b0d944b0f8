/**
 * Length-prefixed frames (DESIGN §3, §6): each frame is an unsigned LEB128 varint giving
 * the body length, then the body — the libp2p / it-length-prefixed convention. Pure: no
 * I/O, no timers. A declared length above the cap is refused from the prefix alone, before
 * any of the body is allocated or buffered.
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder()
 * for await (const chunk of stream) {
 *   for (const body of decoder.push(chunk.subarray())) handle(body) // throws InvalidEnvelopeError
 * }
 * decoder.end()
 * ```
 */
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import { MAX_FRAME_BYTES } from '../constants.ts'

/** Largest cap a codec accepts, in bytes (the largest length a typed array reliably holds). */
const LARGEST_CAP_BYTES = 0x7fff_ffff
/** Payload bits per varint byte. */
const VARINT_PAYLOAD_BITS = 7
const VARINT_PAYLOAD_MASK = 0x7f
const VARINT_CONTINUATION_BIT = 0x80
/** Values one varint byte holds (2^7). */
const VARINT_BASE = 2 ** VARINT_PAYLOAD_BITS
/** Smallest buffer allocated for a body that spans chunks, in bytes. */
const MIN_BODY_CAPACITY_BYTES = 4096
const EMPTY = new Uint8Array(0)

/** Options of {@link FrameDecoder}. */
export interface FrameCodecInit {
  /** Largest frame body, in bytes. @default MAX_FRAME_BYTES (1 MiB) */
  maxFrameBytes?: number
}

/**
 * Encodes one frame: the varint length of `body`, then `body`. `maxFrameBytes` is the cap
 * (default MAX_FRAME_BYTES, 1 MiB).
 *
 * @throws {InvalidEnvelopeError} reason `frame_too_large` when `body` is longer than the cap
 * @throws {RangeError} when `maxFrameBytes` is not an integer in [0, 2^31 − 1]
 */
export function encodeFrame (body: Uint8Array, maxFrameBytes: number = MAX_FRAME_BYTES): Uint8Array {
  validateMaxFrameBytes(maxFrameBytes)
  if (body.length > maxFrameBytes) {
    throw new InvalidEnvelopeError(`Cannot encode frame of ${body.length} bytes: the cap is ${maxFrameBytes} bytes`, { reason: 'frame_too_large', limit: maxFrameBytes })
  }
  const prefixBytes = varintLength(body.length)
  const frame = new Uint8Array(prefixBytes + body.length)
  let value = body.length
  for (let i = 0; i < prefixBytes - 1; i++) {
    frame[i] = (value & VARINT_PAYLOAD_MASK) | VARINT_CONTINUATION_BIT
    value >>>= VARINT_PAYLOAD_BITS
  }
  frame[prefixBytes - 1] = value
  frame.set(body, prefixBytes)
  return frame
}

/**
 * Splits a byte stream into frame bodies, whatever the chunking. Holds at most one partial
 * prefix and one partial body (≤ the cap, grown as bytes arrive). After it throws once, it
 * throws the same error on every later call: the link is to be closed.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number
  /** Longest prefix read: one byte more than the cap needs (4 for 1 MiB), so that a peer with a bigger cap (up to 256 MiB here) reads as `frame_too_large`, not as garbage. */
  readonly #maxPrefixBytes: number
  #prefixValue = 0
  /** Prefix bytes of the unfinished frame (kept until its body is complete). */
  #prefixBytes = 0
  /** Declared length of the body being read; undefined while a prefix is read. */
  #bodyLength: number | undefined
  #body = EMPTY
  #bodyFilled = 0
  #error: InvalidEnvelopeError | undefined

  /** @throws {RangeError} when `maxFrameBytes` is not an integer in [0, 2^31 − 1] */
  constructor (init: FrameCodecInit = {}) {
    this.#maxFrameBytes = init.maxFrameBytes ?? MAX_FRAME_BYTES
    validateMaxFrameBytes(this.#maxFrameBytes)
    this.#maxPrefixBytes = varintLength(this.#maxFrameBytes) + 1
  }

  /** Bytes of the unfinished frame read so far (prefix and body), in bytes. */
  get bufferedBytes (): number {
    return this.#prefixBytes + this.#bodyFilled
  }

  /**
   * Feeds one chunk and returns every frame body it completes, in order (possibly none).
   * Bodies are fresh copies that never alias `chunk`.
   *
   * @throws {InvalidEnvelopeError} reason `frame_too_large` (declared length above the cap)
   * or `bad_frame_length` (prefix too long or not minimal); sticky
   */
  push (chunk: Uint8Array): Uint8Array[] {
    if (this.#error !== undefined) throw this.#error
    const frames: Uint8Array[] = []
    let offset = 0
    try {
      while (offset < chunk.length) {
        if (this.#bodyLength === undefined) {
          offset = this.#readPrefix(chunk, offset, frames)
        } else {
          offset = this.#readBody(chunk, offset, frames)
        }
      }
    } catch (err) {
      if (err instanceof InvalidEnvelopeError) this.#fail(err)
      throw err
    }
    return frames
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {InvalidEnvelopeError} reason `truncated_frame` when part of a frame is still held; sticky
   */
  end (): void {
    if (this.#error !== undefined) throw this.#error
    if (this.bufferedBytes === 0) return
    const error = new InvalidEnvelopeError(`Cannot end frame stream: ${this.bufferedBytes} bytes of an unfinished frame remain`, { reason: 'truncated_frame' })
    this.#fail(error)
    throw error
  }

  /** Reads prefix bytes from `offset` until the prefix is complete (a zero length completes its frame) or the chunk ends. */
  #readPrefix (chunk: Uint8Array, offset: number, frames: Uint8Array[]): number {
    while (offset < chunk.length) {
      const byte = chunk[offset] ?? 0
      offset++
      this.#prefixValue += (byte & VARINT_PAYLOAD_MASK) * VARINT_BASE ** this.#prefixBytes
      this.#prefixBytes++
      if ((byte & VARINT_CONTINUATION_BIT) !== 0) {
        if (this.#prefixBytes >= this.#maxPrefixBytes) throw this.#badLength(`longer than ${this.#maxPrefixBytes} bytes`)
        continue
      }
      if (byte === 0 && this.#prefixBytes > 1) throw this.#badLength('not minimal')
      if (this.#prefixValue > this.#maxFrameBytes) {
        throw new InvalidEnvelopeError(`Cannot decode frame of ${this.#prefixValue} bytes: the cap is ${this.#maxFrameBytes} bytes`, { reason: 'frame_too_large', limit: this.#maxFrameBytes })
      }
      this.#bodyLength = this.#prefixValue
      this.#prefixValue = 0
      if (this.#bodyLength === 0) this.#finishBody(frames, EMPTY)
      return offset
    }
    return offset
  }

  /** Copies body bytes from `offset`; completes the frame when all of it has arrived. */
  #readBody (chunk: Uint8Array, offset: number, frames: Uint8Array[]): number {
    const bodyLength = this.#bodyLength ?? 0
    const needed = bodyLength - this.#bodyFilled
    const taken = Math.min(needed, chunk.length - offset)
    if (this.#bodyFilled === 0 && taken === needed) {
      // Uint8Array's slice copies even when the chunk is a Buffer (whose own slice is a view).
      this.#finishBody(frames, Uint8Array.prototype.slice.call(chunk, offset, offset + taken))
      return offset + taken
    }
    this.#reserve(this.#bodyFilled + taken, bodyLength)
    this.#body.set(chunk.subarray(offset, offset + taken), this.#bodyFilled)
    this.#bodyFilled += taken
    // #reserve never grows past bodyLength, so a full body is exactly sized.
    if (this.#bodyFilled === bodyLength) this.#finishBody(frames, this.#body)
    return offset + taken
  }

  /** Grows the body buffer to hold `needed` bytes: doubling, never past the declared length. */
  #reserve (needed: number, bodyLength: number): void {
    if (needed <= this.#body.length) return
    const capacity = Math.min(bodyLength, Math.max(needed, this.#body.length * 2, MIN_BODY_CAPACITY_BYTES))
    const grown = new Uint8Array(capacity)
    grown.set(this.#body.subarray(0, this.#bodyFilled))
    this.#body = grown
  }

  #finishBody (frames: Uint8Array[], body: Uint8Array): void {
    frames.push(body)
    this.#prefixBytes = 0
    this.#bodyLength = undefined
    this.#body = EMPTY
    this.#bodyFilled = 0
  }

  #badLength (detail: string): InvalidEnvelopeError {
    return new InvalidEnvelopeError(`Cannot decode frame length prefix: ${detail}`, { reason: 'bad_frame_length', limit: this.#maxFrameBytes })
  }

  #fail (error: InvalidEnvelopeError): void {
    this.#error = error
    this.#body = EMPTY
    this.#bodyFilled = 0
    this.#prefixBytes = 0
  }
}

/** Bytes an unsigned varint needs for `value` (a non-negative safe integer). */
function varintLength (value: number): number {
  let bytes = 1
  for (let rest = value; rest >= VARINT_BASE; rest = Math.floor(rest / VARINT_BASE)) bytes++
  return bytes
}

function validateMaxFrameBytes (maxFrameBytes: number): void {
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 0 || maxFrameBytes > LARGEST_CAP_BYTES) {
    throw new RangeError(`Cannot create frame codec: "maxFrameBytes" must be an integer in [0, ${LARGEST_CAP_BYTES}], got ${maxFrameBytes}`)
  }
}
