/**
 * `PeerStore` in memory, for tests and simulations: the same contract as the SQLite
 * store (same compliance suite), holding copies and handing out copies.
 */
import type { PeerRow, PeerStore, TrustTransitionRecord } from '../../mesh/peers/peer-store.ts'
import { assertLimit, assertPeerRow, assertTransition, copyPeerRow, copyTransition } from '../peer-records.ts'
import { compareStrings } from './compare-strings.ts'

/** An empty in-memory `PeerStore`. */
export function createMemoryPeerStore (): PeerStore {
  return new MemoryPeerStore()
}

class MemoryPeerStore implements PeerStore {
  readonly #peers = new Map<string, PeerRow>()
  /** In the order recorded. */
  readonly #transitions: TrustTransitionRecord[] = []

  loadPeers (): PeerRow[] {
    // Fingerprint order, like the SQLite store.
    return [...this.#peers.values()]
      .sort((a, b) => compareStrings(a.fingerprint, b.fingerprint))
      .map(copyPeerRow)
  }

  savePeer (row: PeerRow): void {
    assertPeerRow(row)
    this.#peers.set(row.fingerprint, copyPeerRow(row))
  }

  recordTransition (record: TrustTransitionRecord, row: PeerRow): void {
    // Both are checked before either is written, so the pair is all or nothing.
    assertTransition(record, row)
    this.#transitions.push(copyTransition(record))
    this.#peers.set(row.fingerprint, copyPeerRow(row))
  }

  listTransitions (options: { peer?: string, limit?: number } = {}): TrustTransitionRecord[] {
    assertLimit(options.limit)
    const { peer, limit } = options
    const matching = peer === undefined ? this.#transitions : this.#transitions.filter((record) => record.peer === peer)
    const newest = limit === undefined ? matching : matching.slice(Math.max(0, matching.length - limit))
    return newest.map(copyTransition)
  }
}
