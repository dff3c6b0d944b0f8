/**
 * Shape validation of envelopes and payloads (SPEC §4) against the JSON Schemas of
 * `schemas/`, compiled once with Ajv when this module loads. Signatures, fingerprints
 * against keys and timestamp windows are checked elsewhere; this module checks shape only.
 *
 * @example
 * ```ts
 * const envelope = validateEnvelope(parseJson(bytes, { maxBytes: MAX_ENVELOPE_BYTES }))
 * ```
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import cipEnvelopeSchema from '../../../schemas/cip/envelope.schema.json' with { type: 'json' }
import decisionShareSchema from '../../../schemas/cip/decision-share.schema.json' with { type: 'json' }
import factChallengeSchema from '../../../schemas/cip/fact-challenge.schema.json' with { type: 'json' }
import factConfirmSchema from '../../../schemas/cip/fact-confirm.schema.json' with { type: 'json' }
import factProposeSchema from '../../../schemas/cip/fact-propose.schema.json' with { type: 'json' }
import factRejectSchema from '../../../schemas/cip/fact-reject.schema.json' with { type: 'json' }
import helloSchema from '../../../schemas/cip/hello.schema.json' with { type: 'json' }
import intentSchema from '../../../schemas/cip/intent.schema.json' with { type: 'json' }
import stateUpdateSchema from '../../../schemas/cip/state-update.schema.json' with { type: 'json' }
import defsSchema from '../../../schemas/common/defs.schema.json' with { type: 'json' }
import humanStateSchema from '../../../schemas/common/human-state.schema.json' with { type: 'json' }
import receiverSchema from '../../../schemas/common/receiver.schema.json' with { type: 'json' }
import senderSchema from '../../../schemas/common/sender.schema.json' with { type: 'json' }
import signSchema from '../../../schemas/common/sign.schema.json' with { type: 'json' }
import sourceSchema from '../../../schemas/common/source.schema.json' with { type: 'json' }
import stateSchema from '../../../schemas/common/state.schema.json' with { type: 'json' }
import trustSchema from '../../../schemas/common/trust.schema.json' with { type: 'json' }
import hcpContextSchema from '../../../schemas/hcp/context.schema.json' with { type: 'json' }
import hcpDecisionSchema from '../../../schemas/hcp/decision.schema.json' with { type: 'json' }
import hcpEnvelopeSchema from '../../../schemas/hcp/envelope.schema.json' with { type: 'json' }
import hcpFeedbackSchema from '../../../schemas/hcp/feedback.schema.json' with { type: 'json' }
import hcpHelloSchema from '../../../schemas/hcp/hello.schema.json' with { type: 'json' }
import hcpIntentSchema from '../../../schemas/hcp/intent.schema.json' with { type: 'json' }
import hcpStateUpdateSchema from '../../../schemas/hcp/state-update.schema.json' with { type: 'json' }
import lipAcceptSchema from '../../../schemas/lip/accept.schema.json' with { type: 'json' }
import lipConflictSchema from '../../../schemas/lip/conflict.schema.json' with { type: 'json' }
import lipEnvelopeSchema from '../../../schemas/lip/envelope.schema.json' with { type: 'json' }
import lipEvidenceSchema from '../../../schemas/lip/evidence.schema.json' with { type: 'json' }
import lipFetchSchema from '../../../schemas/lip/fetch.schema.json' with { type: 'json' }
import lipRejectSchema from '../../../schemas/lip/reject.schema.json' with { type: 'json' }
import carrierSchema from '../../../schemas/mesh/carrier.schema.json' with { type: 'json' }
import meshEnvelopeSchema from '../../../schemas/mesh/envelope.schema.json' with { type: 'json' }
import evidenceSchema from '../../../schemas/mesh/evidence.schema.json' with { type: 'json' }
import receiptSchema from '../../../schemas/mesh/receipt.schema.json' with { type: 'json' }
import serviceInvokeSchema from '../../../schemas/mesh/service-invoke.schema.json' with { type: 'json' }
import { PROTOCOL_VERSION } from '../constants.ts'
import { InvalidEnvelopeError, PayloadSchemaError } from '../errors.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES, MESH_OWN_TYPES, PROTOCOL_TAGS, protocolOfType } from './types.ts'
import type { BodyType, Envelope, ProtocolTag } from './types.ts'

/** Options of {@link validatePayload}. */
export interface ValidatePayloadOptions {
  /**
   * The family of the envelope the payload travels in; with `mesh`, a CIP, HCP or LIP
   * type names a carrier payload `{body}` rather than that type's own payload.
   * @default the family of `type`
   */
  family?: ProtocolTag
}

const ajv = new Ajv2020({ strict: true, allErrors: false })
ajv.addSchema([
  defsSchema, senderSchema, receiverSchema, signSchema, trustSchema, stateSchema, humanStateSchema, sourceSchema,
  cipEnvelopeSchema, helloSchema, intentSchema, factProposeSchema, factChallengeSchema, factConfirmSchema,
  factRejectSchema, decisionShareSchema, stateUpdateSchema,
  hcpEnvelopeSchema, hcpHelloSchema, hcpIntentSchema, hcpContextSchema, hcpDecisionSchema, hcpFeedbackSchema,
  hcpStateUpdateSchema,
  lipEnvelopeSchema, lipFetchSchema, lipEvidenceSchema, lipConflictSchema, lipAcceptSchema, lipRejectSchema,
  meshEnvelopeSchema, serviceInvokeSchema, receiptSchema, evidenceSchema, carrierSchema
])

function compile (schema: { $id: string }): ValidateFunction {
  const validate = ajv.getSchema(schema.$id)
  if (validate === undefined) throw new Error(`Cannot compile schema "${schema.$id}": not registered`)
  return validate
}

const ENVELOPE_VALIDATORS: Readonly<Record<ProtocolTag, ValidateFunction>> = {
  cip: compile(cipEnvelopeSchema),
  hcp: compile(hcpEnvelopeSchema),
  lip: compile(lipEnvelopeSchema),
  mesh: compile(meshEnvelopeSchema)
}

/** The mesh's own types whose payload is their own rather than a carried body. */
type MeshPayloadType = 'SERVICE_INVOKE' | 'MESH_RECEIPT' | 'MESH_EVIDENCE'
const MESH_PAYLOAD_TYPES: ReadonlySet<string> = new Set<MeshPayloadType>(['SERVICE_INVOKE', 'MESH_RECEIPT', 'MESH_EVIDENCE'])

/** The payload schema of every CIP, HCP and LIP type, and of SERVICE_INVOKE and MESH_RECEIPT. */
const PAYLOAD_SCHEMAS: Readonly<Record<BodyType | MeshPayloadType, { $id: string }>> = {
  HELLO: helloSchema,
  INTENT: intentSchema,
  FACT_PROPOSE: factProposeSchema,
  FACT_CHALLENGE: factChallengeSchema,
  FACT_CONFIRM: factConfirmSchema,
  FACT_REJECT: factRejectSchema,
  DECISION_SHARE: decisionShareSchema,
  STATE_UPDATE: stateUpdateSchema,
  HCP_HELLO: hcpHelloSchema,
  HCP_INTENT: hcpIntentSchema,
  HCP_CONTEXT: hcpContextSchema,
  HCP_DECISION: hcpDecisionSchema,
  HCP_FEEDBACK: hcpFeedbackSchema,
  HCP_STATE_UPDATE: hcpStateUpdateSchema,
  LIP_FETCH: lipFetchSchema,
  LIP_EVIDENCE: lipEvidenceSchema,
  LIP_CONFLICT: lipConflictSchema,
  LIP_ACCEPT: lipAcceptSchema,
  LIP_REJECT: lipRejectSchema,
  SERVICE_INVOKE: serviceInvokeSchema,
  MESH_RECEIPT: receiptSchema,
  MESH_EVIDENCE: evidenceSchema
}
const PAYLOAD_VALIDATORS: ReadonlyMap<string, ValidateFunction> = new Map(
  Object.entries(PAYLOAD_SCHEMAS).map(([type, schema]) => [type, compile(schema)])
)

const CARRIER_VALIDATOR = compile(carrierSchema)

/** The types each family's envelope may have; a mesh envelope may also carry any body type. */
const FAMILY_TYPES: Readonly<Record<ProtocolTag, ReadonlySet<string>>> = {
  cip: new Set(CIP_TYPES),
  hcp: new Set(HCP_TYPES),
  lip: new Set(LIP_TYPES),
  mesh: new Set([...MESH_OWN_TYPES, ...CIP_TYPES, ...HCP_TYPES, ...LIP_TYPES])
}

/** The families a carrier's body may belong to. */
const BODY_TAGS: readonly ProtocolTag[] = ['cip', 'hcp', 'lip']

/** Where a check runs: the JSON pointer of the checked value and how messages name it. */
interface Scope {
  /** JSON pointer of the checked value inside the value the caller passed (`''` at the top). */
  path: string
  /** `envelope "<msg_id>"` of the outermost envelope, or `''` when there is none. */
  label: string
  msgId?: string
}

interface SchemaFailure {
  pointer: string
  message: string
  cause?: unknown
}

/** The errors this module created; anything else thrown while checking is wrapped. */
const OWN_ERRORS = new WeakSet<object>()

/**
 * Checks that `value` is an envelope of a known family, version and type whose members
 * and payload match their schemas; a mesh carrier's body is checked the same way.
 * Every error's `field` is a JSON pointer into `value`, except the `version` and
 * `unknown_type` checks of the outer envelope, whose `field` is the member name.
 *
 * @returns `value`, typed
 * @throws {InvalidEnvelopeError} `reason` `not_object`, `version`, `unknown_type`, `schema`,
 *   `body_type` or `unreadable`
 * @throws {PayloadSchemaError} `reason` `schema` when a payload does not match its type's schema
 */
export function validateEnvelope (value: unknown): Envelope {
  return guard(() => {
    const msgId = isPlainObject(value) ? value.msg_id : undefined
    const scope: Scope = typeof msgId === 'string'
      ? { path: '', label: `envelope "${shorten(msgId)}"`, msgId }
      : { path: '', label: 'envelope' }
    return checkEnvelope(value, scope, PROTOCOL_TAGS)
  }, (cause) => new InvalidEnvelopeError('Cannot validate envelope: the value cannot be read', { reason: 'unreadable', cause }))
}

/**
 * Checks a payload against the schema of its message type (for builders); errors'
 * `field` is a JSON pointer into `payload`.
 *
 * @throws {InvalidEnvelopeError} `reason` `unknown_type` when `type` is not a type of the family;
 *   for a carrier, the errors of {@link validateEnvelope} about its body
 * @throws {PayloadSchemaError} `reason` `schema` or `unreadable`
 */
export function validatePayload (type: string, payload: unknown, options: ValidatePayloadOptions = {}): void {
  guard(() => {
    const family = options.family ?? protocolOfType(type)
    if (family === undefined || !FAMILY_TYPES[family].has(type)) {
      throw own(new InvalidEnvelopeError(`Cannot validate payload: unknown type "${shorten(type)}"`, { reason: 'unknown_type', field: 'type' }))
    }
    checkPayload(family, type, payload, { path: '', label: '' })
  }, (cause) => new PayloadSchemaError('Cannot validate payload: the value cannot be read', { reason: 'unreadable', cause }))
}

function checkEnvelope (value: unknown, scope: Scope, tags: readonly ProtocolTag[]): Envelope {
  if (!isPlainObject(value)) throw envelopeError(scope, 'not_object', pathOrNone(scope), 'not a JSON object')
  const tag = checkVersion(value, scope, tags)
  const type = value.type
  if (typeof type !== 'string' || !FAMILY_TYPES[tag].has(type)) {
    const detail = typeof type === 'string' ? `unknown ${tag} type "${shorten(type)}"` : '"type" must be a string'
    throw envelopeError(scope, 'unknown_type', memberAt(scope, 'type'), detail)
  }
  const failure = runSchema(ENVELOPE_VALIDATORS[tag], value)
  if (failure !== undefined) {
    const field = scope.path + failure.pointer
    throw envelopeError(scope, 'schema', field, describe(field, failure.message), failure.cause)
  }
  checkPayload(tag, type, value.payload, { ...scope, path: `${scope.path}/payload` })
  return value as unknown as Envelope
}

/** SPEC §4: exactly one version-tag member, `"1.0"`, of a family allowed here. */
function checkVersion (value: Record<string, unknown>, scope: Scope, allowed: readonly ProtocolTag[]): ProtocolTag {
  const tags = PROTOCOL_TAGS.filter((tag) => Object.hasOwn(value, tag))
  const [tag] = tags
  if (tag === undefined) {
    throw envelopeError(scope, 'version', pathOrNone(scope), `no version tag among ${allowed.map((t) => `"${t}"`).join(', ')}`)
  }
  if (tags.length > 1) {
    throw envelopeError(scope, 'version', memberAt(scope, tags.join(',')), `several version tags (${tags.map((t) => `"${t}"`).join(', ')})`)
  }
  if (!allowed.includes(tag)) throw envelopeError(scope, 'version', memberAt(scope, tag), `a "${tag}" envelope cannot be carried`)
  if (value[tag] !== PROTOCOL_VERSION) throw envelopeError(scope, 'version', memberAt(scope, tag), `"${tag}" must be "${PROTOCOL_VERSION}"`)
  return tag
}

function checkPayload (family: ProtocolTag, type: string, payload: unknown, scope: Scope): void {
  if (family === 'mesh' && !MESH_PAYLOAD_TYPES.has(type)) {
    checkCarrier(type, payload, scope)
    return
  }
  const validate = PAYLOAD_VALIDATORS.get(type)
  if (validate === undefined) throw envelopeError(scope, 'unknown_type', 'type', `no payload schema for type "${shorten(type)}"`)
  checkPayloadSchema(validate, type, payload, scope)
}

/** SPEC §4: a carrier's body is a complete CIP/HCP/LIP envelope of the carrier's own type. */
function checkCarrier (type: string, payload: unknown, scope: Scope): void {
  const body = isPlainObject(payload) ? payload.body : undefined
  const bodyPath = `${scope.path}/body`
  if (!isPlainObject(body)) {
    checkPayloadSchema(CARRIER_VALIDATOR, type, payload, scope)
    throw payloadError(scope, type, bodyPath, describe(bodyPath, 'must be a JSON object'))
  }
  const envelope = checkEnvelope(body, { ...scope, path: bodyPath }, BODY_TAGS)
  const expected = type === 'MESH_HELLO' ? 'HELLO' : type
  if (envelope.type !== expected) {
    throw envelopeError(scope, 'body_type', `${bodyPath}/type`, `carried type "${envelope.type}" does not match "${expected}"`)
  }
  // The body passed its own schemas above (running the carrier schema would check it again,
  // once per branch of its oneOf, on every hop); what that schema adds is that `body` is the
  // payload's only member.
  for (const key of Object.keys(payload as Record<string, unknown>)) {
    if (key === 'body') continue
    const field = `${scope.path}/${escapePointer(key)}`
    throw payloadError(scope, type, field, describe(field, 'is not allowed'))
  }
}

function checkPayloadSchema (validate: ValidateFunction, type: string, payload: unknown, scope: Scope): void {
  const failure = runSchema(validate, payload)
  if (failure === undefined) return
  const field = scope.path + failure.pointer
  throw payloadError(scope, type, field, describe(field, failure.message), failure.cause)
}

/** Runs a compiled schema; a value that throws while read (a getter, a cycle) fails it. */
function runSchema (validate: ValidateFunction, value: unknown): SchemaFailure | undefined {
  try {
    if (validate(value)) return undefined
  } catch (cause) {
    return { pointer: '', message: 'cannot be read', cause }
  }
  return explain(pickError(validate.errors))
}

/** The most specific error: not a failed branch of `anyOf` / `oneOf`, when there is one. */
function pickError (errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (errors == null) return undefined
  return errors.find((error) => !/\/(?:anyOf|oneOf)\/\d/.test(error.schemaPath)) ?? errors.at(-1)
}

function explain (error: ErrorObject | undefined): SchemaFailure {
  if (error === undefined) return { pointer: '', message: 'does not match its schema' }
  const params: Record<string, unknown> = error.params
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { pointer: `${error.instancePath}/${escapePointer(params.missingProperty)}`, message: 'is required' }
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { pointer: `${error.instancePath}/${escapePointer(params.additionalProperty)}`, message: 'is not allowed' }
  }
  // A member a schema forbids with `false` (MESH_RECEIPT's `error` on a delivery, `result` on a failure).
  if (error.keyword === 'false schema') return { pointer: error.instancePath, message: 'is not allowed' }
  return { pointer: error.instancePath, message: error.message ?? 'is invalid' }
}

function envelopeError (scope: Scope, reason: string, field: string | undefined, detail: string, cause?: unknown): InvalidEnvelopeError {
  const details = { reason, field, cause, ...(scope.msgId === undefined ? {} : { msgId: shorten(scope.msgId) }) }
  return own(new InvalidEnvelopeError(`Cannot validate ${scope.label === '' ? 'envelope' : scope.label}: ${detail}`, details))
}

function payloadError (scope: Scope, type: string, field: string, detail: string, cause?: unknown): PayloadSchemaError {
  const where = scope.label === '' ? '' : ` in ${scope.label}`
  const details = { reason: 'schema', field, cause, ...(scope.msgId === undefined ? {} : { msgId: shorten(scope.msgId) }) }
  return own(new PayloadSchemaError(`Cannot validate payload of "${shorten(type)}"${where}: ${detail}`, details))
}

function own<E extends Error> (error: E): E {
  OWN_ERRORS.add(error)
  return error
}

/** Runs `check`, letting only this module's errors out; anything else is wrapped by `wrap`. */
function guard<T> (check: () => T, wrap: (cause: unknown) => Error): T {
  try {
    return check()
  } catch (err) {
    if (typeof err === 'object' && err !== null && OWN_ERRORS.has(err)) throw err
    throw wrap(err)
  }
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** The field of a whole envelope: none at the top, its JSON pointer inside a carrier. */
function pathOrNone (scope: Scope): string | undefined {
  return scope.path === '' ? undefined : scope.path
}

/** The field of a member: its name at the top, a JSON pointer inside a carrier. */
function memberAt (scope: Scope, name: string): string {
  return scope.path === '' ? name : `${scope.path}/${name}`
}

function describe (field: string, message: string): string {
  return field === '' ? message : `${shorten(field)} ${message}`
}

function escapePointer (name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Untrusted text quoted in a message, cut to a readable length. */
function shorten (text: unknown): string {
  if (typeof text !== 'string') return ''
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}
