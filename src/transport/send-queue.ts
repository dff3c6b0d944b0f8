/**
 * A bounded send queue with backpressure (DESIGN §6, SPEC §11): at most `maxFrames` items
 * and `maxBytes` bytes. `tryPush` refuses at once with a `BackpressureError`; `push` waits
 * for room, first come first served, until its signal aborts or its timeout passes. Slow
 * reader rule: a non-empty queue without progress for 10 s marks a peer to cut off. Pure:
 * time is passed in, and the only timer is the injected `setTimer`.
 *
 * @example
 * ```ts
 * const queue = new BoundedSendQueue<Uint8Array>({ setTimer })
 * await queue.push(frame, frame.length, { signal, timeoutMs: 5000 })
 * // writer loop: const next = queue.shift(); … write next.item …; queue.markProgress(clock.now())
 * if (queue.isStalled(clock.now())) closeLink('slow_reader')
 * ```
 */
import { BackpressureError } from '../protocol/errors.ts'
import { SEND_QUEUE_MAX_BYTES, SEND_QUEUE_MAX_FRAMES, SLOW_READER_CUTOFF_MS } from './constants.ts'

/** Runs `fn` once after `ms` milliseconds; the returned function cancels it. */
export type SetTimer = (fn: () => void, ms: number) => () => void

/** Options of {@link BoundedSendQueue}. */
export interface BoundedSendQueueInit {
  /** Most items queued. @default SEND_QUEUE_MAX_FRAMES (1024) */
  maxFrames?: number
  /** Most bytes queued, in bytes. @default SEND_QUEUE_MAX_BYTES (4 MiB) */
  maxBytes?: number
  /** The timer behind `push(…, { timeoutMs })`; without it, a timeout is refused. */
  setTimer?: SetTimer
}

/** Options of {@link BoundedSendQueue.push}. */
export interface SendQueuePushOptions {
  /** Stops waiting; the push rejects with the signal's reason. */
  signal?: AbortSignal
  /** Stops waiting after this long, in ms; the push rejects with reason `queue_wait_timeout`. */
  timeoutMs?: number
}

/** One queued item and its size. */
export interface QueuedItem<T> {
  item: T
  bytes: number
}

interface Waiter<T> extends QueuedItem<T> {
  resolve: () => void
  reject: (reason: unknown) => void
  /** Detaches the abort listener and cancels the timer. */
  release: () => void
}

/** A FIFO of items bounded in count and bytes. */
export class BoundedSendQueue<T> {
  readonly #maxFrames: number
  readonly #maxBytes: number
  readonly #setTimer: SetTimer | undefined
  /** Items from `#head` on; the slots before it are spent. */
  #items: Array<QueuedItem<T> | undefined> = []
  #head = 0
  #bytes = 0
  readonly #waiters: Array<Waiter<T>> = []
  #lastProgressAtMs: number | undefined
  /** When a stall check first saw the queue non-empty since it was last empty. */
  #nonEmptySinceMs: number | undefined

  /** @throws {RangeError} when `maxFrames` or `maxBytes` is not a positive integer */
  constructor (init: BoundedSendQueueInit = {}) {
    this.#maxFrames = init.maxFrames ?? SEND_QUEUE_MAX_FRAMES
    this.#maxBytes = init.maxBytes ?? SEND_QUEUE_MAX_BYTES
    for (const [field, value] of [['maxFrames', this.#maxFrames], ['maxBytes', this.#maxBytes]] as const) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Cannot create send queue: "${field}" must be a positive integer, got ${value}`)
    }
    this.#setTimer = init.setTimer
  }

  /** Items queued. */
  get size (): number {
    return this.#items.length - this.#head
  }

  /** Bytes queued, in bytes. */
  get bytes (): number {
    return this.#bytes
  }

  /** True when nothing is queued. */
  get isEmpty (): boolean {
    return this.size === 0
  }

  /** Pushes waiting for room. */
  get pendingPushes (): number {
    return this.#waiters.length
  }

  /** When the writer last made progress ({@link markProgress}), in ms; undefined before. */
  get lastProgressAtMs (): number | undefined {
    return this.#lastProgressAtMs
  }

  /**
   * Queues `item` now. Refuses while pushes are waiting, so that it cannot overtake them.
   *
   * @throws {BackpressureError} reason `queue_full` (with `limit` and `field` naming the bound)
   * or `item_too_large` (larger than `maxBytes`: it can never fit)
   * @throws {RangeError} when `bytes` is not a non-negative integer
   */
  tryPush (item: T, bytes: number): void {
    const refusal = this.#refusalOf(bytes) ?? (this.#waiters.length > 0 ? this.#fullError() : undefined)
    if (refusal !== undefined) throw refusal
    this.#enqueue(item, bytes)
  }

  /**
   * Queues `item`, waiting for room behind earlier waiting pushes. Resolves once queued.
   * Rejects with `signal.reason` on abort, with `BackpressureError` reason
   * `queue_wait_timeout` after `timeoutMs`, with reason `item_too_large` when it can never
   * fit, with the `clear()` reason, or with a RangeError / TypeError for bad arguments.
   */
  push (item: T, bytes: number, options: SendQueuePushOptions = {}): Promise<void> {
    const { signal, timeoutMs } = options
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    if (!isByteCount(bytes)) return Promise.reject(byteCountError(bytes))
    if (timeoutMs !== undefined) {
      if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) return Promise.reject(new RangeError(`Cannot wait for send queue room: "timeoutMs" must be a non-negative number, got ${timeoutMs}`))
      if (this.#setTimer === undefined) return Promise.reject(new TypeError('Cannot wait for send queue room: "timeoutMs" needs the "setTimer" option'))
    }
    const refusal = this.#refusalOf(bytes)
    if (refusal?.reason === 'item_too_large') return Promise.reject(refusal)
    if (refusal === undefined && this.#waiters.length === 0) {
      this.#enqueue(item, bytes)
      return Promise.resolve()
    }
    return this.#wait(item, bytes, signal, timeoutMs)
  }

  /** Takes the oldest item out, making room for waiting pushes; undefined when empty. */
  shift (): QueuedItem<T> | undefined {
    const entry = this.#items[this.#head]
    if (entry === undefined) return undefined
    this.#items[this.#head] = undefined
    this.#head++
    this.#bytes -= entry.bytes
    if (this.#head === this.#items.length) {
      this.#items = []
      this.#head = 0
      this.#nonEmptySinceMs = undefined
    } else if (this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    this.#wake()
    return entry
  }

  /** Drops every item and rejects every waiting push with `reason` (the link is closing). */
  clear (reason: Error): void {
    this.#items = []
    this.#head = 0
    this.#bytes = 0
    this.#nonEmptySinceMs = undefined
    for (const waiter of this.#waiters.splice(0)) {
      waiter.release()
      waiter.reject(reason)
    }
  }

  /** Records that the writer moved data to the peer at `atMs`. */
  markProgress (atMs: number): void {
    this.#lastProgressAtMs = Math.max(this.#lastProgressAtMs ?? atMs, atMs)
    // Items still queued have been waiting since this progress, not since earlier.
    if (!this.isEmpty) this.#nonEmptySinceMs = this.#lastProgressAtMs
  }

  /**
   * True when the queue is non-empty and has made no progress for at least `cutoffMs`.
   * The wait counts from the last progress made while items were queued; when the queue
   * was empty then (an idle link), from the first check that saw it non-empty — the queue
   * does not know when an item was pushed, and an idle link is not a slow reader.
   */
  isStalled (atMs: number, cutoffMs: number = SLOW_READER_CUTOFF_MS): boolean {
    if (this.isEmpty) {
      this.#nonEmptySinceMs = undefined
      return false
    }
    this.#nonEmptySinceMs ??= atMs
    const sinceMs = Math.max(this.#lastProgressAtMs ?? this.#nonEmptySinceMs, this.#nonEmptySinceMs)
    return atMs - sinceMs >= cutoffMs
  }

  #wait (item: T, bytes: number, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined
      const onAbort = (): void => {
        this.#abandon(waiter, signal?.reason)
      }
      const waiter: Waiter<T> = {
        item,
        bytes,
        resolve,
        reject,
        release: () => {
          signal?.removeEventListener('abort', onAbort)
          cancelTimer?.()
        }
      }
      this.#waiters.push(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (timeoutMs !== undefined && this.#setTimer !== undefined) {
        cancelTimer = this.#setTimer(() => {
          this.#abandon(waiter, new BackpressureError(`Cannot queue frame: no room within ${timeoutMs} ms`, { reason: 'queue_wait_timeout', limit: timeoutMs }))
        }, timeoutMs)
      }
    })
  }

  /** Removes a waiting push that gave up, then lets the ones behind it in if they fit. */
  #abandon (waiter: Waiter<T>, reason: unknown): void {
    const index = this.#waiters.indexOf(waiter)
    if (index === -1) return
    this.#waiters.splice(index, 1)
    waiter.release()
    waiter.reject(reason)
    this.#wake()
  }

  /** Queues waiting pushes in order while the first of them fits. */
  #wake (): void {
    for (let waiter = this.#waiters[0]; waiter !== undefined && this.#fits(waiter.bytes); waiter = this.#waiters[0]) {
      this.#waiters.shift()
      waiter.release()
      this.#enqueue(waiter.item, waiter.bytes)
      waiter.resolve()
    }
  }

  #enqueue (item: T, bytes: number): void {
    this.#items.push({ item, bytes })
    this.#bytes += bytes
  }

  #fits (bytes: number): boolean {
    return this.size < this.#maxFrames && this.#bytes + bytes <= this.#maxBytes
  }

  /** Why `bytes` cannot be queued now, or undefined when it can. */
  #refusalOf (bytes: number): BackpressureError | undefined {
    if (!isByteCount(bytes)) throw byteCountError(bytes)
    if (bytes > this.#maxBytes) {
      return new BackpressureError(`Cannot queue frame of ${bytes} bytes: larger than the ${this.#maxBytes}-byte queue`, { reason: 'item_too_large', limit: this.#maxBytes, field: 'maxBytes' })
    }
    return this.#fits(bytes) ? undefined : this.#fullError()
  }

  #fullError (): BackpressureError {
    const field = this.size >= this.#maxFrames ? 'maxFrames' : 'maxBytes'
    const limit = field === 'maxFrames' ? this.#maxFrames : this.#maxBytes
    return new BackpressureError(`Cannot queue frame: send queue is full (${field} ${limit})`, { reason: 'queue_full', limit, field })
  }
}

function isByteCount (bytes: number): boolean {
  return Number.isSafeInteger(bytes) && bytes >= 0
}

function byteCountError (bytes: number): RangeError {
  return new RangeError(`Cannot queue frame: "bytes" must be a non-negative integer, got ${bytes}`)
}
