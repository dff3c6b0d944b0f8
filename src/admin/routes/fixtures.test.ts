/**
 * What the admin route tests share: request bodies as bytes, the refusal of a request
 * parser, a few in-memory nodes whose first serves the admin API, and a raw HTTP call to
 * it. It holds no tests; the `.test.ts` name keeps it out of the build
 * (tsconfig.build.json) and lets only tests import it.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { waitFor } from '../../../test/helpers/wait-for.ts'
import { createMeshNode } from '../../node.ts'
import type { MeshNode, MeshNodeOptions } from '../../node.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { createMemoryNetwork } from '../../transport/memory/index.ts'
import { createAdminServer } from '../server.ts'
import type { AdminServer } from '../server.ts'

/** Fast link state, so a small mesh converges in a few deliveries. */
export const FAST_LINK_STATE = { triggerDelayMs: 10, minIntervalMs: 50 } as const

/** The JSON (or the string as it is) of a request body, as bytes. */
export function bytesOf (value: unknown): Uint8Array {
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))
}

/** The name, reason and field of the error `fn` throws; fails the test when it throws none. */
export function refusal (fn: () => unknown): { name: string, reason: string | undefined, field: string | undefined } {
  try {
    fn()
  } catch (err) {
    return { name: (err as Error).name, reason: (err as { reason?: string }).reason, field: (err as { field?: string }).field }
  }
  assert.fail('expected a refusal')
}

/** The refusal of a request parser for a bad `field`. */
export const badRequest = (field?: string): Record<string, unknown> => ({ name: 'InvalidEnvelopeError', reason: 'bad_request', field })

/** Nodes on one in-memory network; the first serves the admin API at `base`. */
export interface AdminMesh {
  readonly nodes: MeshNode[]
  readonly server: AdminServer
  readonly base: string
  /** Stops the server, then the nodes, last first. */
  stop: () => Promise<void>
}

/**
 * Starts one node per agent id on one in-memory network (`init` adds options per node,
 * given every node's identity), links every other node to the first, waits until
 * `isReady` holds, then serves the first node's admin API with `token` on 127.0.0.1.
 */
export async function startAdminMesh (agentIds: readonly string[], options: {
  token: string
  isReady: (nodes: MeshNode[]) => boolean
  what: string
  init?: (index: number, identities: readonly KeyPairIdentity[]) => Partial<MeshNodeOptions>
}): Promise<AdminMesh> {
  const network = createMemoryNetwork()
  const identities = agentIds.map(() => generateKeyPairIdentity())
  const nodes: MeshNode[] = []
  for (const [index, agentId] of agentIds.entries()) {
    const identity = identities[index]!
    nodes.push(await createMeshNode({ ...options.init?.(index, identities), identity, agentId, transport: network.createTransport({ identity }) }))
  }
  for (const node of nodes) await node.start()
  const first = nodes[0]!
  for (const node of nodes.slice(1)) node.connect(first.info().multiaddrs[0]!)
  await waitFor(() => options.isReady(nodes), { timeoutMs: 5000, what: options.what })
  const server = createAdminServer({ node: first, token: options.token, logger: SILENT_LOGGER }, { host: '127.0.0.1', port: 0 })
  const base = (await server.start()).url
  return {
    nodes,
    server,
    base,
    stop: async () => {
      await server.stop()
      for (const node of [...nodes].reverse()) await node.stop()
    }
  }
}

/**
 * One request to the admin API at `base` with the bearer `token`, on a fresh socket:
 * the status and the parsed JSON body (null when empty).
 */
export async function callAdmin (base: string, token: string, path: string, init: { method?: string, body?: unknown } = {}): Promise<{ status: number, body: unknown }> {
  const url = new URL(path, base)
  const text = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
  return await new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: url.host, authorization: `Bearer ${token}` }
    if (text !== undefined) headers['content-length'] = String(Buffer.byteLength(text))
    const req = request(url, { method: init.method ?? 'GET', headers, agent: false }, (response) => {
      let received = ''
      response.setEncoding('utf8').on('data', (chunk: string) => { received += chunk }).on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: received === '' ? null : JSON.parse(received) as unknown })
      })
    })
    req.on('error', reject)
    req.end(text)
  })
}
