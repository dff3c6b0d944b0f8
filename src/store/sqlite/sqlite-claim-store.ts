/**
 * `ClaimStore` over SQLite (`claims`, `causal_memory`, `decisions`). A claim is stored
 * as one JSON record (its shape belongs to the knowledge layer and changes with it);
 * status changes and causal memory commit together with `synchronous=FULL`, so an
 * accepted claim survives a SIGKILL the instant after it was announced.
 */
import type { SQLOutputValue } from 'node:sqlite'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import type { CausalMemoryEntry, ClaimStore, DecisionRecord } from '../../runtime/knowledge/claim-store.ts'
import type { ClaimRecord } from '../../runtime/knowledge/types.ts'
import { ACCEPTANCE_SYNCHRONOUS } from '../constants.ts'
import { StoreRowError } from '../errors.ts'
import type { MeshDatabase } from './database.ts'

/** A `ClaimStore` over `db` (migrated to at least version 3). */
export function createSqliteClaimStore (db: MeshDatabase): ClaimStore {
  const upsertClaim = db.prepare(`INSERT INTO claims (id, record, status, status_since_ms) VALUES ($id, $record, $status, $since)
    ON CONFLICT (id) DO UPDATE SET record = excluded.record, status = excluded.status, status_since_ms = excluded.status_since_ms`)
  const selectClaims = db.prepare('SELECT id, record FROM claims ORDER BY id')
  const insertMemory = db.prepare(`INSERT INTO causal_memory (claim_id, statement, domain, proposer, accepted_at_ms, retracted_at_ms)
    VALUES ($id, $statement, $domain, $proposer, $at, NULL) ON CONFLICT (claim_id) DO UPDATE SET retracted_at_ms = NULL`)
  const retractMemory = db.prepare('UPDATE causal_memory SET retracted_at_ms = $at WHERE claim_id = $id AND retracted_at_ms IS NULL')
  const selectMemory = db.prepare('SELECT claim_id, statement, domain, proposer, accepted_at_ms, retracted_at_ms FROM causal_memory ORDER BY accepted_at_ms, claim_id')
  const insertDecision = db.prepare(`INSERT INTO decisions (msg_id, from_fingerprint, decision, dmp_trace, retrospective, at_ms)
    VALUES ($msgId, $from, $decision, $dmpTrace, $retrospective, $at) ON CONFLICT (msg_id) DO NOTHING`)
  const selectDecisions = db.prepare('SELECT * FROM (SELECT msg_id, from_fingerprint, decision, dmp_trace, retrospective, at_ms FROM decisions ORDER BY at_ms DESC, msg_id DESC LIMIT $limit) ORDER BY at_ms, msg_id')
  const save = (claim: ClaimRecord): void => {
    upsertClaim.run({ id: claim.id, record: JSON.stringify(claim), status: claim.status, since: claim.statusSinceMs })
  }
  return {
    loadClaims: () => selectClaims.all().map(claimOf),
    saveClaim: save,
    recordStatus (claim, change) {
      db.transaction(() => {
        save(claim)
        if (change === 'accepted') insertMemory.run({ id: claim.id, statement: claim.statement, domain: claim.domain, proposer: claim.proposer, at: claim.statusSinceMs })
        if (change === 'retracted') retractMemory.run({ id: claim.id, at: claim.statusSinceMs })
      }, { synchronous: ACCEPTANCE_SYNCHRONOUS })
    },
    causalMemory: () => selectMemory.all().map(memoryOf),
    saveDecision (decision) {
      insertDecision.run({
        msgId: decision.msgId, from: decision.from, decision: JSON.stringify(decision.decision), dmpTrace: JSON.stringify(decision.dmpTrace),
        retrospective: decision.retrospective, at: decision.atMs
      })
    },
    listDecisions: (limit) => (limit === 0 ? [] : selectDecisions.all({ limit: limit ?? -1 }).map(decisionOf))
  }
}

type Row = Record<string, SQLOutputValue>

function text (row: Row, field: string, table: string): string {
  const value = row[field]
  if (typeof value !== 'string') throw new StoreRowError(`Cannot read ${table}: field "${field}" is not text`, { reason: 'bad_row', table, field })
  return value
}

function integer (row: Row, field: string, table: string): number {
  const value = row[field]
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new StoreRowError(`Cannot read ${table}: field "${field}" is not an integer`, { reason: 'bad_row', table, field })
  return value
}

function json (row: Row, field: string, table: string): unknown {
  try {
    return JSON.parse(text(row, field, table)) as unknown
  } catch (cause) {
    if (cause instanceof StoreRowError) throw cause
    throw new StoreRowError(`Cannot read ${table}: field "${field}" is not JSON`, { reason: 'bad_row', table, field, cause })
  }
}

function claimOf (row: Row): ClaimRecord {
  const record = json(row, 'record', 'claims') as ClaimRecord | null
  if (record === null || typeof record !== 'object' || record.id !== text(row, 'id', 'claims') || !Array.isArray(record.verdicts)) {
    throw new StoreRowError('Cannot read claims: record does not match its id', { reason: 'bad_row', table: 'claims', field: 'record' })
  }
  return record
}

function memoryOf (row: Row): CausalMemoryEntry {
  const retracted = row.retracted_at_ms
  return {
    claimId: text(row, 'claim_id', 'causal_memory'),
    statement: text(row, 'statement', 'causal_memory'),
    domain: text(row, 'domain', 'causal_memory'),
    proposer: text(row, 'proposer', 'causal_memory'),
    acceptedAtMs: integer(row, 'accepted_at_ms', 'causal_memory'),
    retractedAtMs: retracted === null ? null : integer(row, 'retracted_at_ms', 'causal_memory')
  }
}

function decisionOf (row: Row): DecisionRecord {
  return {
    msgId: text(row, 'msg_id', 'decisions'),
    from: text(row, 'from_fingerprint', 'decisions'),
    decision: json(row, 'decision', 'decisions') as JsonValue,
    dmpTrace: json(row, 'dmp_trace', 'decisions') as JsonValue,
    retrospective: text(row, 'retrospective', 'decisions'),
    atMs: integer(row, 'at_ms', 'decisions')
  }
}
