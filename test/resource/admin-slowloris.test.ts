/**
 * Resource suite (issue #7 item 4): slowloris against the admin API of a `web4mesh start`
 * process. Twice the socket cap of slow sockets — some dribble their headers a byte a
 * second, some connect and say nothing, some send a request and then dribble its body —
 * reopened as soon as the server closes one, for longer than the headers timeout. Asserts
 * that every `/metrics` probe made meanwhile on a fresh connection is answered (200), that
 * the process never holds more sockets than its cap allows (twice the cap while newcomers
 * have their first-request grace), and that the admin API serves authenticated requests
 * afterwards. Probe latency and how the slow sockets ended are
 * reported, never asserted.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { get } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ADMIN_HEADERS_TIMEOUT_MS, ADMIN_MAX_SOCKETS } from '../../src/admin/constants.ts'
import { createDataDir, freePort, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'

/** Slow sockets kept open at once: twice the cap. */
const SLOW_SOCKETS = 2 * ADMIN_MAX_SOCKETS
/** How long the attack lasts: past the headers timeout, so its expiry is part of the run. */
const ATTACK_MS = ADMIN_HEADERS_TIMEOUT_MS + 5000
const PROBE_INTERVAL_MS = 250
/** The attacker reopens a closed slow socket after this long. */
const RECONNECT_DELAY_MS = 20
/** A probe that takes longer than this counts as unanswered (generous: the machine may be loaded). */
const PROBE_TIMEOUT_MS = 5000
/** Descriptors the process may hold beyond its idle count: twice the admin cap (the cap plus newcomers in their grace) and some slack for its own files and links. */
const FD_SLACK = 2 * ADMIN_MAX_SOCKETS + 16

type SlowKind = 'dribble_headers' | 'silent' | 'dribble_body'
const KINDS: readonly SlowKind[] = ['dribble_headers', 'dribble_headers', 'silent', 'dribble_body']

let root = ''
let node: NodeProcess | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-slowloris-'))
  node = await startNodeProcess({ dataDir: await createDataDir(root, 'slowloris'), port: await freePort() })
})
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

async function fdCount (pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length
}

/** One GET on a fresh connection; resolves with the status (0 when it failed) and the time it took. */
async function probe (url: string): Promise<{ status: number, ms: number, error?: string }> {
  const startedAt = performance.now()
  return await new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume()
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, ms: performance.now() - startedAt }) })
      response.on('error', (err) => { resolve({ status: 0, ms: performance.now() - startedAt, error: err.message }) })
    })
    request.on('timeout', () => { request.destroy(new Error('timeout')) })
    request.on('error', (err: NodeJS.ErrnoException) => { resolve({ status: 0, ms: performance.now() - startedAt, error: err.code ?? err.message }) })
  })
}

/** The attacker: keeps `SLOW_SOCKETS` slow sockets open, replacing each one the server closes. */
function startAttack (port: number, host: string): { stop: () => void, stats: { opened: number, closedByServer: number, lifetimesMs: number[] } } {
  const stats = { opened: 0, closedByServer: 0, lifetimesMs: [] as number[] }
  const sockets = new Set<Socket>()
  let isRunning = true
  const open = (kind: SlowKind): void => {
    const socket = connect(port, '127.0.0.1')
    const openedAt = performance.now()
    stats.opened++
    sockets.add(socket)
    socket.on('error', () => { /* reset by the server */ })
    socket.on('data', () => { /* an answer (e.g. 401 before the body) is ignored */ })
    socket.once('connect', () => {
      if (kind === 'dribble_headers') socket.write(`GET /metrics HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `)
      if (kind === 'dribble_body') socket.write(`POST /v1/messages HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`)
    })
    socket.once('close', () => {
      sockets.delete(socket)
      if (!isRunning) return
      stats.closedByServer++
      stats.lifetimesMs.push(performance.now() - openedAt)
      setTimeout(() => { if (isRunning) open(kind) }, RECONNECT_DELAY_MS)
    })
  }
  for (let i = 0; i < SLOW_SOCKETS; i++) open(KINDS[i % KINDS.length] ?? 'silent')
  const dribble = setInterval(() => { for (const socket of sockets) if (socket.writable) socket.write('x') }, 1000)
  return {
    stats,
    stop: () => {
      isRunning = false
      clearInterval(dribble)
      for (const socket of sockets) socket.destroy()
    }
  }
}

describe('resource: slowloris against the admin API', { timeout: 120_000 }, () => {
  it(`${SLOW_SOCKETS} slow sockets held for ${ATTACK_MS / 1000} s: every /metrics probe is answered and the process holds at most twice its socket cap`, async (t) => {
    assert.ok(node !== undefined)
    const adminUrl = new URL(node.info.admin_url)
    const idleFds = await fdCount(node.info.pid)
    const attack = startAttack(Number(adminUrl.port), adminUrl.host)
    const probes: Array<{ status: number, ms: number, error?: string }> = []
    let maxFds = idleFds
    try {
      const endAt = performance.now() + ATTACK_MS
      while (performance.now() < endAt) {
        const [answer, fds] = await Promise.all([probe(`${node.info.admin_url}/metrics`), fdCount(node.info.pid)])
        probes.push(answer)
        maxFds = Math.max(maxFds, fds)
        await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS))
      }
    } finally {
      attack.stop()
    }
    const latencies = probes.map((answer) => answer.ms).sort((a, b) => a - b)
    const failed = probes.filter((answer) => answer.status !== 200)
    const lifetimes = attack.stats.lifetimesMs.sort((a, b) => a - b)
    t.diagnostic(`slowloris: ${attack.stats.opened} slow sockets opened (${SLOW_SOCKETS} at a time), ${attack.stats.closedByServer} closed by the server; lifetime p50 ${(lifetimes[Math.floor(lifetimes.length / 2)] ?? 0).toFixed(0)} / max ${(lifetimes.at(-1) ?? 0).toFixed(0)} ms`)
    t.diagnostic(`probes: ${probes.length}, answered 200: ${probes.length - failed.length}; latency p50 ${(latencies[Math.floor(latencies.length / 2)] ?? 0).toFixed(1)} / max ${(latencies.at(-1) ?? 0).toFixed(1)} ms; process descriptors idle ${idleFds}, max ${maxFds}`)
    assert.deepEqual(failed, [], 'every /metrics probe answered')
    assert.ok(probes.length >= 10, `probed throughout (${probes.length})`)
    assert.ok(maxFds <= idleFds + FD_SLACK, `descriptors bounded (${maxFds} ≤ ${idleFds} + ${FD_SLACK})`)
    // Still serving authenticated requests after the attack.
    assert.equal((await node.request('GET', '/v1/node')).status, 200)
  })
})
