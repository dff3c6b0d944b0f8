/**
 * The CLI's way to a running node: `DATA/node.json` names the admin URL, `DATA/admin.token`
 * the bearer token. Errors the API answers with come back as the same typed error
 * names, so the CLI exits with the code of the error table.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DATA_FILES } from '../config/constants.ts'
import { readNodeInfo } from '../config/runtime-files.ts'
import type { NodeInfoFile } from '../config/runtime-files.ts'
import { ERROR_TABLE } from '../protocol/errors.ts'
import type { Web4ErrorName } from '../protocol/errors.ts'
import { CliError } from './cli-error.ts'

/** Longest wait for one admin request. */
export const ADMIN_CLIENT_TIMEOUT_MS = 130_000

/** A client of one node's admin API. */
export interface AdminClient {
  readonly node: NodeInfoFile
  get: (path: string) => Promise<unknown>
  post: (path: string, body: unknown) => Promise<unknown>
}

/**
 * The client for the node running on `dataDir`.
 *
 * @throws {CliError} when no node runs there (exit 1, one line saying how to start one)
 */
export async function connectToNode (dataDir: string): Promise<AdminClient> {
  const node = await readNodeInfo(dataDir)
  if (node === undefined) throw new CliError(`No node is running for "${dataDir}" (start one with "web4mesh start --data ${dataDir}")`)
  const token = (await readFile(join(dataDir, DATA_FILES.adminToken), 'utf8')).trim()
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(`${node.admin_url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(ADMIN_CLIENT_TIMEOUT_MS)
      })
    } catch (err) {
      throw new CliError(`Cannot reach the node's admin API at ${node.admin_url}: ${(err as Error).message}`)
    }
    const answer = await response.json()
    if (!response.ok) throw errorOf(answer, response.status)
    return answer
  }
  return { node, get: async (path) => await call('GET', path), post: async (path, body) => await call('POST', path, body) }
}

function errorOf (answer: unknown, status: number): CliError {
  const { error, reason, message } = (answer ?? {}) as { error?: string, reason?: string, message?: string }
  const row = error !== undefined && Object.hasOwn(ERROR_TABLE, error) ? ERROR_TABLE[error as Web4ErrorName] : undefined
  const text = `${error ?? `HTTP ${status}`}: ${message ?? 'request failed'}${reason === undefined ? '' : ` (reason: ${reason})`}`
  return new CliError(text, row?.exitCode ?? 1)
}
