/**
 * PeerRegistry (the brief's `peers.py`): what this node knows of each peer, with trust
 * moved only through the TrustFSM and persisted through the {@link PeerStore} port.
 *
 * @example
 * ```ts
 * const peers = createPeerRegistry({ store, clock, events, logger }, { trustedFingerprints })
 * peers.applyTrust(fingerprint, 'handshake_valid', { causeMsgIds: [hello.msg_id] })
 * ```
 */
export { createPeerRegistry } from './peer-registry.ts'
export type { PeerRegistry, PeerRegistryComponents, PeerRegistryInit } from './peer-registry.ts'
export type { PeerRow, PeerStore, TrustTransitionRecord } from './peer-store.ts'
