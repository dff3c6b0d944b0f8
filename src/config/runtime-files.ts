/**
 * Files a running node keeps in its data directory (DESIGN §4): `admin.token` (0600,
 * 256 bits) and `node.json`, written once the node is ready and removed at shutdown.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseJson } from '../protocol/json-intake.ts'
import { DATA_FILES } from './constants.ts'
import { DataDirError, writeFileAtomic } from './data-dir.ts'

/** What `node.json` holds. */
export interface NodeInfoFile {
  agent_id: string
  fingerprint: string
  peer_id: string
  multiaddrs: string[]
  admin_url: string
  pid: number
}

/** Bytes of randomness in a new admin token. */
const ADMIN_TOKEN_BYTES = 32

/**
 * The admin token of `dataDir`, created (0600) if missing.
 *
 * @throws {DataDirError} when the file exists but others can read it, or is not a token
 */
export async function loadOrCreateAdminToken (dataDir: string): Promise<string> {
  const path = join(dataDir, DATA_FILES.adminToken)
  let mode: number | undefined
  try {
    mode = (await stat(path)).mode
  } catch {
    const token = randomBytes(ADMIN_TOKEN_BYTES).toString('hex')
    await writeFileAtomic(path, `${token}\n`, 0o600)
    return token
  }
  if ((mode & 0o077) !== 0) throw new DataDirError(`Cannot use admin token "${path}": mode ${(mode & 0o777).toString(8)} lets others read it (chmod 600)`)
  const token = (await readFile(path, 'utf8')).trim()
  if (!/^[0-9a-f]{64}$/.test(token)) throw new DataDirError(`Cannot use admin token "${path}": not 64 hex characters`)
  return token
}

/** Writes `node.json` atomically. */
export async function writeNodeInfo (dataDir: string, info: NodeInfoFile): Promise<void> {
  await writeFileAtomic(join(dataDir, DATA_FILES.nodeInfo), `${JSON.stringify(info, null, 2)}\n`, 0o644)
}

/** Removes `node.json` (the node is no longer running). */
export async function removeNodeInfo (dataDir: string): Promise<void> {
  await rm(join(dataDir, DATA_FILES.nodeInfo), { force: true })
}

/**
 * The running node's `node.json`, or undefined when there is none or its process is gone.
 *
 * @throws {DataDirError} when the file is not valid
 */
export async function readNodeInfo (dataDir: string): Promise<NodeInfoFile | undefined> {
  let text: string
  try {
    text = await readFile(join(dataDir, DATA_FILES.nodeInfo), 'utf8')
  } catch {
    return undefined
  }
  const value = parseJson(text) as Partial<NodeInfoFile> | null
  if (typeof value !== 'object' || value === null || typeof value.admin_url !== 'string' || typeof value.pid !== 'number') {
    throw new DataDirError(`Cannot read "${join(dataDir, DATA_FILES.nodeInfo)}": not a node.json`)
  }
  if (!isProcessAlive(value.pid)) return undefined
  return value as NodeInfoFile
}

function isProcessAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
