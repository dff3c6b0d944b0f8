/**
 * The demo's node processes and their temporary data directories (under the OS temp
 * dir, made by the code of `web4mesh init`). Stopping sends SIGTERM, then SIGKILL to
 * any process still running after a grace period, and waits until every one has
 * exited; removing deletes the directories. Both have synchronous forms for an exiting
 * process, where nothing can be awaited.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { setTimeout as sleepFor } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { initDataDir } from '../../config/data-dir.ts'
import { DEMO_STOP_GRACE_MS, DEMO_TEMP_PREFIX } from './constants.ts'
import { DemoNodeProcess } from './node-process.ts'

export interface DemoClusterInit {
  /** The CLI entry each node runs. @default this build's `cli/main` (`.ts` from src, `.js` from dist) */
  entry?: string
}

/** How a node of the cluster is started. */
export interface DemoNodeStart {
  peers: readonly string[]
  trust: readonly string[]
}

/** Processes and data of one demo run. */
export class DemoCluster {
  /** The temporary directory holding every node's data directory. */
  readonly root: string
  readonly #entry: string
  readonly #nodes = new Map<string, DemoNodeProcess>()

  private constructor (root: string, entry: string) {
    this.root = root
    this.#entry = entry
  }

  /** A cluster with a fresh temporary directory. */
  static async create (init: DemoClusterInit = {}): Promise<DemoCluster> {
    return new DemoCluster(await mkdtemp(join(tmpdir(), DEMO_TEMP_PREFIX)), init.entry ?? defaultCliEntry())
  }

  /** The nodes spawned so far, in spawn order. */
  get nodes (): readonly DemoNodeProcess[] {
    return [...this.#nodes.values()]
  }

  /** The data directory of `name`. */
  dataDirOf (name: string): string {
    return join(this.root, name)
  }

  /** Creates `name`'s identity and config (as `web4mesh init`); answers its fingerprint. */
  async init (name: string): Promise<string> {
    return (await initDataDir(this.dataDirOf(name), name)).identity.fingerprint
  }

  /** Spawns `web4mesh start` for `name` (wait for it with `ready()`). */
  spawn (name: string, start: DemoNodeStart): DemoNodeProcess {
    const node = DemoNodeProcess.spawn({ name, dataDir: this.dataDirOf(name), entry: this.#entry, ...start })
    this.#nodes.set(name, node)
    return node
  }

  /** The node `name`. @throws {Error} when it was never spawned */
  node (name: string): DemoNodeProcess {
    const node = this.#nodes.get(name)
    if (node === undefined) throw new Error(`No demo node "${name}"`)
    return node
  }

  /** SIGTERM to every running node, SIGKILL after `graceMs` to those still running; resolves once all have exited. */
  async stop (graceMs: number = DEMO_STOP_GRACE_MS): Promise<void> {
    const nodes = this.nodes
    for (const node of nodes) node.kill('SIGTERM')
    const allExited = Promise.all(nodes.map(async (node) => { await node.exited }))
    const grace = new AbortController()
    const isExited = await Promise.race([allExited.then(() => true), sleepFor(graceMs, false, { signal: grace.signal }).catch(() => false)])
    grace.abort()
    if (!isExited) for (const node of nodes) node.kill('SIGKILL')
    await allExited
  }

  /** SIGKILL to every running node, at once (for an exiting process). */
  killNow (): void {
    for (const node of this.#nodes.values()) node.kill('SIGKILL')
  }

  /** Deletes the temporary directory. */
  async remove (): Promise<void> {
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 })
  }

  /** Deletes the temporary directory synchronously (for an exiting process). */
  removeNow (): void {
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** `main.ts` beside this module's folder when run from src, `main.js` when run from dist. */
function defaultCliEntry (): string {
  const here = fileURLToPath(import.meta.url)
  return fileURLToPath(new URL(`../main${extname(here)}`, import.meta.url))
}
