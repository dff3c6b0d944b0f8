/**
 * Resource suite (issue #7 item 4): 1,000 TCP connections to a `web4mesh start` process's
 * libp2p port that never finish the Noise handshake — half say nothing, half select
 * `/noise` with multistream-select and then fall silent — from ten loopback addresses
 * (127.0.0.20–29), as a small botnet would. Meanwhile a real node (in this process, from
 * 127.0.0.1) connects with its ordinary reconnect policy. Asserts that the real peer
 * links and completes its HELLO, that the process closes every half-open socket (refused
 * at once past the pending and per-address limits, or at the upgrade timeout), and that
 * its descriptors come back down. How long the real peer took, and how the half-open
 * sockets ended, are reported, never asserted.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CONNECTION_UPGRADE_TIMEOUT_MS, MAX_PENDING_INBOUND_CONNECTIONS } from '../../src/transport/libp2p/constants.ts'
import { createDataDir, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'

const HALF_OPEN = 1000
const ATTACKER_ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.0.${20 + i}`)
/** Longest wait for the real peer (generous: its reconnect tiers are 1 s, 5 s, 15 s, and the pending slots free at the upgrade timeout). */
const REAL_PEER_TIMEOUT_MS = 60_000
/** Longest wait for the process to close every half-open socket: the upgrade timeout plus slack for a loaded machine. */
const CLOSE_ALL_TIMEOUT_MS = CONNECTION_UPGRADE_TIMEOUT_MS + 30_000
/** Descriptors the process may still hold beyond its count before the attack, once it is over. */
const FD_SLACK = 16

/** A multistream-select message: a varint length (< 128 here) and the line. */
function mssMessage (line: string): Buffer {
  const bytes = Buffer.from(`${line}\n`)
  return Buffer.concat([Buffer.from([bytes.length]), bytes])
}
const SELECT_NOISE = Buffer.concat([mssMessage('/multistream/1.0.0'), mssMessage('/noise')])

let root = ''
let target: NodeProcess | undefined
let real: TappedNode | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-half-open-'))
  target = await startNodeProcess({ dataDir: await createDataDir(root, 'half-open'), port: await freePort() })
})
after(async () => {
  await Promise.race([real?.node.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

async function fdCount (pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length
}

interface HalfOpenStats {
  connected: number
  connectFailed: number
  /** Time from connect to the server's close, per socket closed by the server. */
  closedAfterMs: number[]
}

/** Opens the half-open sockets; resolves once every connect attempt has settled. */
async function openHalfOpen (port: number, host: string, stats: HalfOpenStats, sockets: Set<Socket>): Promise<void> {
  await Promise.all(Array.from({ length: HALF_OPEN }, async (_, i) => {
    await new Promise<void>((resolve) => {
      const socket = connect({ port, host, localAddress: ATTACKER_ADDRESSES[i % ATTACKER_ADDRESSES.length] })
      sockets.add(socket)
      let connectedAt = 0
      socket.on('error', () => { /* reset by the server */ })
      socket.on('data', () => { /* the server's multistream answer is ignored */ })
      socket.once('connect', () => {
        connectedAt = performance.now()
        stats.connected++
        if (i % 2 === 1) socket.write(SELECT_NOISE)
        resolve()
      })
      socket.once('close', () => {
        sockets.delete(socket)
        if (connectedAt === 0) {
          stats.connectFailed++
          resolve()
        } else {
          stats.closedAfterMs.push(performance.now() - connectedAt)
        }
      })
    })
  }))
}

describe('resource: 1,000 connections that never finish the Noise handshake', { timeout: 120_000 }, () => {
  it('a real peer still links and completes HELLO; every half-open socket is closed and the descriptors come back down', async (t) => {
    assert.ok(target !== undefined)
    const node = target
    const idleFds = await fdCount(node.info.pid)
    const stats: HalfOpenStats = { connected: 0, connectFailed: 0, closedAfterMs: [] }
    const sockets = new Set<Socket>()
    const startedAt = performance.now()
    try {
      await openHalfOpen(node.options.port, node.options.host ?? '127.0.0.1', stats, sockets)
      const openedMs = performance.now() - startedAt
      const peakFds = await fdCount(node.info.pid)

      // The real peer connects only now, with every half-open socket already in place.
      const realStartedAt = performance.now()
      real = await startTappedNode('half-open-real')
      const realFingerprint = real.node.identity.fingerprint
      real.node.connect(node.address)
      await waitFor(async () => (await peersOf(node)).some((peer) => peer.fingerprint === realFingerprint && peer.link.is_handshaken), {
        timeoutMs: REAL_PEER_TIMEOUT_MS, intervalMs: 250, what: 'the real peer to link and complete HELLO'
      })
      const realMs = performance.now() - realStartedAt

      await waitFor(() => sockets.size === 0, { timeoutMs: CLOSE_ALL_TIMEOUT_MS, intervalMs: 250, what: () => `the process to close every half-open socket (${sockets.size} open)` })
      const allClosedMs = performance.now() - startedAt
      const closed = stats.closedAfterMs.sort((a, b) => a - b)
      const refusedAtOnce = closed.filter((ms) => ms < 1000).length
      t.diagnostic(`half-open: ${HALF_OPEN} sockets from ${ATTACKER_ADDRESSES.length} addresses opened in ${openedMs.toFixed(0)} ms (${stats.connected} connected, ${stats.connectFailed} failed to connect); ${refusedAtOnce} closed within 1 s, ${closed.length - refusedAtOnce} held until ${(closed.at(-1) ?? 0).toFixed(0)} ms (upgrade timeout ${CONNECTION_UPGRADE_TIMEOUT_MS} ms, ${MAX_PENDING_INBOUND_CONNECTIONS} pending at most); all closed ${allClosedMs.toFixed(0)} ms after the first`)
      t.diagnostic(`real peer linked and handshaken ${realMs.toFixed(0)} ms after it started dialling; process descriptors idle ${idleFds}, after the flood ${peakFds}`)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
    assert.equal(stats.connected + stats.connectFailed, HALF_OPEN)
    await waitFor(async () => await fdCount(node.info.pid) <= idleFds + FD_SLACK, { timeoutMs: 10_000, what: 'the process descriptors to come back down' })
    assert.equal((await node.request('GET', '/v1/node')).status, 200)
  })
})
