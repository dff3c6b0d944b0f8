/**
 * Builders for unsigned envelopes of every family (SPEC §4). Each fills `msg_id`,
 * `timestamp` and the sender block from the author, validates the payload against its
 * schema, and leaves signing to {@link sealEnvelope}. Time and randomness are injected.
 *
 * @example
 * ```ts
 * const envelope = sealEnvelope(buildCipEnvelope(author, { type: 'INTENT', payload, receiver }, { nowMs }), author.identity)
 * ```
 */
import { randomUUID as cryptoRandomUUID } from 'node:crypto'
import type { KeyPairIdentity } from '../identity/index.ts'
import { formatRfc3339 } from './freshness.ts'
import type {
  CipEnvelope, CipType, EnvelopeCommon, HcpEnvelope, HcpType, HumanState, LipEnvelope, LipType, MeshEnvelope, MeshPayload,
  MeshType, PayloadMap, Receiver, Sender, SourceBlock, StateBlock, TrustBlock, UnsignedEnvelope
} from './types.ts'
import { validatePayload } from './validate.ts'

/** Who writes and signs an envelope. */
export interface EnvelopeAuthor {
  identity: KeyPairIdentity
  agentId: string
  capabilities?: string[]
}

export interface BuildOptions {
  /** Local time in ms since the epoch, from the injected clock. */
  nowMs: number
  /** Source of UUID v4 strings. @default crypto.randomUUID */
  randomUUID?: () => string
}

interface MessageSpec<T extends string, P> {
  type: T
  payload: P
  receiver: Receiver
}

/** The sender block (SPEC §4) naming `author`. */
export function senderOf (author: EnvelopeAuthor): Sender {
  const sender: Sender = { agent_id: author.agentId, fingerprint: author.identity.fingerprint, pubkey: author.identity.pubkey }
  if (author.capabilities !== undefined) sender.capabilities = [...author.capabilities]
  return sender
}

/** The members every envelope has, before the family's own. */
type CommonMembers<T extends string, P> = Omit<EnvelopeCommon<T, P>, 'sign'>

function commonMembers<T extends string, P> (author: EnvelopeAuthor, message: MessageSpec<T, P>, options: BuildOptions, family?: 'mesh'): CommonMembers<T, P> {
  validatePayload(message.type, message.payload, family === undefined ? {} : { family })
  return {
    msg_id: (options.randomUUID ?? cryptoRandomUUID)(),
    type: message.type,
    timestamp: formatRfc3339(options.nowMs),
    sender: senderOf(author),
    receiver: { agent_id: message.receiver.agent_id, fingerprint: message.receiver.fingerprint },
    payload: message.payload
  }
}

/**
 * An unsigned CIP envelope.
 *
 * @throws {PayloadSchemaError} when the payload does not match its type
 */
export function buildCipEnvelope<T extends CipType> (
  author: EnvelopeAuthor,
  message: MessageSpec<T, PayloadMap[T]> & { trust?: TrustBlock, state?: StateBlock },
  options: BuildOptions
): UnsignedEnvelope<CipEnvelope<T>> {
  const envelope = { cip: '1.0' as const, ...commonMembers(author, message, options) }
  return {
    ...envelope,
    ...(message.trust === undefined ? {} : { trust: message.trust }),
    ...(message.state === undefined ? {} : { state: message.state })
  }
}

/**
 * An unsigned HCP envelope; `human` is the required human state block.
 *
 * @throws {PayloadSchemaError} when the payload does not match its type
 */
export function buildHcpEnvelope<T extends HcpType> (
  author: EnvelopeAuthor,
  message: MessageSpec<T, PayloadMap[T]> & { human: HumanState },
  options: BuildOptions
): UnsignedEnvelope<HcpEnvelope<T>> {
  return { hcp: '1.0', ...commonMembers(author, message, options), state: { human: message.human } }
}

/**
 * An unsigned LIP envelope; `source` is the required provenance block.
 *
 * @throws {PayloadSchemaError} when the payload does not match its type
 */
export function buildLipEnvelope<T extends LipType> (
  author: EnvelopeAuthor,
  message: MessageSpec<T, PayloadMap[T]> & { source: SourceBlock },
  options: BuildOptions
): UnsignedEnvelope<LipEnvelope<T>> {
  return { lip: '1.0', ...commonMembers(author, message, options), source: message.source }
}

/**
 * An unsigned mesh carrier from `author` (the origin) to the receiver (the destination),
 * with an empty `hops` trace and a fresh carrier `id`.
 *
 * @throws {PayloadSchemaError} when the payload does not match its type
 */
export function buildMeshEnvelope<T extends MeshType> (
  author: EnvelopeAuthor,
  message: MessageSpec<T, MeshPayload<T>>,
  options: BuildOptions
): UnsignedEnvelope<MeshEnvelope<T>> {
  const common = commonMembers(author, message, options, 'mesh')
  return {
    mesh: '1.0',
    ...common,
    id: (options.randomUUID ?? cryptoRandomUUID)(),
    origin: author.identity.fingerprint,
    destination: message.receiver.fingerprint,
    hops: [],
    created_at: common.timestamp
  }
}
