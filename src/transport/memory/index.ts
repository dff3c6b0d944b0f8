/**
 * The in-memory {@link LinkTransport} (STYLE §17: compliance-checked against libp2p over
 * TCP by test/compliance/link-transport.suite.ts). One network, many nodes in one process:
 * links carry the nodes' real keys, sends go through the same bounded queues, and frames
 * arrive asynchronously in order per link and channel — on the next macrotask, or, in
 * `manual` delivery, when the owner calls `deliverAll()` (TrustBench §2 `deliverRound`).
 * Test hooks: `partition` / `heal`, `pauseDelivery` / `resumeDelivery` (a slow reader).
 *
 * @example
 * ```ts
 * const network = createMemoryNetwork()
 * const alice = network.createTransport({ identity: aliceKey })
 * const bob = network.createTransport({ identity: bobKey }, { address: '/memory/bob' })
 * await alice.start(aliceHandlers)
 * await bob.start(bobHandlers)
 * await alice.dial(bob.listenAddresses()[0]) // '/memory/bob/p2p/<bob fingerprint>'
 * await alice.send(bob.localPeerId, 'control', bytes)
 * ```
 */
export { MEMORY_SEND_WAIT_TIMEOUT_MS, MEMORY_SLOW_READER_CHECK_INTERVAL_MS } from './constants.ts'
export { formatMemoryAddress, parseMemoryAddress } from './memory-address.ts'
export type { MemoryAddress } from './memory-address.ts'
export type { MemoryLinkTransportComponents, MemoryLinkTransportInit } from './memory-link-transport.ts'
export { createMemoryNetwork, MEMORY_DELIVERIES } from './memory-network.ts'
export type { MemoryDelivery, MemoryNetwork, MemoryNetworkInit, MemoryPeer } from './memory-network.ts'
