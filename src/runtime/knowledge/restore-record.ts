/**
 * The check a persisted claim record passes before a ledger takes it back: the shape of
 * `ClaimRecord`, and an id that matches its content (SPEC §15.12), so a damaged or
 * edited store cannot credit a claim to another id.
 */
import { claimIdOf } from './claim-id.ts'
import { CLAIM_STATUSES } from './types.ts'
import type { ClaimRecord } from './types.ts'

const statuses = new Set<unknown>(CLAIM_STATUSES)
const verdictKinds = new Set<unknown>(['confirm', 'challenge'])

/** True for a plain object. */
function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The first problem of a verdict, or undefined. */
function verdictProblem (verdict: unknown, index: number): string | undefined {
  if (!isObject(verdict)) return `verdicts[${index}] is not an object`
  if (typeof verdict.from !== 'string' || typeof verdict.msgId !== 'string') return `verdicts[${index}] lacks from or msgId`
  if (!verdictKinds.has(verdict.kind)) return `verdicts[${index}].kind is not confirm or challenge`
  if (typeof verdict.atMs !== 'number' || !Number.isFinite(verdict.atMs)) return `verdicts[${index}].atMs is not a finite number`
  return undefined
}

/** The first problem of a record, or undefined. */
function recordProblem (record: Record<string, unknown>): string | undefined {
  for (const field of ['id', 'statement', 'domain', 'proposer', 'proposeMsgId', 'statusReason']) {
    if (typeof record[field] !== 'string') return `${field} is not a string`
  }
  for (const field of ['firstSeenAtMs', 'statusSinceMs']) {
    const value = record[field]
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${field} is not a finite number`
  }
  if (!statuses.has(record.status)) return 'status is not a claim status'
  if (record.ownVerdict !== undefined && !verdictKinds.has(record.ownVerdict)) return 'ownVerdict is not confirm or challenge'
  if (typeof record.wasEverAccepted !== 'boolean') return 'wasEverAccepted is not a boolean'
  if (!isObject(record.fact) || !isObject(record.dmpTrace) || !Array.isArray(record.causalLinks)) return 'fact, dmpTrace or causalLinks is malformed'
  if (!Array.isArray(record.verdicts)) return 'verdicts is not an array'
  for (const [index, verdict] of record.verdicts.entries()) {
    const problem = verdictProblem(verdict, index)
    if (problem !== undefined) return problem
  }
  if (record.id !== claimIdOf(record.statement as string, record.domain as string)) return 'id does not match its statement and domain'
  return undefined
}

/**
 * Checks a persisted claim record.
 *
 * @throws {TypeError} naming the record and its first problem
 */
export function checkRestoredRecord (record: unknown): asserts record is ClaimRecord {
  const problem = isObject(record) ? recordProblem(record) : 'it is not an object'
  if (problem !== undefined) {
    const id = isObject(record) && typeof record.id === 'string' ? record.id : '?'
    throw new TypeError(`Cannot restore claim "${id}": ${problem}`)
  }
}
