/**
 * A far process of the routing benchmarks (`bench/routing.bench.ts`). Three roles:
 *
 * - `mesh COUNT PREFIX`: COUNT mesh nodes on 127.0.0.1 with the default timings;
 * - `relay NEXT`: a plain libp2p node (TCP + Noise + Yamux) that, for every stream
 *   opened to it on {@link RELAY_PROTOCOL}, opens one to NEXT and relays whole
 *   length-prefixed frames both ways (an application-level relay);
 * - `sink`: a plain libp2p node that answers every frame on {@link RELAY_PROTOCOL}
 *   with an acknowledgement frame holding the frame's first {@link ACK_BYTES} bytes.
 *
 * It prints one JSON line `{"op": "ready", …}` when listening, then takes JSON-line
 * commands on stdin (mesh only):
 * - `{"op": "connect", "links": [[i, address], …]}`: local node i dials each address;
 * - `{"op": "watch", "fingerprints": […]}`: answers `{"op": "converged", "at": epochMs}`
 *   once every local node has a route to every listed fingerprint but its own.
 *
 * It stops its nodes and exits when stdin closes, so a parent that dies takes it along.
 */
import { createInterface } from 'node:readline'
import type { Interface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { createMeshNode } from '../src/node.ts'
import type { MeshNode } from '../src/node.ts'
import { generateKeyPairIdentity } from '../src/protocol/identity/index.ts'
import { encodeFrame, FrameDecoder } from '../src/transport/framing/frame-codec.ts'

/** The protocol of the plain relay chain. */
export const RELAY_PROTOCOL = '/bench/relay/1.0.0'
/** Bytes of a frame the sink echoes back as its acknowledgement (the sequence number). */
export const ACK_BYTES = 8

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

/** A plain libp2p node on 127.0.0.1: TCP, Noise and Yamux, nothing else. */
export async function plainNode (): Promise<Libp2p> {
  return await createLibp2p({ addresses: { listen: [LOOPBACK] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
}

/** Calls `onFrame` with every whole length-prefixed frame read from `stream`. */
export function readFrames (stream: Stream, onFrame: (frame: Uint8Array) => void): void {
  const decoder = new FrameDecoder()
  stream.addEventListener('message', (event) => {
    for (const frame of decoder.push(event.data.subarray())) onFrame(frame)
  })
}

function print (message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

function loopbackAddress (addresses: string[]): string {
  return addresses.find((address) => address.startsWith('/ip4/127.0.0.1/')) ?? addresses[0] ?? ''
}

async function startMesh (count: number, prefix: string, lines: Interface): Promise<() => Promise<void>> {
  const nodes: MeshNode[] = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const node = await createMeshNode({ identity: generateKeyPairIdentity(), agentId: `${prefix}-${i}`, listen: [LOOPBACK] })
    await node.start()
    return node
  }))
  let watched: string[] | undefined
  let isReported = false
  const check = (): void => {
    if (watched === undefined || isReported) return
    const targets = watched
    const isConverged = nodes.every((node) => targets.every((fingerprint) => fingerprint === node.identity.fingerprint || node.linkState.nextHop(fingerprint) !== undefined))
    if (!isConverged) return
    isReported = true
    print({ op: 'converged', at: performance.timeOrigin + performance.now() })
  }
  for (const node of nodes) node.linkState.onChange(check)
  lines.on('line', (line) => {
    const command = JSON.parse(line) as { op: 'connect', links: Array<[number, string]> } | { op: 'watch', fingerprints: string[] }
    if (command.op === 'connect') {
      for (const [index, address] of command.links) nodes[index]?.connect(address)
    } else {
      watched = command.fingerprints
      check()
    }
  })
  print({ op: 'ready', nodes: nodes.map((node) => ({ address: loopbackAddress(node.info().multiaddrs), fingerprint: node.identity.fingerprint })) })
  return async () => {
    await Promise.allSettled(nodes.map(async (node) => { await node.stop() }))
  }
}

async function startRelay (next: string): Promise<() => Promise<void>> {
  const node = await plainNode()
  await node.handle(RELAY_PROTOCOL, (inbound) => {
    void (async () => {
      const outbound = await node.dialProtocol(multiaddr(next), RELAY_PROTOCOL)
      readFrames(inbound, (frame) => { outbound.send(encodeFrame(frame)) })
      readFrames(outbound, (frame) => { inbound.send(encodeFrame(frame)) })
    })().catch((err: unknown) => { inbound.abort(err as Error) })
  })
  print({ op: 'ready', address: loopbackAddress(node.getMultiaddrs().map(String)) })
  return async () => { await node.stop() }
}

async function startSink (): Promise<() => Promise<void>> {
  const node = await plainNode()
  await node.handle(RELAY_PROTOCOL, (stream) => {
    readFrames(stream, (frame) => { stream.send(encodeFrame(frame.subarray(0, ACK_BYTES))) })
  })
  print({ op: 'ready', address: loopbackAddress(node.getMultiaddrs().map(String)) })
  return async () => { await node.stop() }
}

async function main (): Promise<void> {
  const [role, first, second] = process.argv.slice(2)
  const lines = createInterface({ input: process.stdin })
  let stop: () => Promise<void>
  switch (role) {
    case 'mesh':
      stop = await startMesh(Number(first ?? 1), second ?? 'bench', lines)
      break
    case 'relay':
      stop = await startRelay(first ?? '')
      break
    case 'sink':
      stop = await startSink()
      break
    default:
      throw new RangeError(`Cannot start bench peer: unknown role "${role ?? ''}" (mesh, relay or sink)`)
  }
  lines.on('close', () => {
    void stop().finally(() => process.exit(0))
  })
}

if (import.meta.main) await main()
