/**
 * `PeerStore` over SQLite (`peers`, `trust_transitions`). Statements are prepared once;
 * every row read back is shape-checked, so a damaged row raises `StoreRowError`.
 */
import type { SQLOutputValue, StatementSync } from 'node:sqlite'
import type { PeerRow, PeerStore, TrustTransitionRecord } from '../../mesh/peers/peer-store.ts'
import { ACCEPTANCE_SYNCHRONOUS } from '../constants.ts'
import { StoreRowError } from '../errors.ts'
import { assertLimit, assertPeerRow, assertTransition, findBadPeerRowField, findBadTransitionField } from '../peer-records.ts'
import type { MeshDatabase } from './database.ts'

type SqlRow = Record<string, SQLOutputValue>

const PEER_COLUMNS = 'fingerprint, agent_id, pubkey, peer_id, addresses, trust, is_pinned, untrusted_since_ms, capabilities, first_seen_ms, last_seen_ms, rtt, presence, lri'
const TRANSITION_COLUMNS = 'peer, from_state, to_state, event, reason, cause_msg_ids, at_ms'
// An upsert, not INSERT OR REPLACE: a replace deletes first, which would fire delete
// triggers and cascades that later migrations may add.
const UPSERT_PEER = `
  INSERT INTO peers (${PEER_COLUMNS})
  VALUES ($fingerprint, $agentId, $pubkey, $peerId, $addresses, $trust, $isPinned, $untrustedSinceMs, $capabilities, $firstSeenMs, $lastSeenMs, $rtt, $presence, $lri)
  ON CONFLICT (fingerprint) DO UPDATE SET
    agent_id = excluded.agent_id, pubkey = excluded.pubkey, peer_id = excluded.peer_id, addresses = excluded.addresses,
    trust = excluded.trust, is_pinned = excluded.is_pinned, untrusted_since_ms = excluded.untrusted_since_ms,
    capabilities = excluded.capabilities, first_seen_ms = excluded.first_seen_ms, last_seen_ms = excluded.last_seen_ms,
    rtt = excluded.rtt, presence = excluded.presence, lri = excluded.lri`
const INSERT_TRANSITION = `
  INSERT INTO trust_transitions (${TRANSITION_COLUMNS})
  VALUES ($peer, $from, $to, $event, $reason, $causeMsgIds, $at)`
// The newest `limit` (-1: all), returned oldest first; `id` is the order of recording.
const LIST_TRANSITIONS = `
  SELECT ${TRANSITION_COLUMNS} FROM (
    SELECT id, ${TRANSITION_COLUMNS} FROM trust_transitions ORDER BY id DESC LIMIT $limit
  ) ORDER BY id`
const LIST_PEER_TRANSITIONS = `
  SELECT ${TRANSITION_COLUMNS} FROM (
    SELECT id, ${TRANSITION_COLUMNS} FROM trust_transitions WHERE peer = $peer ORDER BY id DESC LIMIT $limit
  ) ORDER BY id`

/** A `PeerStore` over `db` (migrated to at least version 1). */
export function createSqlitePeerStore (db: MeshDatabase): PeerStore {
  return new SqlitePeerStore(db)
}

class SqlitePeerStore implements PeerStore {
  readonly #db: MeshDatabase
  readonly #selectPeers: StatementSync
  readonly #upsertPeer: StatementSync
  readonly #insertTransition: StatementSync
  readonly #listTransitions: StatementSync
  readonly #listPeerTransitions: StatementSync

  constructor (db: MeshDatabase) {
    this.#db = db
    this.#selectPeers = db.prepare(`SELECT ${PEER_COLUMNS} FROM peers ORDER BY fingerprint`)
    this.#upsertPeer = db.prepare(UPSERT_PEER)
    this.#insertTransition = db.prepare(INSERT_TRANSITION)
    this.#listTransitions = db.prepare(LIST_TRANSITIONS)
    this.#listPeerTransitions = db.prepare(LIST_PEER_TRANSITIONS)
  }

  loadPeers (): PeerRow[] {
    return this.#selectPeers.all().map(peerRowOf)
  }

  savePeer (row: PeerRow): void {
    assertPeerRow(row)
    this.#upsertPeer.run(peerParameters(row))
  }

  recordTransition (record: TrustTransitionRecord, row: PeerRow): void {
    assertTransition(record, row)
    this.#db.transaction(() => {
      this.#insertTransition.run(transitionParameters(record))
      this.#upsertPeer.run(peerParameters(row))
    }, { synchronous: ACCEPTANCE_SYNCHRONOUS })
  }

  listTransitions (options: { peer?: string, limit?: number } = {}): TrustTransitionRecord[] {
    assertLimit(options.limit)
    const limit = options.limit ?? -1
    const rows = options.peer === undefined
      ? this.#listTransitions.all({ limit })
      : this.#listPeerTransitions.all({ peer: options.peer, limit })
    return rows.map(transitionOf)
  }
}

function peerParameters (row: PeerRow): Record<string, string | number | null> {
  return {
    fingerprint: row.fingerprint,
    agentId: row.agentId,
    pubkey: row.pubkey,
    peerId: row.peerId,
    addresses: JSON.stringify(row.addresses),
    trust: row.trust,
    isPinned: row.isPinned ? 1 : 0,
    untrustedSinceMs: row.untrustedSinceMs,
    capabilities: JSON.stringify(row.capabilities),
    firstSeenMs: row.firstSeenMs,
    lastSeenMs: row.lastSeenMs,
    rtt: row.rtt === null ? null : JSON.stringify(row.rtt),
    presence: row.presence,
    lri: row.lri
  }
}

function transitionParameters (record: TrustTransitionRecord): Record<string, string | number> {
  return {
    peer: record.peer,
    from: record.from,
    to: record.to,
    event: record.event,
    reason: record.reason,
    causeMsgIds: JSON.stringify(record.causeMsgIds),
    at: record.at
  }
}

function peerRowOf (sql: SqlRow): PeerRow {
  const key = String(sql.fingerprint)
  const candidate = {
    fingerprint: sql.fingerprint,
    agentId: sql.agent_id,
    pubkey: sql.pubkey,
    peerId: sql.peer_id,
    addresses: parseJsonColumn(sql.addresses, 'peers', key, 'addresses'),
    trust: sql.trust,
    isPinned: sql.is_pinned === 1 ? true : sql.is_pinned === 0 ? false : sql.is_pinned,
    untrustedSinceMs: sql.untrusted_since_ms,
    capabilities: parseJsonColumn(sql.capabilities, 'peers', key, 'capabilities'),
    firstSeenMs: sql.first_seen_ms,
    lastSeenMs: sql.last_seen_ms,
    rtt: sql.rtt === null ? null : parseJsonColumn(sql.rtt, 'peers', key, 'rtt'),
    presence: sql.presence,
    lri: sql.lri
  }
  const field = findBadPeerRowField(candidate)
  if (field !== undefined) throw badRow('peers', key, field)
  return candidate as PeerRow
}

function transitionOf (sql: SqlRow): TrustTransitionRecord {
  const key = String(sql.peer)
  const candidate = {
    peer: sql.peer,
    from: sql.from_state,
    to: sql.to_state,
    event: sql.event,
    reason: sql.reason,
    causeMsgIds: parseJsonColumn(sql.cause_msg_ids, 'trust_transitions', key, 'causeMsgIds'),
    at: sql.at_ms
  }
  const field = findBadTransitionField(candidate)
  if (field !== undefined) throw badRow('trust_transitions', key, field)
  return candidate as TrustTransitionRecord
}

// Our own JSON, but the file may be damaged: a parse failure is a bad row, not a crash.
function parseJsonColumn (text: unknown, table: string, key: string, field: string): unknown {
  if (typeof text !== 'string') throw badRow(table, key, field)
  try {
    return JSON.parse(text)
  } catch (err) {
    throw badRow(table, key, field, err)
  }
}

function badRow (table: string, key: string, field: string, cause?: unknown): StoreRowError {
  return new StoreRowError(`Cannot read ${table} row "${key}": field "${field}" has the wrong shape`, { table, key, field, reason: 'bad_row', cause })
}
