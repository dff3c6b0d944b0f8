/**
 * One demo node as a child process: `web4mesh start` on 127.0.0.1 with an ephemeral
 * listen port and the admin API on port 0, its pino log in `DATA/node.log`. Ready once
 * its `node.json` names this process (the file tells the ports it took).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleepFor } from 'node:timers/promises'
import { DATA_FILES } from '../../config/constants.ts'
import { readNodeInfo } from '../../config/runtime-files.ts'
import type { NodeInfoFile } from '../../config/runtime-files.ts'
import { CliError } from '../cli-error.ts'
import { requestAdmin } from './admin-request.ts'
import type { AdminEndpoint, AdminRequestOptions } from './admin-request.ts'
import { DEMO_NODE_READY_TIMEOUT_MS, DEMO_POLL_INTERVAL_MS } from './constants.ts'

/** How one node is started. */
export interface DemoNodeInit {
  /** Agent id (and name in messages). */
  name: string
  dataDir: string
  /** The CLI entry to run (`src/cli/main.ts` or `dist/cli/main.js`). */
  entry: string
  /** Multiaddrs to dial (`--peer`). */
  peers: readonly string[]
  /** Pinned roots (`--trust`). */
  trust: readonly string[]
}

/** Name of the node's log file in its data directory. */
export const NODE_LOG_FILE = 'node.log'
/** Characters of a node's stderr kept for the message when it fails to start. */
const STDERR_TAIL_CHARS = 2000

/** A `web4mesh start` child process. */
export class DemoNodeProcess {
  readonly name: string
  readonly dataDir: string
  readonly pid: number
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>
  readonly #child: ChildProcess
  #stderr = ''
  #info: NodeInfoFile | undefined
  #endpoint: AdminEndpoint | undefined

  private constructor (init: DemoNodeInit, child: ChildProcess, pid: number) {
    this.name = init.name
    this.dataDir = init.dataDir
    this.#child = child
    this.pid = pid
    this.exited = new Promise((resolve) => {
      child.once('exit', () => { resolve() })
    })
    child.on('error', (err) => { this.#stderr += `\n${err.message}` })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_CHARS) })
  }

  /**
   * Spawns `web4mesh start` for `init` (not yet ready: see {@link ready}).
   *
   * @throws {CliError} when the process cannot be spawned
   */
  static spawn (init: DemoNodeInit): DemoNodeProcess {
    const args = [init.entry, 'start', '--data', init.dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--admin', '127.0.0.1:0', '--log-level', 'info']
    for (const peer of init.peers) args.push('--peer', peer)
    for (const fingerprint of init.trust) args.push('--trust', fingerprint)
    const log = openSync(join(init.dataDir, NODE_LOG_FILE), 'a', 0o600)
    let child: ChildProcess
    try {
      child = spawn(process.execPath, args, { stdio: ['ignore', log, 'pipe'] })
    } finally {
      closeSync(log)
    }
    if (child.pid === undefined) {
      child.on('error', () => { /* reported below */ })
      throw new CliError(`Cannot start node "${init.name}": the process did not spawn`)
    }
    return new DemoNodeProcess(init, child, child.pid)
  }

  /** What its `node.json` says (after {@link ready}). */
  get info (): NodeInfoFile {
    if (this.#info === undefined) throw new Error(`Node "${this.name}" is not ready`)
    return this.#info
  }

  /** True until the process has exited. */
  get isRunning (): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null
  }

  /**
   * Waits until `node.json` names this process.
   *
   * @throws {CliError} when the process exits first (with its last stderr line) or the time is up
   */
  async ready (options: { signal?: AbortSignal, timeoutMs?: number } = {}): Promise<NodeInfoFile> {
    const timeoutMs = options.timeoutMs ?? DEMO_NODE_READY_TIMEOUT_MS
    const deadline = performance.now() + timeoutMs
    for (;;) {
      options.signal?.throwIfAborted()
      if (!this.isRunning) throw new CliError(`Cannot start node "${this.name}": it exited (${this.#child.exitCode ?? this.#child.signalCode}): ${lastLine(this.#stderr)}`)
      const info = await readNodeInfo(this.dataDir).catch(() => undefined)
      if (info?.pid === this.pid) {
        const token = (await readFile(join(this.dataDir, DATA_FILES.adminToken), 'utf8')).trim()
        this.#info = info
        this.#endpoint = { name: this.name, url: info.admin_url, token }
        return info
      }
      if (performance.now() > deadline) throw new CliError(`Timed out after ${timeoutMs / 1000} s waiting for node "${this.name}" to start`)
      await sleepFor(DEMO_POLL_INTERVAL_MS, undefined, { signal: options.signal })
    }
  }

  /** A request to its admin API (see {@link requestAdmin}). */
  async request (path: string, options: AdminRequestOptions = {}): Promise<unknown> {
    if (this.#endpoint === undefined) throw new Error(`Node "${this.name}" is not ready`)
    return await requestAdmin(this.#endpoint, path, options)
  }

  /** Sends `signal` unless the process has exited. */
  kill (signal: NodeJS.Signals): void {
    if (this.isRunning) this.#child.kill(signal)
  }
}

function lastLine (text: string): string {
  const line = text.trimEnd().split('\n').at(-1) ?? ''
  return line === '' ? 'no output' : line
}
