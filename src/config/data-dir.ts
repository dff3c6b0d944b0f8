/**
 * The data directory (DESIGN §4): `identity.key` (PKCS#8 PEM, 0600) and `config.json`.
 * Created by `web4mesh init`, read by every command that acts as the node.
 */
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { exportPrivateKeyPem, generateKeyPairIdentity, importPrivateKeyPem } from '../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../protocol/identity/index.ts'
import { DATA_FILES } from './constants.ts'
import { defaultNodeConfig, parseNodeConfig } from './node-config.ts'
import type { NodeConfig } from './node-config.ts'

/** What a data directory holds once initialised. */
export interface DataDir {
  path: string
  identity: KeyPairIdentity
  config: Readonly<NodeConfig>
}

/** Error for a data directory that is missing, incomplete or unsafe. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError'
}

/**
 * Creates identity and config in `path` (the directory is created, mode 0700).
 *
 * @throws {DataDirError} when `path` already holds an identity
 */
export async function initDataDir (path: string, agentId: string): Promise<DataDir> {
  const config = defaultNodeConfig(agentId)
  await mkdir(path, { recursive: true, mode: 0o700 })
  const identity = generateKeyPairIdentity()
  await writeNewFile(join(path, DATA_FILES.identity), exportPrivateKeyPem(identity), 0o600)
  await writeFileAtomic(join(path, DATA_FILES.config), `${JSON.stringify(config, null, 2)}\n`, 0o644)
  return { path, identity, config }
}

/**
 * Reads identity and config from `path`.
 *
 * @throws {DataDirError} when files are missing, or the key file is readable by others
 * @throws {RangeError} when the config is invalid
 */
export async function loadDataDir (path: string): Promise<DataDir> {
  const keyPath = join(path, DATA_FILES.identity)
  let mode: number
  try {
    mode = (await stat(keyPath)).mode
  } catch {
    throw new DataDirError(`Cannot open data directory "${path}": no ${DATA_FILES.identity} (run "web4mesh init --data ${path} --agent-id NAME")`)
  }
  if ((mode & 0o077) !== 0) {
    throw new DataDirError(`Cannot use key file "${keyPath}": mode ${(mode & 0o777).toString(8)} lets others read it (chmod 600)`)
  }
  const identity = importPrivateKeyPem(await readFile(keyPath, 'utf8'))
  let configText: string
  try {
    configText = await readFile(join(path, DATA_FILES.config), 'utf8')
  } catch {
    throw new DataDirError(`Cannot open data directory "${path}": no ${DATA_FILES.config}`)
  }
  return { path, identity, config: parseNodeConfig(configText) }
}

/** Writes a file that must not exist yet, with `mode` from the start (no window where it is readable). */
async function writeNewFile (path: string, text: string, mode: number): Promise<void> {
  let handle
  try {
    handle = await open(path, 'wx', mode)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new DataDirError(`Cannot initialise: "${path}" already exists`)
    throw err
  }
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await chmod(path, mode)
}

/** Writes through a temporary file and a rename, so readers never see half a file. */
export async function writeFileAtomic (path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const handle = await open(temporary, 'w', mode)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await chmod(temporary, mode)
  await rename(temporary, path)
}
