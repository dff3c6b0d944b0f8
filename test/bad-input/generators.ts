/**
 * The bad-input suite's generators (issue #7 item 3): fast-check arbitraries that start
 * from valid signed envelopes, LSAs and admin requests and break them in every way the
 * brief lists — malformed JSON, wrong types, oversized and deep input, duplicate and
 * `__proto__` keys, forged and malleated signatures, weak keys, wrong fingerprints, a
 * signature reused on another type, stale timestamps, stale or conflicting LSA sequences —
 * each with the typed refusals that are right for it.
 *
 * Runs are seeded: `BAD_INPUT_SEED` (default {@link DEFAULT_SEED}) fixes every stream, and
 * each stream's seed is printed by the tests that use it. `BAD_INPUT_RUNS` (default
 * 10,000) is the number of inputs per in-process entry point, `BAD_INPUT_CLI_RUNS`
 * (default 200) the number of envelope files through the CLI.
 *
 * @example
 * ```ts
 * const inputs = sampleOf(stateInputArb(context), 'state', BAD_INPUT_RUNS)
 * ```
 */
import fc from 'fast-check'
import { ERROR_TABLE } from '../../src/protocol/errors.ts'
import type { Web4ErrorName } from '../../src/protocol/errors.ts'
import type { Receiver } from '../../src/protocol/envelope/types.ts'
import { directInputArb, envelopeInputArb, impersonationArb } from './direct-inputs.ts'
import type { EnvelopeContext } from './envelopes.ts'
import { lsaInputArb } from './lsa-inputs.ts'
import type { LsaContext } from './lsa-inputs.ts'
import { openedCarrierArb } from './mesh-inputs.ts'
import type { MeshContext } from './mesh-inputs.ts'
import { envelopeMutationArb, rawInput, resignWith } from './mutations.ts'
import type { BadInput, Outcome } from './mutations.ts'
import { junkArb, textEditArb } from './raw-json.ts'
import { validBodyArb } from './envelopes.ts'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'

export type { AdminContext, AdminRequestCase } from './admin-requests.ts'
export { adminRequestArb } from './admin-requests.ts'
export type { EnvelopeContext } from './envelopes.ts'
export type { LsaContext } from './lsa-inputs.ts'
export type { MeshContext } from './mesh-inputs.ts'
export type { BadInput, Outcome } from './mutations.ts'
export { identityFromLabel } from './identities.ts'
export { impersonationArb, isImpersonation } from './direct-inputs.ts'
export { lsaInputArb } from './lsa-inputs.ts'
export { meshInputArb } from './mesh-inputs.ts'

/** The seed of every stream when `BAD_INPUT_SEED` is not set. */
export const DEFAULT_SEED = 20261207

function envInteger (name: string, fallback: number): number {
  const text = process.env[name]
  const value = text === undefined || text === '' ? fallback : Number(text)
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Cannot read "${name}": "${text ?? ''}" is not a non-negative integer`)
  return value
}

/** The suite's seed. */
export const BAD_INPUT_SEED = envInteger('BAD_INPUT_SEED', DEFAULT_SEED)
/** Inputs per in-process entry point (each libp2p channel, the admin API). */
export const BAD_INPUT_RUNS = envInteger('BAD_INPUT_RUNS', 10_000)
/** Envelope files through the CLI. */
export const BAD_INPUT_CLI_RUNS = envInteger('BAD_INPUT_CLI_RUNS', 200)

/** The seed of the stream named `label`: the suite's seed mixed with an FNV-1a hash of the label. */
export function seedOf (label: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193)
  return ((hash ^ BAD_INPUT_SEED) >>> 0) % 0x7fffffff
}

/** `count` values of `arbitrary` from the stream named `label`; the same seed gives the same values. */
export function sampleOf<T> (arbitrary: fc.Arbitrary<T>, label: string, count: number): T[] {
  return count === 0 ? [] : fc.sample(arbitrary, { seed: seedOf(label), numRuns: count })
}

/** How to reproduce a stream: printed with every failure about it. */
export function reproduction (label: string): string {
  return `stream "${label}", seed ${seedOf(label)} (BAD_INPUT_SEED=${BAD_INPUT_SEED})`
}

/**
 * `control`: bad envelopes (1 in 5) and bad LSAs (4 in 5). LSAs travel on `control` only;
 * envelopes that parse take a control-plane token (20/s per link peer), so fewer of them
 * keep a paced run short (the same envelope mutations go through `state` and `knowledge`).
 */
export function controlInputArb (direct: EnvelopeContext, lsa: LsaContext): fc.Arbitrary<BadInput> {
  return fc.oneof({ weight: 1, arbitrary: directInputArb(direct) }, { weight: 4, arbitrary: lsaInputArb(lsa) })
}

/** `state` and `knowledge`: bad envelopes of every family and type. */
export function stateInputArb (direct: EnvelopeContext): fc.Arbitrary<BadInput> {
  return directInputArb(direct)
}

/** One envelope file for the CLI and the exit codes that are right for it. */
export interface CliCase {
  command: 'verify' | 'validate'
  category: string
  bytes: Uint8Array
  exitCodes: readonly number[]
}

function exitCodesOf (expected: readonly Outcome[]): number[] {
  const names = expected.filter((outcome) => Object.hasOwn(ERROR_TABLE, outcome)) as Web4ErrorName[]
  return [...new Set(names.map((name) => ERROR_TABLE[name].exitCode))]
}

/** Inputs that fail the schema (or the JSON intake): `envelope validate` refuses them too. */
function schemaInvalidArb (context: EnvelopeContext): fc.Arbitrary<BadInput> {
  const schemaCategories = new Set(['bad_signature_encoding', 'bad_signature_algo', 'version', 'unknown_type', 'wrong_type', 'extra_member'])
  const bodies = validBodyArb(context)
  return fc.oneof(
    { weight: 4, arbitrary: bodies.chain((envelope) => envelopeMutationArb(envelope, resignWith(context.author.identity))).filter((input) => schemaCategories.has(input.category)) },
    { weight: 3, arbitrary: bodies.chain((envelope) => textEditArb(envelope as unknown as JsonValue)).map((edit) => rawInput(edit.category, edit.bytes, ['InvalidEnvelopeError'])) },
    { weight: 1, arbitrary: junkArb.map((bytes) => rawInput('junk', bytes, ['InvalidEnvelopeError'])) }
  )
}

/**
 * Envelope files `web4mesh envelope verify` must refuse (any check: intake, schema, key,
 * freshness, signature, mesh header) and files `validate` must refuse (intake and schema).
 */
export function cliCaseArb (context: MeshContext & { third: Receiver & { pubkey: string } }): fc.Arbitrary<CliCase> {
  const verify = fc.oneof(
    { weight: 6, arbitrary: envelopeInputArb(context) },
    { weight: 1, arbitrary: impersonationArb(context, context.third).filter((input) => !input.isOfflineValid) },
    { weight: 3, arbitrary: openedCarrierArb(context) }
  ).map((input): CliCase => ({ command: 'verify', category: input.category, bytes: input.bytes, exitCodes: exitCodesOf(input.expected) }))
  const validate = schemaInvalidArb(context)
    .map((input): CliCase => ({ command: 'validate', category: input.category, bytes: input.bytes, exitCodes: exitCodesOf(input.expected.filter((name) => name === 'InvalidEnvelopeError' || name === 'PayloadSchemaError')) }))
  return fc.oneof({ weight: 2, arbitrary: verify }, { weight: 1, arbitrary: validate })
}
