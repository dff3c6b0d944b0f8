import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { HeartbeatMonitor } from './heartbeat-monitor.ts'

const SEED = 20261126

/** A monitor with the DESIGN §6 defaults for a link opened at 0 ms. */
function monitorAt0 (): HeartbeatMonitor {
  return new HeartbeatMonitor({ openedAtMs: 0 })
}

interface Silence {
  rttMs: number
  silentFromMs: number
  checkEveryMs: number
}

/**
 * Pings every second from 1 s; the peer answers after `rttMs` until it falls silent at
 * `silentFromMs`; the link is checked every `checkEveryMs`. Each millisecond: check, ping, pongs.
 */
function simulateSilence ({ rttMs, silentFromMs, checkEveryMs }: Silence): { deadAtMs: number, lastReadMs: number } {
  const monitor = monitorAt0()
  const pongs = new Map<number, number>()
  let lastReadMs = 0
  for (let t = 0, seq = 0; t <= silentFromMs + 10_000; t++) {
    if (t % checkEveryMs === 0 && monitor.check(t).isDead) return { deadAtMs: t, lastReadMs }
    if (t > 0 && t % 1000 === 0) {
      monitor.pingSent(++seq, t)
      if (t + rttMs < silentFromMs) pongs.set(t + rttMs, seq)
    }
    const answered = pongs.get(t)
    if (answered !== undefined) {
      monitor.pongReceived(answered, t)
      lastReadMs = t
    }
  }
  assert.fail('a silent peer was never found dead')
}

describe('HeartbeatMonitor.check()', () => {
  it('keeps a peer alive with 3 missed pings while bytes still arrive', () => {
    const monitor = monitorAt0()
    for (const t of [0, 1000, 2000]) monitor.pingSent(t, t)
    monitor.bytesRead(2500)
    assert.deepEqual(monitor.check(3000), { isDead: false, misses: 3, msSinceRead: 500 })
  })

  it('keeps a peer alive with a stale read but only 2 missed pings', () => {
    const monitor = monitorAt0()
    monitor.pingSent(1, 1000)
    monitor.pingSent(2, 2000)
    assert.deepEqual(monitor.check(3500), { isDead: false, misses: 2, msSinceRead: 3500 })
  })

  it('finds a peer dead with 3 missed pings and no byte read for 3 s', () => {
    const monitor = monitorAt0()
    for (const t of [0, 1000, 2000]) monitor.pingSent(t, t)
    assert.deepEqual(monitor.check(2499), { isDead: false, misses: 2, msSinceRead: 2499 })
    assert.deepEqual(monitor.check(2999), { isDead: false, misses: 3, msSinceRead: 2999 }, 'three misses, but bytes read 3 s ago')
    assert.deepEqual(monitor.check(3000), { isDead: true, misses: 3, msSinceRead: 3000 })
  })

  it('never finds a peer dead on one missed ping, however stale the read', () => {
    const monitor = monitorAt0()
    monitor.pingSent(1, 0)
    assert.deepEqual(monitor.check(60_000), { isDead: false, misses: 1, msSinceRead: 60_000 })
  })

  it('counts a ping as missed once half an interval has passed without its pong, so the next beat counts it even a little early', () => {
    const monitor = new HeartbeatMonitor({ intervalMs: 500, openedAtMs: 0 })
    monitor.pingSent(1, 100)
    assert.equal(monitor.check(349).misses, 0)
    assert.equal(monitor.check(350).misses, 1)
    assert.equal(monitor.check(598).misses, 1, 'the next beat, 2 ms early')
  })

  it('starts the read clock at the first call when openedAtMs is not given', () => {
    const monitor = new HeartbeatMonitor()
    monitor.pingSent(1, 50_000)
    assert.equal(monitor.check(50_400).msSinceRead, 400)
  })

  it('never moves the last read backwards', () => {
    const monitor = monitorAt0()
    monitor.bytesRead(2000)
    monitor.bytesRead(1000)
    assert.equal(monitor.check(2500).msSinceRead, 500)
    assert.equal(monitor.check(1500).msSinceRead, 0)
  })

  it('finds a silent peer dead within 4 s of its last byte, and never before it falls silent (property)', () => {
    const silence = fc.record({
      rttMs: fc.integer({ min: 0, max: 999 }),
      silentFromMs: fc.integer({ min: 0, max: 8000 }),
      checkEveryMs: fc.constantFrom(1, 100, 500, 1000)
    })
    fc.assert(fc.property(silence, (scenario) => {
      const { deadAtMs, lastReadMs } = simulateSilence(scenario)
      assert.ok(deadAtMs >= scenario.silentFromMs, `dead at ${deadAtMs} before the silence at ${scenario.silentFromMs}`)
      assert.ok(deadAtMs - lastReadMs <= 4000, `dead ${deadAtMs - lastReadMs} ms after the last byte`)
    }), { seed: SEED, numRuns: 60 })
  })

  it('finds a peer silent from the start dead at 4 s when checked every second, and never before 3 s', () => {
    assert.deepEqual(simulateSilence({ rttMs: 10, silentFromMs: 0, checkEveryMs: 1000 }), { deadAtMs: 4000, lastReadMs: 0 })
    assert.deepEqual(simulateSilence({ rttMs: 10, silentFromMs: 0, checkEveryMs: 1 }), { deadAtMs: 3500, lastReadMs: 0 })
  })

  it('finds a silent peer dead by the 4th beat after its last byte when the beats fire a little early or late (property)', () => {
    // The supervisor's beat: check, then ping, on a timer whose intervals, measured on the
    // monotonic clock, come out a few ms short or up to 300 ms long.
    const scenario = fc.record({
      rttMs: fc.integer({ min: 0, max: 900 }),
      silentBeat: fc.integer({ min: 1, max: 6 }),
      intervalsMs: fc.array(fc.integer({ min: 995, max: 1300 }), { minLength: 16, maxLength: 16 })
    })
    fc.assert(fc.property(scenario, ({ rttMs, silentBeat, intervalsMs }) => {
      const monitor = monitorAt0()
      let lastReadMs = 0
      let lastReadBeat = 0
      let atMs = 0
      for (const [beat, intervalMs] of intervalsMs.entries()) {
        atMs += intervalMs
        if (monitor.check(atMs).isDead) {
          assert.ok(beat >= silentBeat, `dead at beat ${beat}, before the silence at beat ${silentBeat}`)
          assert.ok(beat - lastReadBeat <= 4, `dead at beat ${beat}, ${beat - lastReadBeat} beats after the last byte`)
          return
        }
        monitor.pingSent(beat, atMs)
        if (beat < silentBeat) {
          monitor.pongReceived(beat, atMs + rttMs)
          lastReadMs = atMs + rttMs
          lastReadBeat = beat
        }
      }
      assert.fail(`a peer silent since ${lastReadMs} ms was never found dead`)
    }), { seed: SEED, numRuns: 200 })
  })

  it('is dead only with enough misses and a stale read, and never while bytes arrive (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('ping' as const), seq: fc.integer({ min: 0, max: 30 }), advanceMs: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ kind: fc.constant('pong' as const), seq: fc.integer({ min: 0, max: 30 }), advanceMs: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ kind: fc.constant('read' as const), seq: fc.constant(0), advanceMs: fc.integer({ min: 0, max: 4000 }) })
    )
    fc.assert(fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
      const monitor = monitorAt0()
      let now = 0
      let lastReadMs = 0
      let pingsSinceAnswer = 0
      for (const { kind, seq, advanceMs } of steps) {
        now += advanceMs
        if (kind === 'ping') {
          monitor.pingSent(seq, now)
          pingsSinceAnswer++
        } else if (kind === 'pong') {
          if (monitor.pongReceived(seq, now) !== undefined) pingsSinceAnswer = monitor.outstandingPings
          lastReadMs = now
        } else {
          monitor.bytesRead(now)
          lastReadMs = now
        }
        const status = monitor.check(now)
        assert.equal(status.msSinceRead, now - lastReadMs)
        assert.ok(status.misses <= pingsSinceAnswer, 'only pings since the last answer count')
        assert.equal(status.isDead, status.misses >= 3 && now - lastReadMs >= 3000)
        assert.ok(monitor.outstandingPings <= 16)
      }
    }), { seed: SEED, numRuns: 500 })
  })
})

describe('HeartbeatMonitor.pongReceived()', () => {
  it('returns the RTT sample of an outstanding ping', () => {
    const monitor = monitorAt0()
    monitor.pingSent(7, 1000)
    assert.equal(monitor.pongReceived(7, 1012.5), 12.5)
    assert.equal(monitor.outstandingPings, 0)
  })

  it('returns undefined for an unknown, repeated or superseded seq, yet counts it as a read', () => {
    const monitor = monitorAt0()
    monitor.pingSent(1, 1000)
    monitor.pingSent(2, 2000)
    assert.equal(monitor.pongReceived(99, 2100), undefined)
    assert.equal(monitor.check(2100).msSinceRead, 0)
    assert.equal(monitor.pongReceived(2, 2200), 200)
    assert.equal(monitor.pongReceived(2, 2300), undefined, 'repeated')
    assert.equal(monitor.pongReceived(1, 2400), undefined, 'superseded by the pong to a later ping')
  })

  it('resets the misses: an answer to the latest ping clears them all', () => {
    const monitor = monitorAt0()
    for (const t of [0, 1000, 2000]) monitor.pingSent(t, t)
    assert.equal(monitor.check(3000).isDead, true)
    assert.equal(monitor.pongReceived(2000, 3100), 1100, 'a late answer is still an RTT sample')
    assert.deepEqual(monitor.check(3100), { isDead: false, misses: 0, msSinceRead: 0 })
  })

  it('keeps counting pings sent after the one answered', () => {
    const monitor = monitorAt0()
    for (const t of [0, 1000, 2000]) monitor.pingSent(t, t)
    monitor.pongReceived(0, 3500)
    assert.equal(monitor.check(3500).misses, 2)
  })
})

describe('HeartbeatMonitor.pingSent()', () => {
  it('remembers at most maxOutstandingPings and counts the dropped ones as missed', () => {
    const monitor = monitorAt0()
    for (let seq = 0; seq < 100; seq++) monitor.pingSent(seq, seq * 1000)
    assert.equal(monitor.outstandingPings, 16)
    assert.equal(monitor.check(100_000).misses, 100)
    assert.equal(monitor.pongReceived(3, 100_000), undefined, 'a dropped ping has no RTT')
    assert.equal(monitor.pongReceived(99, 100_001), 1001)
    assert.equal(monitor.check(100_001).misses, 0)
  })

  it('restarts the wait of a seq sent again', () => {
    const monitor = monitorAt0()
    monitor.pingSent(1, 0)
    monitor.pingSent(1, 900)
    assert.equal(monitor.check(1300).misses, 0)
    assert.equal(monitor.pongReceived(1, 1300), 400)
  })

  it('rejects invalid options with a RangeError naming the field', () => {
    const invalid: Array<[string, object]> = [
      ['intervalMs', { intervalMs: 0 }], ['staleReadMs', { staleReadMs: -1 }], ['maxMisses', { maxMisses: 1.5 }],
      ['maxOutstandingPings', { maxOutstandingPings: 0 }], ['openedAtMs', { openedAtMs: Number.NaN }]
    ]
    for (const [field, init] of invalid) {
      assert.throws(() => new HeartbeatMonitor(init), (err: Error) => err instanceof RangeError && err.message.includes(field))
    }
  })
})
