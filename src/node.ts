/**
 * `createMeshNode(options)`: the composition root (DESIGN §3). It builds every part in
 * dependency order — store, peer registry, transport and its supervisor — and hands
 * them to the node (`node/mesh-node.ts`), which wires the runtime, the mesh and the
 * application layer (`node/application.ts`).
 *
 * @example
 * ```ts
 * await using node = await createMeshNode({ dataDir: './alice', listen: ['/ip4/127.0.0.1/tcp/0'] })
 * await node.start()
 * node.peers() // what the node knows of each peer
 * ```
 */
import { join } from 'node:path'
import { systemClock } from './config/clock.ts'
import { DATA_FILES, DEFAULT_LISTEN_ADDR } from './config/constants.ts'
import { loadDataDir } from './config/data-dir.ts'
import { createPeerRegistry } from './mesh/peers/index.ts'
import type { SequenceStore } from './mesh/sequence-store.ts'
import { createEventLog } from './observability/event-log.ts'
import { SILENT_LOGGER } from './observability/logger.ts'
import { createCountingMetrics } from './observability/metrics.ts'
import type { ReplayStore } from './runtime/replay-store.ts'
import {
  createMemoryClaimStore, createMemoryPeerStore, createMemoryReplayStore, createMemorySequenceStore, createSqliteClaimStore,
  createSqlitePeerStore, createSqliteReplayStore, createSqliteSequenceStore, openDatabase
} from './store/index.ts'
import type { ClaimStore } from './store/index.ts'
import { createLibp2pLinkTransport } from './transport/libp2p/libp2p-link-transport.ts'
import { createLinkSupervisor } from './transport/link-supervisor.ts'
import { Node } from './node/mesh-node.ts'
import type { MeshNode, MeshNodeOptions } from './node/types.ts'

export { HOUSEKEEPING_INTERVAL_MS } from './node/mesh-node.ts'
export type { DeliveredMessage, MeshNode, MeshNodeOptions, NodeInfo, PeerView, SendOptions, ServiceHandler } from './node/types.ts'

/** Builds a node; nothing listens until `start()`. */
export async function createMeshNode (options: MeshNodeOptions): Promise<MeshNode> {
  const dataDir = options.dataDir === undefined ? undefined : await loadDataDir(options.dataDir)
  const identity = options.identity ?? dataDir?.identity
  if (identity === undefined) throw new RangeError('Cannot create mesh node: give "dataDir" or "identity"')
  const agentId = options.agentId ?? dataDir?.config.agent_id
  if (agentId === undefined) throw new RangeError('Cannot create mesh node: give "dataDir" or "agentId"')
  const clock = options.clock ?? systemClock
  const logger = (options.logger ?? SILENT_LOGGER).child({ node: identity.fingerprint.slice(0, 12), agent_id: agentId })
  const metrics = createCountingMetrics()
  const events = createEventLog({ node: identity.fingerprint, clock, logger })
  const storeKind = options.store ?? (dataDir === undefined ? 'memory' : 'sqlite')
  const database = storeKind === 'sqlite' ? openDatabase(join(requireDataDir(options.dataDir), DATA_FILES.database)) : undefined
  const peerStore = database === undefined ? createMemoryPeerStore() : createSqlitePeerStore(database)
  const replayStore: ReplayStore = database === undefined ? createMemoryReplayStore() : createSqliteReplayStore(database)
  const sequences: SequenceStore = database === undefined ? createMemorySequenceStore() : createSqliteSequenceStore(database)
  const claimStore: ClaimStore = database === undefined ? createMemoryClaimStore() : createSqliteClaimStore(database)
  const registry = createPeerRegistry({ store: peerStore, clock, events, logger, metrics }, {
    trustedFingerprints: [...(dataDir?.config.trusted_fingerprints ?? []), ...(options.trustedFingerprints ?? [])]
  })
  const listen = options.listen ?? (dataDir === undefined ? [DEFAULT_LISTEN_ADDR] : [...dataDir.config.listen])
  const transport = options.transport ?? await createLibp2pLinkTransport({ identity, clock, logger }, {
    listen,
    isDenied: (fingerprint) => registry.trustOf(fingerprint) === 'blacklisted'
  })
  const supervisor = createLinkSupervisor({ transport, clock, events, logger, metrics }, options.supervisor)
  return new Node({
    identity, agentId, clock, logger, metrics, events, registry, transport, supervisor, database, replayStore, sequences, claimStore,
    dialTargets: [...(dataDir?.config.peers ?? []), ...(options.peers ?? [])],
    state: { presence: options.presence ?? 'engaged', lri: options.lri ?? 50, kernel_signals: [], intent: 'mesh' },
    handshake: options.handshake ?? {},
    linkState: options.linkState ?? {},
    router: options.router ?? {},
    routedHandshake: options.routedHandshake ?? {},
    knowledge: options.knowledge ?? {},
    hcp: options.hcp ?? {},
    lip: options.lip ?? {}
  })
}

function requireDataDir (path: string | undefined): string {
  if (path === undefined) throw new RangeError('Cannot use the sqlite store without "dataDir"')
  return path
}
