/**
 * The schema of `mesh.db`, as an append-only list of migrations (tracked with
 * `PRAGMA user_version`). Never edit a released migration: add the next one. Each runs
 * in its own transaction; tables are STRICT so a column refuses a value of the wrong type.
 */

/** One schema step. */
export interface Migration {
  /** The `user_version` the database has once this step ran: 1, 2, 3, … */
  readonly version: number
  /** What it does, for errors and logs. */
  readonly name: string
  /** The statements, run with `exec`. */
  readonly sql: string
}

// TrustFSM states (src/protocol/trust/trust-fsm.ts TRUST_STATES), frozen at version 1;
// a test checks the list still matches. Presence is checked in code, not in SQL, so its
// vocabulary can grow without rebuilding the table.
const TRUST_STATE_LIST = '\'unknown\', \'untrusted\', \'probing\', \'trusted\', \'blacklisted\''

const V1_PEERS_TRUST_REPLAY = `
CREATE TABLE peers (
  fingerprint TEXT PRIMARY KEY NOT NULL,
  agent_id TEXT NOT NULL,
  pubkey TEXT NOT NULL,
  peer_id TEXT,
  addresses TEXT NOT NULL CHECK (json_valid(addresses) AND json_type(addresses) = 'array'),
  trust TEXT NOT NULL CHECK (trust IN (${TRUST_STATE_LIST})),
  is_pinned INTEGER NOT NULL CHECK (is_pinned IN (0, 1)),
  untrusted_since_ms INTEGER,
  capabilities TEXT NOT NULL CHECK (json_valid(capabilities) AND json_type(capabilities) = 'array'),
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER,
  rtt TEXT CHECK (rtt IS NULL OR (json_valid(rtt) AND json_type(rtt) = 'object')),
  presence TEXT,
  lri REAL
) STRICT;

CREATE TABLE trust_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  peer TEXT NOT NULL,
  from_state TEXT NOT NULL CHECK (from_state IN (${TRUST_STATE_LIST})),
  to_state TEXT NOT NULL CHECK (to_state IN (${TRUST_STATE_LIST})),
  event TEXT NOT NULL,
  reason TEXT NOT NULL,
  cause_msg_ids TEXT NOT NULL CHECK (json_valid(cause_msg_ids) AND json_type(cause_msg_ids) = 'array'),
  at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX trust_transitions_by_peer ON trust_transitions (peer, id);

CREATE TABLE replay_seen (
  sender TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (sender, msg_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX replay_seen_by_expiry ON replay_seen (expires_at_ms);
`

const V2_SEQUENCES = `
CREATE TABLE sequences (
  name TEXT PRIMARY KEY NOT NULL,
  value INTEGER NOT NULL CHECK (value >= 0 AND value <= 9007199254740991)
) STRICT;
`

// Claim statuses (src/runtime/knowledge/types.ts CLAIM_STATUSES), frozen at version 3.
const CLAIM_STATUS_LIST = '\'pending\', \'disputed\', \'accepted\', \'rejected\''

const V3_KNOWLEDGE = `
CREATE TABLE claims (
  id TEXT PRIMARY KEY NOT NULL,
  record TEXT NOT NULL CHECK (json_valid(record) AND json_type(record) = 'object'),
  status TEXT NOT NULL CHECK (status IN (${CLAIM_STATUS_LIST})),
  status_since_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE causal_memory (
  claim_id TEXT PRIMARY KEY NOT NULL,
  statement TEXT NOT NULL,
  domain TEXT NOT NULL,
  proposer TEXT NOT NULL,
  accepted_at_ms INTEGER NOT NULL,
  retracted_at_ms INTEGER
) STRICT;

CREATE TABLE decisions (
  msg_id TEXT PRIMARY KEY NOT NULL,
  from_fingerprint TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (json_valid(decision)),
  dmp_trace TEXT NOT NULL CHECK (json_valid(dmp_trace)),
  retrospective TEXT NOT NULL,
  at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX decisions_by_time ON decisions (at_ms);
`

/** Every migration, in order; the last one's version is the schema this code writes. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: 'peers, trust transitions and replay cache', sql: V1_PEERS_TRUST_REPLAY },
  { version: 2, name: 'own sequence numbers (LSA)', sql: V2_SEQUENCES },
  { version: 3, name: 'claims, causal memory and decisions', sql: V3_KNOWLEDGE }
])
