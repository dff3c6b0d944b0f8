/**
 * The shape of a link-state advertisement (`schemas/mesh/lsa.schema.json`), compiled
 * once with Ajv when this module loads, plus the rules a schema cannot say: a neighbour
 * list names neither the origin nor any fingerprint twice. Shape only; keys,
 * signatures and freshness are checked by `openLsa`.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import defsSchema from '../../../schemas/common/defs.schema.json' with { type: 'json' }
import signSchema from '../../../schemas/common/sign.schema.json' with { type: 'json' }
import lsaSchema from '../../../schemas/mesh/lsa.schema.json' with { type: 'json' }
import type { ReceiverTrustView } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'

/** Version tag of the LSA format. */
export const LSA_VERSION = '1.0'

/** One link as its origin advertises it. */
export interface LsaNeighbour {
  /** The neighbour's fingerprint. */
  readonly fingerprint: string
  /** The link's smoothed RTT, in ms. */
  readonly rtt_ms: number
  /** The origin's trust view of the neighbour. */
  readonly trust: ReceiverTrustView
}

/** The signature block (SPEC §3). */
export interface LsaSign {
  readonly algo: 'ed25519'
  readonly signature: string
}

/** A signed link-state advertisement, as on the wire. */
export interface Lsa {
  readonly lsa: typeof LSA_VERSION
  /** The fingerprint of `pubkey`: the LSA certifies itself. */
  readonly origin: string
  readonly agent_id: string
  /** Canonical base64 of the origin's raw Ed25519 public key. */
  readonly pubkey: string
  /** Strictly increasing per origin; a safe integer ≥ 1. */
  readonly seq: number
  /** RFC 3339 time the origin signed it. */
  readonly created_at: string
  /** Multiaddrs the origin listens on (≤ 16). */
  readonly addresses: readonly string[]
  /** The origin's links (≤ 64). */
  readonly neighbours: readonly LsaNeighbour[]
  /** True when the origin leaves the mesh. */
  readonly withdrawn: boolean
  readonly sign: LsaSign
}

const validateSchema = compileLsaSchema()

function compileLsaSchema (): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: false })
  ajv.addSchema([defsSchema, signSchema, lsaSchema])
  const validate = ajv.getSchema(lsaSchema.$id)
  if (validate === undefined) throw new Error(`Cannot compile schema "${lsaSchema.$id}": not registered`)
  return validate
}

/**
 * Checks that `value` has the shape of an {@link Lsa}.
 *
 * @throws {InvalidEnvelopeError} with reason `lsa_schema` and `field` the JSON pointer of
 *   the first failing member
 */
export function validateLsa (value: unknown): Lsa {
  let isValid: boolean
  try {
    isValid = validateSchema(value)
  } catch (cause) {
    throw schemaError('', 'cannot be read', cause)
  }
  if (!isValid) {
    const error = pickError(validateSchema.errors)
    throw schemaError(error?.instancePath ?? '', describe(error))
  }
  const lsa = value as Lsa
  checkNeighbours(lsa)
  return lsa
}

/** A neighbour list naming the origin, or one fingerprint twice, would let one LSA count a link twice. */
function checkNeighbours (lsa: Lsa): void {
  const seen = new Set<string>([lsa.origin])
  lsa.neighbours.forEach(({ fingerprint }, i) => {
    if (seen.has(fingerprint)) {
      const detail = fingerprint === lsa.origin ? 'names the origin itself' : 'names a fingerprint twice'
      throw schemaError(`/neighbours/${i}/fingerprint`, detail)
    }
    seen.add(fingerprint)
  })
}

/** The error about the member itself rather than a branch of a combinator, when there is one. */
function pickError (errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (errors == null) return undefined
  return errors.find((error) => !/\/(?:anyOf|oneOf)\/\d/.test(error.schemaPath)) ?? errors.at(-1)
}

function describe (error: ErrorObject | undefined): string {
  if (error === undefined) return 'does not match the schema'
  if (error.keyword === 'additionalProperties') {
    return `unexpected member "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
  }
  return error.message ?? 'does not match the schema'
}

function schemaError (field: string, detail: string, cause?: unknown): InvalidEnvelopeError {
  const where = field === '' ? 'the LSA' : `"${field}"`
  return new InvalidEnvelopeError(`Cannot validate LSA: ${where} ${detail}`, { reason: 'lsa_schema', field, cause })
}
