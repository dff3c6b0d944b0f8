// waitUntil(): probes until done, reports progress, times out with one line, stops on abort. Fake time throughout.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { waitUntil } from './wait-until.ts'

function fakeTime (): { now: () => number, sleep: (ms: number, signal?: AbortSignal) => Promise<void> } {
  let nowMs = 0
  return {
    now: () => nowMs,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted()
      nowMs += ms
      await Promise.resolve()
    }
  }
}

describe('waitUntil()', () => {
  it('waitUntil() probes until everything is done and reports each probe', async () => {
    const seen: string[] = []
    let done = 0
    const last = await waitUntil(async () => await Promise.resolve({ done: done++, total: 3 }), {
      what: 'handshakes', ...fakeTime(), onProgress: (progress) => { seen.push(`${progress.done}/${progress.total}`) }
    })
    assert.deepEqual(last, { done: 3, total: 3 })
    assert.deepEqual(seen, ['0/3', '1/3', '2/3', '3/3'])
  })

  it('waitUntil() fails with one line naming what it waited for and how far it came', async () => {
    await assert.rejects(waitUntil(async () => await Promise.resolve({ done: 3, total: 4 }), { what: 'handshakes', timeoutMs: 2000, intervalMs: 100, ...fakeTime() }), {
      name: 'CliError', message: 'Timed out after 2 s waiting for handshakes (3/4)'
    })
  })

  it('waitUntil() ends with the abort reason once the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('interrupted')
    let probes = 0
    const waiting = waitUntil(async () => {
      probes += 1
      if (probes === 2) controller.abort(reason)
      return await Promise.resolve({ done: 0, total: 1 })
    }, { what: 'x', signal: controller.signal, ...fakeTime() })
    await assert.rejects(waiting, reason)
    assert.equal(probes, 2)
  })
})
