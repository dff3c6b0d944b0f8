/**
 * The channel vocabulary (DESIGN §3, SPEC §11): four channels, each a libp2p protocol
 * `/web4/<channel>/1.0.0`, and the heartbeat frames of the control channel. A control
 * frame's first byte tells its kind: `0x01` ping, `0x02` pong, `{` (0x7b) a JSON envelope.
 * A heartbeat is the kind byte and a uint32 sequence number, big-endian. Pure.
 *
 * @example
 * ```ts
 * node.handle(protocolOf('control'), onControlStream)
 * const heartbeat = decodeHeartbeat(body) // undefined for an envelope
 * if (heartbeat?.kind === 'ping') send(encodePong(heartbeat.seq))
 * ```
 */

/** Every channel, in a stable order. */
export const CHANNELS = ['control', 'state', 'knowledge', 'mesh'] as const
/** The name of one channel. */
export type ChannelName = typeof CHANNELS[number]

/** First byte of a ping frame on the control channel. */
export const FRAME_PING = 0x01
/** First byte of a pong frame on the control channel. */
export const FRAME_PONG = 0x02
/** First byte of a JSON envelope frame (`{`). */
export const FRAME_JSON = 0x7b

/** Version of every channel protocol. */
const PROTOCOL_VERSION = '1.0.0'
/** Bytes of a heartbeat frame: the kind byte and a uint32 seq. */
const HEARTBEAT_BYTES = 5
const MAX_SEQ = 0xffff_ffff

const CHANNEL_BY_PROTOCOL: ReadonlyMap<string, ChannelName> = new Map(CHANNELS.map((channel) => [protocolOf(channel), channel]))

/** A decoded heartbeat frame. */
export interface Heartbeat {
  kind: 'ping' | 'pong'
  /** Sequence number, a uint32. */
  seq: number
}

/** The libp2p protocol id of `channel`: `/web4/<channel>/1.0.0`. */
export function protocolOf (channel: ChannelName): string {
  return `/web4/${channel}/${PROTOCOL_VERSION}`
}

/** The channel of a libp2p protocol id, or undefined for any other id. */
export function channelOfProtocol (protocol: string): ChannelName | undefined {
  return CHANNEL_BY_PROTOCOL.get(protocol)
}

/** A ping frame body. @throws {RangeError} when `seq` is not a uint32 */
export function encodePing (seq: number): Uint8Array {
  return encodeHeartbeat(FRAME_PING, seq)
}

/** A pong frame body answering ping `seq`. @throws {RangeError} when `seq` is not a uint32 */
export function encodePong (seq: number): Uint8Array {
  return encodeHeartbeat(FRAME_PONG, seq)
}

/** The heartbeat in a control frame body, or undefined when it is not exactly one. */
export function decodeHeartbeat (bytes: Uint8Array): Heartbeat | undefined {
  if (bytes.length !== HEARTBEAT_BYTES) return undefined
  const kind = bytes[0] === FRAME_PING ? 'ping' : bytes[0] === FRAME_PONG ? 'pong' : undefined
  if (kind === undefined) return undefined
  return { kind, seq: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1) }
}

function encodeHeartbeat (kind: number, seq: number): Uint8Array {
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new RangeError(`Cannot encode heartbeat: "seq" must be a uint32, got ${seq}`)
  const bytes = new Uint8Array(HEARTBEAT_BYTES)
  bytes[0] = kind
  new DataView(bytes.buffer).setUint32(1, seq)
  return bytes
}
