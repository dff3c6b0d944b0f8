/**
 * The transport port (SPEC §11: open a channel, send bytes, receive, close, shut down).
 * Everything above `transport/` talks to links only through this interface, so
 * libp2p's API churn stays in `transport/libp2p/` and other implementations (the
 * in-memory network of tests and TrustBench) plug in unchanged.
 *
 * A *link* is the authenticated relation with one remote peer; it exists while at
 * least one secure connection to that peer is open. Frames are opaque bytes on one of
 * the four channels; each channel is a libp2p protocol `/web4/<channel>/1.0.0`.
 */
import type { ChannelName } from './channels.ts'

/** One authenticated link. */
export interface LinkInfo {
  /** The transport's id of the remote peer (a libp2p PeerId string). */
  peerId: string
  /** The remote's raw 32-byte Ed25519 key, as the secure channel (Noise) authenticated it. */
  publicKeyRaw: Uint8Array
  /** SHA-256 of `publicKeyRaw` (SPEC §2): the only identity a link vouches for. */
  fingerprint: string
  /** Who dialed: `outbound` when this node did. */
  direction: 'inbound' | 'outbound'
  /** The remote address of the connection. */
  remoteAddr: string
}

/** Why a link closed. */
export const LINK_CLOSE_REASONS = [
  'local_close', 'remote_close', 'heartbeat_timeout', 'slow_reader', 'protocol_error',
  'handshake_failed', 'blacklisted', 'shutdown', 'transport_error'
] as const
export type LinkCloseReason = typeof LINK_CLOSE_REASONS[number]

/** Options of {@link LinkTransport.send}. */
export interface SendOptions {
  /** Wait for room instead of failing fast with `BackpressureError`. @default false */
  wait?: boolean
  /** Aborts a waiting send. */
  signal?: AbortSignal
  /** Longest wait for room when `wait` is true. @default 10_000 */
  timeoutMs?: number
}

/** What the transport tells the layer above. Handlers must not throw; the transport guards them anyway. */
export interface LinkHandlers {
  /** A new link is open and authenticated. */
  onLinkOpen: (link: LinkInfo) => void
  /** The last connection of a link closed. */
  onLinkClose: (link: LinkInfo, reason: LinkCloseReason) => void
  /** One complete frame arrived. */
  onFrame: (link: LinkInfo, channel: ChannelName, body: Uint8Array) => void
  /** A frame could not be decoded (junk, oversized); the stream was reset. */
  onBadFrame: (link: LinkInfo, channel: ChannelName, error: Error) => void
}

/** The port. */
export interface LinkTransport {
  /** Starts listening and delivering to `handlers`. */
  start: (handlers: LinkHandlers) => Promise<void>
  /** Closes every link (reason `shutdown`) and stops listening. Idempotent. */
  stop: () => Promise<void>
  /** This node's transport id. */
  readonly localPeerId: string
  /** Addresses others can dial, with `/p2p/<id>` where the transport has one. */
  listenAddresses: () => string[]
  /**
   * Opens (or reuses) a link to `address`.
   *
   * @throws {TransportError} when the dial fails or times out
   */
  dial: (address: string, options?: { signal?: AbortSignal }) => Promise<LinkInfo>
  /**
   * Queues one frame for `peerId` on `channel`.
   *
   * @throws {BackpressureError} when the channel's queue is full (and `wait` is false), or the wait timed out
   * @throws {TransportError} when there is no link to `peerId`
   */
  send: (peerId: string, channel: ChannelName, body: Uint8Array, options?: SendOptions) => Promise<void>
  /** Closes every connection to `peerId`; `onLinkClose` reports `reason`. */
  close: (peerId: string, reason: LinkCloseReason) => Promise<void>
  /** The open links. */
  links: () => LinkInfo[]
  /** Bytes waiting in the send queue of one channel of one link (0 when none). */
  queuedBytes: (peerId: string, channel: ChannelName) => number
}
