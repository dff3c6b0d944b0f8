/**
 * The FORGE audit (TRUSTBENCH §3.5, I3): a forged, tampered, replayed or stale envelope
 * may change no claim status and no trust state of anyone except the authenticated peer
 * that delivered it on a direct link (SPEC §5, §15.7, §15.9), and every one must meet its
 * typed error. Checked from the transition logs (causes), the observers' ledgers (no
 * forged verdict recorded) and the refusals counted per recipient.
 */
import type { CellContext, ForgedItem } from './context.ts'

/** The outcome of the audit. */
export interface ForgeAudit {
  /** State changes caused by forgeries (FORGE). */
  changes: number
  /** Forgeries not refused with their typed error at every recipient. */
  unrefused: number
  /** Refusals by error name, over `ingest` and every other path. */
  errors: Record<string, number>
  /** Forgeries per kind. */
  sent: Record<string, number>
}

/** Audits the cell's forgeries. */
export function auditForgeries (context: CellContext): ForgeAudit {
  const errors: Record<string, number> = {}
  const count = (name: string, by: number): void => { errors[name] = (errors[name] ?? 0) + by }
  for (const [name, by] of context.stats.ingestErrors) count(name, by)
  const refusals = new Map<string, number>()
  for (const trace of context.traces.values()) {
    for (const [key, by] of trace.refusals) {
      refusals.set(key, (refusals.get(key) ?? 0) + by)
      count(key.slice(key.indexOf(':') + 1), by)
    }
  }
  const sent: Record<string, number> = {}
  for (const item of context.forged) sent[item.kind] = (sent[item.kind] ?? 0) + 1
  // What the last round sent is never delivered: the run ends first.
  const delivered = context.forged.filter((item) => item.round < context.spec.rounds - 1)
  return { changes: countChanges(context), unrefused: countUnrefused(delivered, refusals), errors, sent }
}

/** Transitions citing a forgery (other than against its own sender) and forged verdicts held by a ledger. */
function countChanges (context: CellContext): number {
  const senderOf = new Map<string, string>()
  for (const item of context.forged) for (const id of item.forgedIds) senderOf.set(id, item.sender)
  let changes = 0
  for (const trace of context.traces.values()) {
    for (const entry of trace.transitions) {
      if (entry.causeMsgIds.some((id) => senderOf.has(id) && senderOf.get(id) !== entry.peer)) changes++
    }
    for (const item of context.forged) {
      const verdict = item.verdict
      if (verdict === undefined) continue
      const claim = trace.node.node.knowledge.claim(verdict.claim)
      if (claim?.verdicts.some((held) => held.from === verdict.from && held.msgId === verdict.msgId) === true) changes++
    }
  }
  return changes
}

/**
 * Forgeries some recipient did not refuse with the expected error. Claim messages are
 * checked one by one (`refusedBy`); LSAs (f) and evidence (g) by the totals of their
 * channel's refusals, since those paths report no msg_id of their own.
 */
function countUnrefused (forged: readonly ForgedItem[], refusals: ReadonlyMap<string, number>): number {
  let unrefused = forged.filter((item) => item.body !== undefined && item.refusedBy < item.recipients).length
  const expected = (kind: ForgedItem['kind']): number => forged.filter((item) => item.kind === kind).reduce((sum, item) => sum + item.recipients, 0)
  if ((refusals.get('control:SignatureMismatchError') ?? 0) < expected('f')) unrefused++
  if ((refusals.get('mesh:SignatureMismatchError') ?? 0) < expected('g')) unrefused++
  return unrefused
}
