/**
 * Who has handshaken with whom, as a small table (pure): a row per node, a column per
 * peer, each cell the row node's view — `direct` over its own link, `routed` across the
 * mesh (SPEC §15.1: every node meets every node), `…` not yet.
 */
import { formatTable } from '../table.ts'

/** How a node has handshaken with a peer; undefined while it has not. */
export type HandshakeKind = 'direct' | 'routed' | undefined

/** The matrix of `names`, `kindOf(node, peer)` giving each cell. */
export function formatHandshakeMatrix (names: readonly string[], kindOf: (node: string, peer: string) => HandshakeKind): string {
  return formatTable(['', ...names], names.map((node) => [
    node, ...names.map((peer) => node === peer ? '·' : kindOf(node, peer) ?? '…')
  ]))
}
