/**
 * One identity of a cell as a real node (TRUSTBENCH §2): `createMeshNode` with the round
 * network in its transport port, the shared round clock, memory stores, the pinned roots,
 * manual knowledge evaluation and every timer-driven part slowed so that no real timer
 * changes anything during a run. Adversary identities are real nodes too — they complete
 * real handshakes with the project's own code — but the harness writes what they say.
 */
import { createMeshNode } from '../../src/node.ts'
import type { MeshNode } from '../../src/node.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import { deepFreeze } from '../../src/protocol/envelope/open.ts'
import type { BodyEnvelope, MeshEnvelope } from '../../src/protocol/envelope/types.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { RoundClock } from './clock.ts'
import type { FrameTap, RoundNetwork, TappedTransport } from './network.ts'

/** What an identity is in the world. */
export type NodeKind = 'honest' | 'adversary' | 'sybil'

/** Far beyond any run, yet below the 2^31 − 1 ms where Node turns a timer delay into 1 ms. */
export const NEVER_MS = 3_600_000

/** One node of the cell. */
export interface BenchNode {
  readonly index: number
  readonly kind: NodeKind
  readonly name: string
  readonly node: MeshNode
  readonly transport: TappedTransport
  readonly fingerprint: string
  readonly identity: KeyPairIdentity
  /** The address peers dial. */
  readonly address: string
  /**
   * Runs `call` (a knowledge call that broadcasts) with the tap armed: the claim message
   * it floods is kept off the wire and returned deeply frozen, with `call`'s result.
   */
  capture: <T>(call: () => Promise<T>) => Promise<{ result: T, body: BodyEnvelope }>
}

/** How a node is made. */
export interface BenchNodeSpec {
  index: number
  kind: NodeKind
  identity: KeyPairIdentity
  roots: readonly string[]
  /** The adversary's own tap (adversaries receive nothing once set up); honest nodes have none. */
  onReceive?: FrameTap['onReceive']
  onSend?: FrameTap['onSend']
}

/** Creates and starts one node. */
export async function startBenchNode (spec: BenchNodeSpec, network: RoundNetwork, clock: RoundClock): Promise<BenchNode> {
  const name = `${spec.kind}-${spec.index}`
  // The claim carrier a knowledge call broadcasts, while the tap is armed.
  const capturing: { isArmed: boolean, frame: Uint8Array | undefined } = { isArmed: false, frame: undefined }
  const tap: FrameTap = {
    onSend: (peerId, channel, body) => {
      if (!capturing.isArmed || channel !== 'mesh') return spec.onSend?.(peerId, channel, body) === true
      capturing.frame ??= body
      return true
    },
    ...(spec.onReceive === undefined ? {} : { onReceive: spec.onReceive })
  }
  const transport = network.createTransport(spec.identity, clock, name, tap)
  const node = await createMeshNode({
    identity: spec.identity,
    agentId: name,
    transport,
    clock,
    store: 'memory',
    trustedFingerprints: [...spec.roots],
    supervisor: { heartbeatIntervalMs: NEVER_MS },
    handshake: { timeoutMs: NEVER_MS, startFallbackMs: NEVER_MS },
    // LSAs originate at the harness's macrotask turns (zero delay) and are never refreshed by time.
    linkState: { triggerDelayMs: 0, minIntervalMs: 0, refreshMs: Number.MAX_SAFE_INTEGER },
    router: { receiptTimeoutMs: NEVER_MS },
    routedHandshake: { timeoutMs: NEVER_MS, retryMs: NEVER_MS },
    knowledge: { isManual: true }
  })
  await node.start()
  const address = transport.listenAddresses()[0]
  if (address === undefined) throw new Error(`Cannot start bench node "${name}": no listen address`)
  return {
    index: spec.index,
    kind: spec.kind,
    name,
    node,
    transport,
    fingerprint: spec.identity.fingerprint,
    identity: spec.identity,
    address,
    capture: async <T>(call: () => Promise<T>): Promise<{ result: T, body: BodyEnvelope }> => {
      capturing.isArmed = true
      capturing.frame = undefined
      let pending: Promise<T>
      try {
        // The broadcast runs synchronously inside the call; everything it sends is the claim's carrier.
        pending = call()
      } finally {
        capturing.isArmed = false
      }
      const result = await pending
      const frame = takeFrame(capturing)
      if (frame === undefined) throw new Error(`Cannot capture claim message of "${name}": nothing was broadcast`)
      const carrier = parseJson(frame) as unknown as MeshEnvelope
      return { result, body: deepFreeze((carrier.payload as { body: BodyEnvelope }).body) }
    }
  }
}

/** The captured frame, cleared. */
function takeFrame (capturing: { frame: Uint8Array | undefined }): Uint8Array | undefined {
  const frame = capturing.frame
  capturing.frame = undefined
  return frame
}
