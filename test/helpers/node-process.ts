/**
 * Nodes as separate processes (`web4mesh start`) for fault tests: temporary data
 * directories, a fixed loopback address and port per node so a restarted node is found
 * again (each node may listen on its own 127.0.0.x), pause (SIGSTOP) / resume / kill /
 * restart, and an admin API client. Every process a test starts is killed by
 * `stopAllProcesses()`.
 *
 * `env` reaches the node process: `WEB4MESH_CLOCK_OFFSET_MS` (test-only,
 * `src/config/clock.ts`) shifts that node's wall clock by the given ms, so skew tests run
 * a node ahead of (positive) or behind (negative) the others.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { initDataDir, loadDataDir } from '../../src/config/data-dir.ts'
import { readNodeInfo } from '../../src/config/runtime-files.ts'
import type { NodeInfoFile } from '../../src/config/runtime-files.ts'
import { exportRawKeyPair } from '../../src/protocol/identity/index.ts'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CLI_PATH } from './run-cli.ts'
import { waitFor } from './wait-for.ts'

const running = new Set<ChildProcess>()

/** A free TCP port on `host` (bound and released; fine for tests on one machine). */
export async function freePort (host = '127.0.0.1'): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, host, resolve) })
  const address = server.address()
  await new Promise<void>((resolve) => {
    server.close(() => { resolve() })
  })
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface NodeProcessOptions {
  dataDir: string
  port: number
  /** The loopback address the node listens on. @default '127.0.0.1' */
  host?: string
  peers?: string[]
  trust?: string[]
  /** Extra environment of the process (e.g. `WEB4MESH_CLOCK_OFFSET_MS`). */
  env?: NodeJS.ProcessEnv
}

/** What an admin API call answered. */
export interface AdminAnswer {
  status: number
  body: unknown
}

/** A node running as a child process. */
export interface NodeProcess {
  readonly options: NodeProcessOptions
  readonly info: NodeInfoFile
  readonly child: ChildProcess
  /** The address others dial (with `/p2p/<id>`). */
  readonly address: string
  /** GET on the admin API with the token; resolves with the parsed JSON. */
  get: (path: string) => Promise<unknown>
  /** POST of `body` as JSON with the token; resolves with the parsed JSON, rejects on a status other than 2xx. */
  post: (path: string, body: unknown) => Promise<unknown>
  /** Any admin API call with the token; resolves with the status and the parsed JSON, whatever the status. */
  request: (method: string, path: string, body?: unknown, options?: { timeoutMs?: number }) => Promise<AdminAnswer>
  /** `GET /metrics` as text. */
  metricsText: () => Promise<string>
  pause: () => void
  resume: () => void
  /** Sends `signal` and waits for the exit; resolves with the exit code. */
  kill: (signal?: NodeJS.Signals) => Promise<number | null>
  /** True until the process exits. */
  readonly isRunning: boolean
  /** The last 8 KiB the process wrote on stderr (for failure messages). */
  stderrTail: () => string
  /** The last 8 KiB of its log (pino JSON lines on stdout, level warn and above). */
  logTail: () => string
}

/** Creates a data directory with identity and config. */
export async function createDataDir (root: string, agentId: string): Promise<string> {
  const path = join(root, agentId)
  await initDataDir(path, agentId)
  return path
}

/** The fingerprint and libp2p peer id a data directory's key gives, known before the node starts. */
export async function identityOf (dataDir: string): Promise<{ fingerprint: string, peerId: string }> {
  const { identity } = await loadDataDir(dataDir)
  return { fingerprint: identity.fingerprint, peerId: peerIdFromPrivateKey(privateKeyFromRaw(exportRawKeyPair(identity))).toString() }
}

/** Keeps the last `STDERR_TAIL_CHARS` of a process's stderr. */
const STDERR_TAIL_CHARS = 8192

/** Starts `web4mesh start` and waits until its `node.json` names this process. */
export async function startNodeProcess (options: NodeProcessOptions): Promise<NodeProcess> {
  const host = options.host ?? '127.0.0.1'
  const args = [CLI_PATH, 'start', '--data', options.dataDir, '--listen', `/ip4/${host}/tcp/${options.port}`, '--admin', '127.0.0.1:0', '--log-level', 'warn']
  for (const peer of options.peers ?? []) args.push('--peer', peer)
  for (const fingerprint of options.trust ?? []) args.push('--trust', fingerprint)
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  running.add(child)
  let stderr = ''
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS) })
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { log = (log + chunk).slice(-STDERR_TAIL_CHARS) })
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      running.delete(child)
      resolve(code)
    })
  })
  let info: NodeInfoFile | undefined
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`node exited early (${child.exitCode}): ${stderr}`)
    info = await readNodeInfo(options.dataDir).catch(() => undefined)
    return info?.pid === child.pid
  }, { timeoutMs: 20_000, what: `node.json of ${options.dataDir}` })
  if (info === undefined) throw new Error('unreachable')
  const token = (await readFile(join(options.dataDir, 'admin.token'), 'utf8')).trim()
  const ready = info
  const address = ready.multiaddrs.find((candidate) => candidate.includes(`/tcp/${options.port}/`)) ?? ready.multiaddrs[0] ?? ''
  const request = async (method: string, path: string, body?: unknown, requestOptions: { timeoutMs?: number } = {}): Promise<AdminAnswer> => {
    const response = await fetch(`${ready.admin_url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestOptions.timeoutMs ?? 5000)
    })
    return { status: response.status, body: await response.json() }
  }
  return {
    options,
    info: ready,
    child,
    address,
    get: async (path) => {
      const response = await fetch(`${ready.admin_url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) })
      if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
      return await response.json()
    },
    post: async (path, body) => {
      const answer = await request('POST', path, body)
      if (answer.status < 200 || answer.status > 299) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
      return answer.body
    },
    request,
    metricsText: async () => {
      const response = await fetch(`${ready.admin_url}/metrics`, { signal: AbortSignal.timeout(5000) })
      if (!response.ok) throw new Error(`GET /metrics: ${response.status}`)
      return await response.text()
    },
    pause: () => { child.kill('SIGSTOP') },
    resume: () => { child.kill('SIGCONT') },
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return await exited
    },
    get isRunning () { return child.exitCode === null && child.signalCode === null },
    stderrTail: () => stderr,
    logTail: () => log
  }
}

/** Kills every process a test started (resuming paused ones first). */
export async function stopAllProcesses (): Promise<void> {
  await Promise.allSettled([...running].map(async (child) => {
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await new Promise((resolve) => { child.once('exit', resolve) })
  }))
}

/** One peer as `GET /v1/peers` reports it. */
export interface PeerJson {
  fingerprint: string
  agent_id: string
  trust: string
  link: { is_linked: boolean, is_handshaken: boolean, direction: string | null }
  rtt: { p50_ms: number, p95_ms: number, smoothed_ms: number } | null
}

/** One event as `GET /v1/events` reports it. */
export interface EventJson {
  event_type: string
  peer: string | null
  payload: Record<string, unknown>
  seq: number
  occurred_at: string
}

/** The peers of a node process. */
export async function peersOf (node: NodeProcess): Promise<PeerJson[]> {
  return await node.get('/v1/peers') as PeerJson[]
}

/** The events of a node process since `seq`. */
export async function eventsOf (node: NodeProcess, since = 0): Promise<EventJson[]> {
  return await node.get(`/v1/events?since=${since}`) as EventJson[]
}
