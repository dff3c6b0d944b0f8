/**
 * What a killed node left on disk, checked without touching it: `mesh.db` with its
 * `-wal` and `-shm` files is copied as it lies, and the copy is opened — so SQLite's
 * recovery runs on the copy — for `PRAGMA quick_check` (the check the node itself runs
 * at start, DESIGN §6) and for the persisted LSA sequence (`sequences`, migration 2).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { LSA_SEQUENCE_NAME } from '../../src/mesh/link-state/link-state-service.ts'

/** The database file in a data directory, and the files SQLite keeps beside it in WAL mode. */
export const DATABASE_FILE = 'mesh.db'
const COMPANION_SUFFIXES = ['', '-wal', '-shm'] as const

/** What the copy showed. */
export interface CrashSnapshot {
  /** The rows of `PRAGMA quick_check`: `['ok']` when the database is intact. */
  quickCheck: string[]
  /** The persisted LSA sequence, or 0 when none was ever persisted. */
  lsaSequence: number
  /** Row counts of the tables a restart restores from. */
  rows: { peers: number, trustTransitions: number, claims: number }
}

/**
 * Copies the database of `dataDir` (a node that is not running: killed or stopped) and
 * checks the copy.
 */
export async function snapshotDatabase (dataDir: string): Promise<CrashSnapshot> {
  const scratch = await mkdtemp(join(tmpdir(), 'web4mesh-crash-'))
  try {
    for (const suffix of COMPANION_SUFFIXES) {
      await copyFile(join(dataDir, `${DATABASE_FILE}${suffix}`), join(scratch, `${DATABASE_FILE}${suffix}`)).catch((err: unknown) => {
        // A WAL that was checkpointed away, or never written, is not there: fine.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || suffix === '') throw err
      })
    }
    const db = new DatabaseSync(join(scratch, DATABASE_FILE))
    try {
      const quickCheck = db.prepare('PRAGMA quick_check').all().map((row) => String(Object.values(row)[0]))
      const sequence = db.prepare('SELECT value FROM sequences WHERE name = ?').get(LSA_SEQUENCE_NAME)
      const count = (table: string): number => Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0)
      return {
        quickCheck,
        lsaSequence: Number(sequence?.value ?? 0),
        rows: { peers: count('peers'), trustTransitions: count('trust_transitions'), claims: count('claims') }
      }
    } finally {
      db.close()
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
