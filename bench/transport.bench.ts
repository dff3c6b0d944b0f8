/**
 * Transport and handshake benchmarks (issue #3), each against a baseline measured in
 * the same run over real TCP on 127.0.0.1:
 * - dial start → CIP handshake complete, vs dial start → libp2p connection ready
 *   (target ≤ 1.5);
 * - heartbeat RTT p50 vs a plain libp2p echo over a raw stream, both timed with
 *   `performance.now()` (target ≤ 1.2);
 * - RSS of one node process holding 10 peers (a figure), and of one holding none.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { initDataDir } from '../src/config/data-dir.ts'
import { readNodeInfo } from '../src/config/runtime-files.ts'
import { createMeshNode } from '../src/node.ts'
import type { MeshNode } from '../src/node.ts'
import { generateKeyPairIdentity } from '../src/protocol/identity/index.ts'
import type { BenchRow } from './measure.ts'
import { ECHO_PROTOCOL } from './echo-protocol.ts'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function plainNode (): Promise<Libp2p> {
  return await createLibp2p({ addresses: { listen: [LOOPBACK] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
}

async function meshNode (agentId: string, heartbeatIntervalMs?: number): Promise<MeshNode> {
  const node = await createMeshNode({
    identity: generateKeyPairIdentity(), agentId, listen: [LOOPBACK],
    ...(heartbeatIntervalMs === undefined ? {} : { supervisor: { heartbeatIntervalMs } })
  })
  await node.start()
  return node
}

function loopbackAddress (addresses: string[]): string {
  return addresses.find((address) => address.startsWith('/ip4/127.0.0.1/')) ?? addresses[0] ?? ''
}

/** Time from `connect()` to the dialer's `handshake_completed`, in ms. */
async function timeHandshake (targetAddress: string): Promise<number> {
  const dialer = await meshNode('bench-dialer')
  try {
    const done = new Promise<number>((resolve) => {
      dialer.events.subscribe((event) => { if (event.event_type === 'handshake_completed') resolve(performance.now()) })
    })
    const start = performance.now()
    dialer.connect(targetAddress)
    return (await done) - start
  } finally {
    await dialer.stop()
  }
}

/** Time from `dial()` to a ready libp2p connection (TCP + Noise + Yamux), in ms. */
async function timeConnection (targetAddress: string): Promise<number> {
  const dialer = await plainNode()
  try {
    const start = performance.now()
    await dialer.dial(multiaddr(targetAddress))
    return performance.now() - start
  } finally {
    await dialer.stop()
  }
}

async function handshakeRow (rounds: number): Promise<BenchRow> {
  // The target runs in its own process, as a real peer would.
  const target = await farPeer('mesh', 1000)
  const handshakes: number[] = []
  const connections: number[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      connections.push(await timeConnection(target.address))
      // Stay under the target's limit of 5 inbound connections per address per second (DESIGN §6).
      await new Promise((resolve) => setTimeout(resolve, 250))
      handshakes.push(await timeHandshake(target.address))
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } finally {
    await target.stop()
  }
  const subject = median(handshakes)
  const baseline = median(connections)
  return { name: 'dial → CIP handshake complete (median ms)', rate: subject, baselineName: 'dial → libp2p connection ready', baselineRate: baseline, ratio: subject / baseline, target: 1.5, unit: 'ms', isLowerBetter: true }
}

/** A child process running `bench/peer-process.ts`; resolves once it printed its address. */
async function farPeer (mode: 'raw' | 'mesh', intervalMs: number): Promise<{ address: string, child: ChildProcess, stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'peer-process.ts'), mode, String(intervalMs)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', () => { reject(new Error('bench peer exited')) })
  })
  const { address } = JSON.parse(line) as { address: string }
  return {
    address,
    child,
    stop: async () => {
      child.stdin.end()
      await new Promise((resolve) => { child.once('exit', resolve) })
    }
  }
}

/**
 * Echo round trips of 5-byte frames to a raw libp2p node in another process, in ms,
 * one every `intervalMs`, while that node echoes against us at the same pace — the load
 * two heartbeating peers put on each other.
 */
async function echoSamples (count: number, intervalMs: number): Promise<number[]> {
  const far = await farPeer('raw', intervalMs)
  const near = await plainNode()
  try {
    await near.handle(ECHO_PROTOCOL, (stream) => {
      stream.addEventListener('message', (event) => { stream.send(event.data) })
    })
    far.child.stdin?.write(`${near.getMultiaddrs()[0]?.toString() ?? ''}\n`)
    const stream = await near.dialProtocol(multiaddr(far.address), ECHO_PROTOCOL)
    let answer: (() => void) | undefined
    stream.addEventListener('message', () => { answer?.() })
    const samples: number[] = []
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
      const start = performance.now()
      const answered = new Promise<void>((resolve) => { answer = resolve })
      stream.send(new Uint8Array([1, 0, 0, 0, i & 0xff]))
      await answered
      samples.push(performance.now() - start)
    }
    return samples
  } finally {
    await near.stop()
    await far.stop()
  }
}

/** Heartbeat RTT p50 to a mesh node in another process, both pinging every `intervalMs`, in ms. */
async function heartbeatP50 (intervalMs: number, samples: number): Promise<number> {
  const far = await farPeer('mesh', intervalMs)
  const near = await meshNode('bench-hb-near', intervalMs)
  try {
    near.connect(far.address)
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
      const rtt = near.peers().find((peer) => peer.isLinked)?.liveRtt
      if (rtt !== null && rtt !== undefined && rtt.samples >= samples) return rtt.p50Ms
    }
  } finally {
    await near.stop()
    await far.stop()
  }
}

async function heartbeatRow (): Promise<BenchRow> {
  const subject: number[] = []
  const baseline: number[] = []
  for (let slice = 0; slice < 5; slice++) {
    baseline.push(median(await echoSamples(100, 20)))
    subject.push(await heartbeatP50(20, 100))
  }
  const rate = median(subject)
  const baselineRate = median(baseline)
  return { name: 'heartbeat RTT p50 (ms)', rate, baselineName: 'raw libp2p stream echo p50', baselineRate, ratio: rate / baselineRate, target: 1.2, unit: 'ms', isLowerBetter: true }
}

/** RSS in MiB of a `web4mesh start` process linked to `peerCount` in-process peers. */
async function rssWithPeers (peerCount: number): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'web4mesh-bench-rss-'))
  const peers = await Promise.all(Array.from({ length: peerCount }, async (_, i) => await meshNode(`bench-peer-${i}`)))
  const dataDir = join(root, 'measured')
  await initDataDir(dataDir, 'measured')
  // The built CLI, as an installed package runs it (type stripping alone costs ~30 MiB).
  const args = [join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'), 'start', '--data', dataDir, '--listen', LOOPBACK, '--admin', '127.0.0.1:0', '--log-level', 'silent']
  for (const peer of peers) args.push('--peer', loopbackAddress(peer.info().multiaddrs))
  const child = spawn(process.execPath, args, { stdio: 'ignore' })
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      if (child.exitCode !== null) throw new Error('measured node exited')
      const info = await readNodeInfo(dataDir).catch(() => undefined)
      if (info === undefined) continue
      const linked = peers.filter((peer) => peer.peers().some((view) => view.isHandshaken)).length
      if (linked === peerCount) break
    }
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
    return kib / 1024
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => { child.once('exit', resolve) })
    await Promise.allSettled(peers.map(async (peer) => { await peer.stop() }))
    await rm(root, { recursive: true, force: true })
  }
}

/** Rows for the transport and handshake. */
export async function runTransportBench (): Promise<BenchRow[]> {
  const rows = [await handshakeRow(15), await heartbeatRow()]
  const idle = await rssWithPeers(0)
  const loaded = await rssWithPeers(10)
  rows.push({ name: 'RSS of one node process holding 10 peers (MiB)', rate: loaded, baselineName: 'same node holding none', baselineRate: idle, ratio: loaded / idle, unit: 'MiB', isLowerBetter: true })
  return rows
}
