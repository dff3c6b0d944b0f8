/**
 * Nodes as separate processes (`web4mesh start`) for fault tests: temporary data
 * directories, a fixed loopback port per node so a restarted node is found again,
 * pause (SIGSTOP) / resume / kill / restart, and an admin API client. Every process a
 * test starts is killed by `stopAllProcesses()`.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { initDataDir } from '../../src/config/data-dir.ts'
import { readNodeInfo } from '../../src/config/runtime-files.ts'
import type { NodeInfoFile } from '../../src/config/runtime-files.ts'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CLI_PATH } from './run-cli.ts'
import { waitFor } from './wait-for.ts'

const running = new Set<ChildProcess>()

/** A free TCP port on 127.0.0.1 (bound and released; fine for tests on one machine). */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
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
  peers?: string[]
  trust?: string[]
  env?: NodeJS.ProcessEnv
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
  pause: () => void
  resume: () => void
  /** Sends `signal` and waits for the exit; resolves with the exit code. */
  kill: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Creates a data directory with identity and config. */
export async function createDataDir (root: string, agentId: string): Promise<string> {
  const path = join(root, agentId)
  await initDataDir(path, agentId)
  return path
}

/** Starts `web4mesh start` and waits until its `node.json` names this process. */
export async function startNodeProcess (options: NodeProcessOptions): Promise<NodeProcess> {
  const args = [CLI_PATH, 'start', '--data', options.dataDir, '--listen', `/ip4/127.0.0.1/tcp/${options.port}`, '--admin', '127.0.0.1:0', '--log-level', 'warn']
  for (const peer of options.peers ?? []) args.push('--peer', peer)
  for (const fingerprint of options.trust ?? []) args.push('--trust', fingerprint)
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } })
  running.add(child)
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
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
    pause: () => { child.kill('SIGSTOP') },
    resume: () => { child.kill('SIGCONT') },
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return await exited
    }
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
