import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../test/helpers/failure.ts'
import { BoundedSendQueue } from './send-queue.ts'
import type { SetTimer } from './send-queue.ts'

const SEED = 20261126

/** A fake timer: callbacks run only when the test advances time. */
function fakeTimer (): { setTimer: SetTimer, advance: (ms: number) => void, readonly pending: number } {
  let nowMs = 0
  const timers = new Set<{ atMs: number, fn: () => void }>()
  return {
    setTimer: (fn, ms) => {
      const timer = { atMs: nowMs + ms, fn }
      timers.add(timer)
      return () => { timers.delete(timer) }
    },
    advance: (ms) => {
      nowMs += ms
      for (const timer of [...timers].sort((a, b) => a.atMs - b.atMs)) {
        if (timer.atMs > nowMs || !timers.has(timer)) continue
        timers.delete(timer)
        timer.fn()
      }
    },
    get pending () {
      return timers.size
    }
  }
}

/** The settled state of a promise after pending microtasks ran. */
async function stateOf (promise: Promise<unknown>): Promise<{ status: 'pending' | 'fulfilled' } | { status: 'rejected', error: unknown }> {
  const pending = Symbol('pending')
  const afterMicrotasks = new Promise((resolve) => {
    setImmediate(() => { resolve(pending) })
  })
  try {
    const value = await Promise.race([promise, afterMicrotasks])
    return { status: value === pending ? 'pending' : 'fulfilled' }
  } catch (error) {
    return { status: 'rejected', error }
  }
}

function drain<T> (queue: BoundedSendQueue<T>): T[] {
  const items: T[] = []
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) items.push(next.item)
  return items
}

describe('BoundedSendQueue.tryPush()', () => {
  it('queues up to maxFrames items, then refuses with reason "queue_full" naming the bound', () => {
    const queue = new BoundedSendQueue<string>({ maxFrames: 2 })
    queue.tryPush('a', 0)
    queue.tryPush('b', 0)
    assert.throws(() => { queue.tryPush('c', 0) }, { name: 'BackpressureError', reason: 'queue_full', limit: 2, field: 'maxFrames' })
    assert.equal(queue.size, 2)
  })

  it('queues up to maxBytes bytes, then refuses with reason "queue_full" naming the bound', () => {
    const queue = new BoundedSendQueue<string>({ maxBytes: 10 })
    queue.tryPush('a', 6)
    assert.throws(() => { queue.tryPush('b', 5) }, { name: 'BackpressureError', reason: 'queue_full', limit: 10, field: 'maxBytes' })
    queue.tryPush('c', 4)
    assert.equal(queue.bytes, 10)
  })

  it('refuses an item larger than maxBytes with reason "item_too_large", even when empty', () => {
    const queue = new BoundedSendQueue<string>({ maxBytes: 10 })
    assert.deepEqual(failureOf(() => { queue.tryPush('a', 11) }), { name: 'BackpressureError', reason: 'item_too_large' })
    assert.ok(queue.isEmpty)
  })

  it('refuses while pushes are waiting, even with room, so it cannot overtake them', async () => {
    const queue = new BoundedSendQueue<string>({ maxBytes: 10 })
    queue.tryPush('a', 8)
    const waiting = queue.push('b', 5)
    assert.throws(() => { queue.tryPush('c', 1) }, { reason: 'queue_full' })
    queue.shift()
    assert.equal((await stateOf(waiting)).status, 'fulfilled')
    assert.deepEqual(drain(queue), ['b'])
  })

  it('rejects a size that is not a non-negative integer, and invalid bounds, with a RangeError', () => {
    const queue = new BoundedSendQueue<string>()
    for (const bytes of [-1, 1.5, Number.NaN]) assert.throws(() => { queue.tryPush('a', bytes) }, RangeError)
    assert.throws(() => new BoundedSendQueue({ maxFrames: 0 }), (err: Error) => err instanceof RangeError && err.message.includes('maxFrames'))
    assert.throws(() => new BoundedSendQueue({ maxBytes: 1.5 }), (err: Error) => err instanceof RangeError && err.message.includes('maxBytes'))
  })
})

describe('BoundedSendQueue.shift()', () => {
  it('returns items first in, first out, with their sizes, and undefined when empty', () => {
    const queue = new BoundedSendQueue<string>()
    assert.ok(queue.isEmpty)
    queue.tryPush('a', 1)
    queue.tryPush('b', 2)
    queue.tryPush('c', 3)
    assert.deepEqual({ size: queue.size, bytes: queue.bytes, isEmpty: queue.isEmpty }, { size: 3, bytes: 6, isEmpty: false })
    assert.deepEqual(queue.shift(), { item: 'a', bytes: 1 })
    assert.deepEqual(drain(queue), ['b', 'c'])
    assert.equal(queue.shift(), undefined)
    assert.equal(queue.bytes, 0)
  })

  it('keeps FIFO order over many pushes and shifts', () => {
    const queue = new BoundedSendQueue<number>({ maxFrames: 64 })
    const out: number[] = []
    for (let i = 0; i < 100; i++) {
      queue.tryPush(i, 1)
      if (i % 3 === 2) out.push(...[queue.shift(), queue.shift()].flatMap((next) => next === undefined ? [] : [next.item]))
    }
    out.push(...drain(queue))
    assert.deepEqual(out, Array.from({ length: 100 }, (_, i) => i))
  })
})

describe('BoundedSendQueue.push()', () => {
  it('queues at once when there is room', async () => {
    const queue = new BoundedSendQueue<string>()
    const pushed = queue.push('a', 1)
    assert.equal(queue.size, 1, 'queued synchronously')
    await pushed
  })

  it('wakes waiting pushes in order as room frees, one slot at a time', async () => {
    const queue = new BoundedSendQueue<string>({ maxFrames: 1 })
    await queue.push('a', 1)
    const settled: string[] = []
    const pushes = ['b', 'c', 'd'].map((item) => queue.push(item, 1).then(() => settled.push(item)))
    assert.equal(queue.pendingPushes, 3)
    assert.deepEqual(queue.shift(), { item: 'a', bytes: 1 })
    await pushes[0]
    assert.deepEqual(settled, ['b'])
    assert.equal(queue.pendingPushes, 2)
    assert.deepEqual(queue.shift(), { item: 'b', bytes: 1 })
    assert.deepEqual(queue.shift(), { item: 'c', bytes: 1 })
    await Promise.all(pushes)
    assert.deepEqual(settled, ['b', 'c', 'd'])
    assert.deepEqual(drain(queue), ['d'])
  })

  it('serves waiters strictly in order: a small push waits behind a large one', async () => {
    const queue = new BoundedSendQueue<string>({ maxBytes: 10 })
    queue.tryPush('a', 6)
    queue.tryPush('b', 4)
    const large = queue.push('large', 9)
    const small = queue.push('small', 1)
    queue.shift()
    assert.equal((await stateOf(small)).status, 'pending')
    queue.shift()
    assert.equal((await stateOf(large)).status, 'fulfilled')
    assert.equal((await stateOf(small)).status, 'fulfilled')
    assert.deepEqual(drain(queue), ['large', 'small'])
  })

  it('rejects with the abort reason and queues nothing when the signal is already aborted', async () => {
    const queue = new BoundedSendQueue<string>()
    const reason = new Error('gone')
    await assert.rejects(queue.push('a', 1, { signal: AbortSignal.abort(reason) }), (err) => err === reason)
    assert.ok(queue.isEmpty)
  })

  it('rejects with the abort reason when aborted while waiting, and lets the next waiter in', async () => {
    const queue = new BoundedSendQueue<string>({ maxBytes: 10 })
    queue.tryPush('a', 5)
    const controller = new AbortController()
    const large = queue.push('large', 6, { signal: controller.signal })
    const small = queue.push('small', 5)
    controller.abort(new Error('caller gave up'))
    await assert.rejects(large, { message: 'caller gave up' })
    await small
    assert.deepEqual(drain(queue), ['a', 'small'])
    assert.equal(queue.pendingPushes, 0)
  })

  it('rejects with reason "queue_wait_timeout" once the injected timer fires', async () => {
    const timer = fakeTimer()
    const queue = new BoundedSendQueue<string>({ maxFrames: 1, setTimer: timer.setTimer })
    queue.tryPush('a', 1)
    const waiting = queue.push('b', 1, { timeoutMs: 1000 })
    timer.advance(999)
    assert.equal((await stateOf(waiting)).status, 'pending')
    timer.advance(1)
    await assert.rejects(waiting, { name: 'BackpressureError', reason: 'queue_wait_timeout', limit: 1000 })
    assert.equal(queue.pendingPushes, 0)
    queue.shift()
    assert.ok(queue.isEmpty, 'a timed-out push is never queued')
  })

  it('cancels its timer and abort listener once it gets room', async () => {
    const timer = fakeTimer()
    const queue = new BoundedSendQueue<string>({ maxFrames: 1, setTimer: timer.setTimer })
    queue.tryPush('a', 1)
    const controller = new AbortController()
    const waiting = queue.push('b', 1, { timeoutMs: 1000, signal: controller.signal })
    assert.equal(timer.pending, 1)
    queue.shift()
    await waiting
    assert.equal(timer.pending, 0)
    controller.abort()
    assert.deepEqual(drain(queue), ['b'])
  })

  it('refuses a timeout without an injected timer, and bad arguments, by rejecting', async () => {
    const queue = new BoundedSendQueue<string>({ maxFrames: 1 })
    queue.tryPush('a', 1)
    await assert.rejects(queue.push('b', 1, { timeoutMs: 10 }), TypeError)
    await assert.rejects(new BoundedSendQueue<string>({ maxFrames: 1, setTimer: fakeTimer().setTimer }).push('b', 1, { timeoutMs: -1 }), RangeError)
    await assert.rejects(queue.push('b', -1), RangeError)
    await assert.rejects(new BoundedSendQueue<string>({ maxBytes: 4 }).push('big', 5), { reason: 'item_too_large', limit: 4 })
    assert.equal(queue.pendingPushes, 0)
  })
})

describe('BoundedSendQueue.clear()', () => {
  it('drops every item and rejects every waiting push with the reason', async () => {
    const timer = fakeTimer()
    const queue = new BoundedSendQueue<string>({ maxFrames: 1, setTimer: timer.setTimer })
    queue.tryPush('a', 3)
    const reason = new Error('link closed')
    const waiting = [queue.push('b', 1, { timeoutMs: 5000 }), queue.push('c', 1)]
    queue.clear(reason)
    for (const push of waiting) await assert.rejects(push, (err) => err === reason)
    assert.deepEqual({ size: queue.size, bytes: queue.bytes, pending: queue.pendingPushes, timers: timer.pending }, { size: 0, bytes: 0, pending: 0, timers: 0 })
    queue.tryPush('d', 1)
    assert.deepEqual(drain(queue), ['d'], 'the queue stays usable')
  })
})

describe('BoundedSendQueue.isStalled()', () => {
  it('is true once a non-empty queue has made no progress for the cut-off (10 s by default)', () => {
    const queue = new BoundedSendQueue<string>()
    queue.tryPush('a', 1)
    queue.tryPush('b', 1)
    queue.markProgress(0)
    assert.equal(queue.isStalled(9999), false)
    assert.equal(queue.isStalled(10_000), true)
    queue.markProgress(10_500)
    assert.equal(queue.lastProgressAtMs, 10_500)
    assert.equal(queue.isStalled(20_499), false)
    assert.equal(queue.isStalled(20_500, 10_000), true)
    assert.equal(queue.isStalled(11_000, 500), true)
  })

  it('is never true for an empty queue', () => {
    const queue = new BoundedSendQueue<string>()
    queue.markProgress(0)
    assert.equal(queue.isStalled(1_000_000), false)
  })

  it('counts an idle queue that just received an item from the first check that sees it', () => {
    const queue = new BoundedSendQueue<string>()
    queue.markProgress(0)
    queue.tryPush('a', 1)
    assert.equal(queue.isStalled(60_000), false, 'idle for a minute, but the item is new')
    assert.equal(queue.isStalled(69_999), false)
    assert.equal(queue.isStalled(70_000), true)
    queue.shift()
    assert.equal(queue.isStalled(80_000), false)
    queue.tryPush('b', 1)
    assert.equal(queue.isStalled(85_000), false, 'the clock restarts after the queue emptied')
  })

  it('never moves the last progress backwards', () => {
    const queue = new BoundedSendQueue<string>()
    assert.equal(queue.lastProgressAtMs, undefined)
    queue.markProgress(500)
    queue.markProgress(100)
    assert.equal(queue.lastProgressAtMs, 500)
  })
})

describe('BoundedSendQueue (property)', () => {
  it('never holds more than its bounds, delivers each accepted item once, in call order', async () => {
    const op = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('tryPush' as const), bytes: fc.integer({ min: 0, max: 12 }) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('push' as const), bytes: fc.integer({ min: 0, max: 12 }), timeoutMs: fc.option(fc.integer({ min: 0, max: 50 })), isAborted: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('shift' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const) }) }
    )
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
      const timer = fakeTimer()
      const queue = new BoundedSendQueue<number>({ maxFrames: 3, maxBytes: 20, setTimer: timer.setTimer })
      const controllers: AbortController[] = []
      const accepted: number[] = []
      const shifted: number[] = []
      const settled: Array<Promise<unknown>> = []
      for (const [id, step] of ops.entries()) {
        if (step.kind === 'tryPush') {
          if (failureOf(() => { queue.tryPush(id, step.bytes) }) === undefined) accepted.push(id)
        } else if (step.kind === 'push') {
          const controller = new AbortController()
          if (step.isAborted) controllers.push(controller)
          settled.push(queue.push(id, step.bytes, { signal: controller.signal, ...(step.timeoutMs === null ? {} : { timeoutMs: step.timeoutMs }) })
            .then(() => accepted.push(id), () => undefined))
        } else if (step.kind === 'shift') {
          const next = queue.shift()
          if (next !== undefined) shifted.push(next.item)
        } else if (step.kind === 'advance') {
          timer.advance(step.ms)
        } else {
          controllers.shift()?.abort()
        }
        await Promise.resolve()
        assert.ok(queue.size <= 3 && queue.bytes <= 20, `size ${queue.size}, bytes ${queue.bytes}`)
      }
      const remaining = drain(queue)
      queue.clear(new Error('done'))
      await Promise.all(settled)
      const delivered = [...shifted, ...remaining]
      assert.deepEqual([...delivered].sort((a, b) => a - b), [...new Set(delivered)].sort((a, b) => a - b), 'no item twice')
      assert.ok(delivered.every((id) => accepted.includes(id)), 'only accepted items come out')
      assert.deepEqual(delivered, accepted.filter((id) => delivered.includes(id)), 'items come out in the order they were accepted')
      // Waiters are served in order and tryPush never overtakes them, so items come out in call order.
      assert.deepEqual(delivered, [...delivered].sort((a, b) => a - b), 'items come out in the order push / tryPush was called')
    }), { seed: SEED, numRuns: 300 })
  })
})
