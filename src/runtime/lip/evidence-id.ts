/**
 * LIP evidence identity: the content id the liminal queue keys items by.
 */
import { createHash } from 'node:crypto'
import { canonicalize } from '../../protocol/canonical-json.ts'
import type { LipEvidencePayload } from '../../protocol/envelope/types.ts'

/**
 * The content id of LIP evidence: lowercase hex SHA-256 of the canonical JSON (SPEC §3)
 * of `{claims, evidence, uri}`: the LIP_EVIDENCE payload's `claims` and `evidence`, as
 * sent, and the envelope's `source.uri`. Confidence and extraction notes are left out,
 * so the same extract from the same source is one item whoever sends it.
 */
export function evidenceIdOf (payload: Pick<LipEvidencePayload, 'claims' | 'evidence'>, uri: string): string {
  const content = canonicalize({ claims: payload.claims, evidence: payload.evidence, uri })
  return createHash('sha256').update(content, 'utf8').digest('hex')
}
