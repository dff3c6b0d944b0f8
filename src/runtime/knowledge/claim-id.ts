/**
 * Content-derived claim identity (SPEC §15.12): the id of a claim is the lowercase hex
 * SHA-256 of the canonical JSON of `{statement, domain}`, with the statement
 * NFC-normalised and trimmed. Two proposals of the same content are one claim, so
 * re-proposing someone else's statement earns nothing (SPEC §15.6).
 *
 * @example
 * ```ts
 * claimIdOf('  Water boils at 100 °C ', 'physics') === claimIdOf('Water boils at 100 °C', 'physics') // true
 * ```
 */
import { createHash } from 'node:crypto'
import { canonicalize } from '../../protocol/canonical-json.ts'

/**
 * The statement as it enters a claim id: NFC-normalised, then trimmed of leading and
 * trailing white space and line terminators (ECMAScript `String.prototype.trim`).
 * Inner white space is kept: it is part of the content.
 */
export function normaliseStatement (statement: string): string {
  return statement.normalize('NFC').trim()
}

/**
 * The claim id of a statement in a domain (SPEC §15.12): lowercase hex SHA-256 of the
 * canonical JSON (SPEC §3) of `{statement, domain}`. The domain is taken as written.
 */
export function claimIdOf (statement: string, domain: string): string {
  const canonical = canonicalize({ statement: normaliseStatement(statement), domain })
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}
