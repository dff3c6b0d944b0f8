/**
 * Integration with separate processes (issue #3): a peer paused with SIGSTOP is
 * declared dead by heartbeat (3 misses and a stale read), a peer killed with SIGKILL
 * is noticed at once from the closed connection, and in both cases the link and the
 * handshake come back when the peer does — with events in a fixed order.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createDataDir, eventsOf, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { EventJson, NodeProcess } from '../helpers/node-process.ts'
import { waitFor } from '../helpers/wait-for.ts'

let root: string
before(async () => { root = await mkdtemp(join(tmpdir(), 'web4mesh-liveness-')) })
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

async function isHandshaken (self: NodeProcess, other: NodeProcess): Promise<boolean> {
  const peer = (await peersOf(self)).find((candidate) => candidate.fingerprint === other.info.fingerprint)
  return peer?.link.is_handshaken === true && peer.trust === 'probing'
}

async function isLinked (self: NodeProcess, other: NodeProcess): Promise<boolean> {
  return (await peersOf(self)).find((candidate) => candidate.fingerprint === other.info.fingerprint)?.link.is_linked === true
}

/** The link-lifecycle events `self` logged about `other` after `since`. */
async function lifecycle (self: NodeProcess, other: NodeProcess, since: number): Promise<EventJson[]> {
  const kinds = new Set(['heartbeat_timeout', 'session_close', 'reconnect', 'session_open', 'handshake_completed'])
  return (await eventsOf(self, since)).filter((event) => kinds.has(event.event_type) && (event.peer === other.info.fingerprint || event.peer === null))
}

async function lastSeq (self: NodeProcess): Promise<number> {
  return (await eventsOf(self)).at(-1)?.seq ?? 0
}

describe('liveness across processes', { timeout: 120_000 }, () => {
  it('declares a SIGSTOPped peer dead by heartbeat, then relinks when it resumes', async () => {
    const a = await startNodeProcess({ dataDir: await createDataDir(root, 'stop-a'), port: await freePort() })
    const b = await startNodeProcess({ dataDir: await createDataDir(root, 'stop-b'), port: await freePort(), peers: [a.address] })
    await waitFor(async () => await isHandshaken(b, a) && await isHandshaken(a, b), { timeoutMs: 15_000, what: 'first handshake' })
    const since = await lastSeq(b)
    const pausedAt = Date.now()
    a.pause()
    await waitFor(async () => (await lifecycle(b, a, since)).some((event) => event.event_type === 'heartbeat_timeout'), { timeoutMs: 15_000, what: 'heartbeat_timeout' })
    const detectedMs = Date.now() - pausedAt
    assert.ok(detectedMs >= 3000, `declared dead after ${detectedMs} ms: never before 3 misses and a 3 s stale read`)
    a.resume()
    await waitFor(async () => await isHandshaken(b, a), { timeoutMs: 30_000, what: 'handshake after resume' })
    const kinds = (await lifecycle(b, a, since)).map((event) => event.event_type)
    assert.deepEqual(kinds.slice(0, 3), ['heartbeat_timeout', 'session_close', 'reconnect'])
    assert.ok(kinds.indexOf('session_open') > kinds.indexOf('reconnect'), kinds.join(' '))
    assert.ok(kinds.lastIndexOf('handshake_completed') > kinds.indexOf('session_open'), kinds.join(' '))
    const close = (await lifecycle(b, a, since)).find((event) => event.event_type === 'session_close')
    assert.equal(close?.payload.reason, 'heartbeat_timeout')
  })

  it('notices a SIGKILLed peer from the closed connection, and relinks when it restarts from its data directory', async () => {
    const port = await freePort()
    const dataDir = await createDataDir(root, 'kill-a')
    const a = await startNodeProcess({ dataDir, port })
    const b = await startNodeProcess({ dataDir: await createDataDir(root, 'kill-b'), port: await freePort(), peers: [a.address] })
    await waitFor(async () => await isHandshaken(b, a) && await isHandshaken(a, b), { timeoutMs: 15_000, what: 'first handshake' })
    const since = await lastSeq(b)
    const killedAt = Date.now()
    await a.kill('SIGKILL')
    await waitFor(async () => !(await isLinked(b, a)), { timeoutMs: 10_000, what: 'link closed' })
    const closedMs = Date.now() - killedAt
    const afterKill = await lifecycle(b, a, since)
    const [first] = afterKill
    assert.ok(first !== undefined)
    assert.equal(first.event_type, 'session_close')
    assert.equal(first.payload.reason, 'remote_close', `noticed in ${closedMs} ms from the closed connection, not by heartbeat`)
    assert.ok(!afterKill.some((event) => event.event_type === 'heartbeat_timeout'))
    const restarted = await startNodeProcess({ dataDir, port })
    assert.equal(restarted.info.fingerprint, a.info.fingerprint)
    await waitFor(async () => await isHandshaken(b, restarted) && await isHandshaken(restarted, b), { timeoutMs: 30_000, what: 'handshake after restart' })
    const kinds = (await lifecycle(b, a, since)).map((event) => event.event_type)
    assert.deepEqual(kinds.slice(0, 2), ['session_close', 'reconnect'])
    assert.ok(kinds.includes('session_open') && kinds.includes('handshake_completed'), kinds.join(' '))
    // The restarted node read its peers back from mesh.db: B was already known, so the handshake is no first meeting.
    const knownB = (await peersOf(restarted)).find((peer) => peer.fingerprint === b.info.fingerprint)
    assert.equal(knownB?.trust, 'probing')
  })
})
