/**
 * The shapes of `PeerRow` and `TrustTransitionRecord`, checked on every write (both
 * stores, so they refuse the same input) and on every SQLite read (so a damaged row
 * raises `StoreRowError` instead of reaching the registry), and copied field by field
 * so no caller ever holds a store's internal object.
 */
import { PRESENCE_STATES } from '../protocol/envelope/index.ts'
import { TRUST_STATES } from '../protocol/trust/index.ts'
import type { PeerRow, TrustTransitionRecord } from '../mesh/peers/peer-store.ts'
import type { RttSummary } from '../transport/rtt-summary.ts'
import {
  describeValue, findBadField, isBoolean, isFiniteNumber, isNonEmptyString, isSafeInteger, isString, isStringArray, nullable, objectOf, oneOf
} from './shape-checks.ts'
import type { FieldCheck } from './shape-checks.ts'

const RTT_SUMMARY_CHECKS: Readonly<Record<keyof RttSummary, FieldCheck>> = {
  smoothedMs: isFiniteNumber,
  minMs: isFiniteNumber,
  p50Ms: isFiniteNumber,
  p95Ms: isFiniteNumber,
  lastMs: isFiniteNumber,
  samples: isSafeInteger
}

const PEER_ROW_CHECKS: Readonly<Record<keyof PeerRow, FieldCheck>> = {
  fingerprint: isNonEmptyString,
  agentId: isString,
  pubkey: isString,
  peerId: nullable(isString),
  addresses: isStringArray,
  trust: oneOf(TRUST_STATES),
  isPinned: isBoolean,
  untrustedSinceMs: nullable(isSafeInteger),
  capabilities: isStringArray,
  firstSeenMs: isSafeInteger,
  lastSeenMs: nullable(isSafeInteger),
  rtt: nullable(objectOf(RTT_SUMMARY_CHECKS)),
  presence: nullable(oneOf(PRESENCE_STATES)),
  lri: nullable(isFiniteNumber)
}

const TRANSITION_CHECKS: Readonly<Record<keyof TrustTransitionRecord, FieldCheck>> = {
  peer: isNonEmptyString,
  from: oneOf(TRUST_STATES),
  to: oneOf(TRUST_STATES),
  event: isString,
  reason: isString,
  causeMsgIds: isStringArray,
  at: isSafeInteger
}

/** The first field of a would-be `PeerRow` with the wrong shape, or `undefined`. */
export function findBadPeerRowField (value: Readonly<Record<string, unknown>>): string | undefined {
  return findBadField(value, PEER_ROW_CHECKS)
}

/** The first field of a would-be `TrustTransitionRecord` with the wrong shape, or `undefined`. */
export function findBadTransitionField (value: Readonly<Record<string, unknown>>): string | undefined {
  return findBadField(value, TRANSITION_CHECKS)
}

/**
 * Refuses a peer row a store must not save.
 *
 * @throws {TypeError} naming the first field with the wrong shape
 */
export function assertPeerRow (row: PeerRow): void {
  const field = findBadPeerRowField(row as unknown as Record<string, unknown>)
  if (field !== undefined) throw new TypeError(`Cannot save peer "${describeValue(row.fingerprint)}": field "${field}" has the wrong shape`)
}

/**
 * Refuses a transition a store must not append, or one whose peer is not `row`'s.
 *
 * @throws {TypeError} naming the first field with the wrong shape
 * @throws {RangeError} when `record.peer` is not `row.fingerprint`
 */
export function assertTransition (record: TrustTransitionRecord, row: PeerRow): void {
  const field = findBadTransitionField(record as unknown as Record<string, unknown>)
  if (field !== undefined) throw new TypeError(`Cannot record trust transition of "${describeValue(record.peer)}": field "${field}" has the wrong shape`)
  assertPeerRow(row)
  if (record.peer !== row.fingerprint) {
    throw new RangeError(`Cannot record trust transition of "${record.peer}": the row saved with it is peer "${row.fingerprint}"`)
  }
}

/** A deep copy of `row` holding exactly the `PeerRow` fields. */
export function copyPeerRow (row: PeerRow): PeerRow {
  return {
    fingerprint: row.fingerprint,
    agentId: row.agentId,
    pubkey: row.pubkey,
    peerId: row.peerId,
    addresses: [...row.addresses],
    trust: row.trust,
    isPinned: row.isPinned,
    untrustedSinceMs: row.untrustedSinceMs,
    capabilities: [...row.capabilities],
    firstSeenMs: row.firstSeenMs,
    lastSeenMs: row.lastSeenMs,
    rtt: row.rtt === null ? null : copyRttSummary(row.rtt),
    presence: row.presence,
    lri: row.lri
  }
}

/** A deep copy of `record` holding exactly the `TrustTransitionRecord` fields. */
export function copyTransition (record: TrustTransitionRecord): TrustTransitionRecord {
  return {
    peer: record.peer,
    from: record.from,
    to: record.to,
    event: record.event,
    reason: record.reason,
    causeMsgIds: [...record.causeMsgIds],
    at: record.at
  }
}

function copyRttSummary (rtt: RttSummary): RttSummary {
  return { smoothedMs: rtt.smoothedMs, minMs: rtt.minMs, p50Ms: rtt.p50Ms, p95Ms: rtt.p95Ms, lastMs: rtt.lastMs, samples: rtt.samples }
}

/**
 * Refuses a `listTransitions` limit that is not a non-negative safe integer.
 *
 * @throws {RangeError} naming the value
 */
export function assertLimit (limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`Cannot list trust transitions: "limit" must be a non-negative integer, got ${String(limit)}`)
  }
}
