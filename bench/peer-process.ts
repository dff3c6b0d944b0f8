/**
 * The far end of a two-process benchmark (`node bench/peer-process.ts raw|mesh INTERVAL_MS`):
 * `raw` is a plain libp2p node (TCP + Noise + Yamux) that echoes on `/bench/echo/1.0.0`
 * and, once told the parent's address on stdin, echoes against it every interval too, as
 * a heartbeat peer would; `mesh` is a mesh node whose heartbeat runs every interval.
 * It prints `{"address": …}` on stdout when ready and runs until stdin closes.
 */
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createMeshNode } from '../src/node.ts'
import { generateKeyPairIdentity } from '../src/protocol/identity/index.ts'

import { ECHO_PROTOCOL } from './echo-protocol.ts'

const [mode, intervalText] = process.argv.slice(2)
const intervalMs = Number(intervalText ?? 20)
const lines = createInterface({ input: process.stdin })
const stop: Array<() => Promise<void>> = []

if (mode === 'raw') {
  const node = await createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  await node.handle(ECHO_PROTOCOL, (stream) => {
    stream.addEventListener('message', (event) => { stream.send(event.data) })
  })
  stop.push(async () => { await node.stop() })
  console.log(JSON.stringify({ address: node.getMultiaddrs()[0]?.toString() }))
  lines.once('line', (parent) => {
    void (async () => {
      const stream = await node.dialProtocol(multiaddr(parent), ECHO_PROTOCOL)
      await new Promise((resolve) => setTimeout(resolve, intervalMs / 2))
      const timer = setInterval(() => { stream.send(new Uint8Array([1, 0, 0, 0, 0])) }, intervalMs)
      stop.push(() => {
        clearInterval(timer)
        return Promise.resolve()
      })
    })()
  })
} else {
  const node = await createMeshNode({ identity: generateKeyPairIdentity(), agentId: 'bench-far', listen: ['/ip4/127.0.0.1/tcp/0'], supervisor: { heartbeatIntervalMs: intervalMs } })
  await node.start()
  stop.push(async () => { await node.stop() })
  console.log(JSON.stringify({ address: node.info().multiaddrs.find((address) => address.startsWith('/ip4/127.0.0.1/')) }))
}

lines.on('close', () => {
  void Promise.all(stop.map(async (fn) => { await fn() })).then(() => process.exit(0))
})
