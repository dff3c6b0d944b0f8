/**
 * Delivery receipts (SPEC §4, DESIGN §3 "Mesh routing"): the MESH_RECEIPT a destination
 * routes back to a carrier's origin, so that `send()` resolves with the path the carrier
 * took or rejects with the typed error that stopped it. Pure: time and ids are injected,
 * and signing is left to `sealEnvelope`.
 *
 * @example
 * ```ts
 * const receipt = sealEnvelope(buildReceipt(me, { ...carrier, hops }, { status: 'delivered', result, nowMs }), me.identity)
 * const { forId, status, hops: path } = receiptOutcome(openedReceipt)
 * ```
 */
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import type { MeshEnvelope, ReceiptError, ReceiptPayload, ReceiptStatus, UnsignedEnvelope } from '../../protocol/envelope/types.ts'
import { MAX_RECEIPT_ERROR_MESSAGE_CHARS } from './constants.ts'

/** The members of the carrier a receipt answers that the receipt reads. */
export type ReceiptCarrier = Pick<MeshEnvelope, 'type' | 'id' | 'msg_id' | 'origin' | 'sender' | 'hops'>

/** How a receipt reports the carrier's fate. */
export interface ReceiptOptions {
  status: ReceiptStatus
  /**
   * The typed error: required when `status` is `failed`, refused when it is `delivered`.
   * A `Web4Error` may be passed as is; only its name, reason and message are kept.
   */
  error?: ReceiptError
  /** A SERVICE_INVOKE handler's result; only with `delivered`. */
  result?: JsonValue
  /** Local time in ms since the epoch, from the injected clock. */
  nowMs: number
  /** Source of UUID v4 strings. @default crypto.randomUUID */
  randomUUID?: () => string
}

/** What a receipt tells the origin. */
export interface ReceiptOutcome {
  /** The `id` of the carrier the receipt answers. */
  forId: string
  /** The `msg_id` of the carrier the receipt answers. */
  forMsgId: string
  /** Who signed the receipt (its origin): the router checks it is the carrier's destination. */
  from: string
  status: ReceiptStatus
  /** The carrier's `hops` as it reached the destination. */
  hops: string[]
  /** The typed error, when `status` is `failed`. */
  error?: ReceiptError
  /** The SERVICE_INVOKE result, when the delivery returned one (it may be `null`). */
  result?: JsonValue
}

/**
 * An unsigned MESH_RECEIPT from `author` answering `carrier`, addressed back to the
 * carrier's origin (`receiver = {agent_id: carrier.sender.agent_id, fingerprint:
 * carrier.origin}`), with `for_id`, `for_msg_id` and `hops` copied from the carrier. Pass
 * the carrier with the `hops` {@link decideForwarding} returned, which end with the
 * destination. An error message longer than {@link MAX_RECEIPT_ERROR_MESSAGE_CHARS} is cut.
 *
 * @throws {TypeError} when `carrier` is itself a MESH_RECEIPT (receipts are not acknowledged),
 *   or `status` and `error` / `result` disagree
 * @throws {PayloadSchemaError} when the payload does not match the receipt schema (an
 *   error name or reason of the wrong shape, more than 64 hops)
 */
export function buildReceipt (author: EnvelopeAuthor, carrier: ReceiptCarrier, options: ReceiptOptions): UnsignedEnvelope<MeshEnvelope<'MESH_RECEIPT'>> {
  const payload = receiptPayloadOf(carrier, options)
  const receiver = { agent_id: carrier.sender.agent_id, fingerprint: carrier.origin }
  const build = options.randomUUID === undefined ? { nowMs: options.nowMs } : { nowMs: options.nowMs, randomUUID: options.randomUUID }
  return buildMeshEnvelope(author, { type: 'MESH_RECEIPT', payload, receiver }, build)
}

/**
 * What an opened MESH_RECEIPT reports. The receipt must have passed `openEnvelope`; the
 * returned `hops` and `error` are copies, `result` is the payload's own value.
 *
 * @throws {TypeError} when the envelope is not a MESH_RECEIPT
 */
export function receiptOutcome (receipt: MeshEnvelope): ReceiptOutcome {
  if (receipt.type !== 'MESH_RECEIPT') {
    throw new TypeError(`Cannot read receipt "${receipt.msg_id}": type "${receipt.type}" is not MESH_RECEIPT`)
  }
  // Narrowing `type` does not narrow the payload of the generic envelope; the schema did.
  const payload = receipt.payload as ReceiptPayload
  const outcome: ReceiptOutcome = {
    forId: payload.for_id,
    forMsgId: payload.for_msg_id,
    from: receipt.origin,
    status: payload.status,
    hops: [...payload.hops]
  }
  if (payload.status === 'failed') outcome.error = { ...payload.error }
  else if (Object.hasOwn(payload, 'result')) outcome.result = payload.result
  return outcome
}

function receiptPayloadOf (carrier: ReceiptCarrier, options: ReceiptOptions): ReceiptPayload {
  if (carrier.type === 'MESH_RECEIPT') refuse(carrier, 'a MESH_RECEIPT is not acknowledged')
  const common = { for_id: carrier.id, for_msg_id: carrier.msg_id, hops: [...carrier.hops] }
  if (options.status === 'failed') {
    if (options.error === undefined) refuse(carrier, 'a failed receipt needs an error')
    if (options.result !== undefined) refuse(carrier, 'a failed receipt carries no result')
    return { ...common, status: 'failed', error: receiptErrorOf(options.error) }
  }
  if (options.error !== undefined) refuse(carrier, 'a delivered receipt carries no error')
  return { ...common, status: 'delivered', ...(options.result === undefined ? {} : { result: options.result }) }
}

function refuse (carrier: ReceiptCarrier, detail: string): never {
  throw new TypeError(`Cannot build receipt for carrier "${carrier.id}": ${detail}`)
}

/** Only the members a receipt carries, the message cut to its bound. */
function receiptErrorOf (error: ReceiptError): ReceiptError {
  return { name: error.name, reason: error.reason, message: truncate(error.message, MAX_RECEIPT_ERROR_MESSAGE_CHARS) }
}

/** `text` cut to at most `max` UTF-16 code units, ending with `…` when cut, never inside a surrogate pair. */
function truncate (text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}
