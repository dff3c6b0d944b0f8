/**
 * `config.json` (DESIGN §4): parsed through the hardened intake, validated field by
 * field (a `RangeError` naming the field), then frozen.
 */
import { isFingerprint } from '../protocol/identity/index.ts'
import { parseJson } from '../protocol/json-intake.ts'
import { CONFIG_VERSION, DEFAULT_ADMIN_ADDR, DEFAULT_LISTEN_ADDR, MAX_AGENT_ID_CHARS, MAX_CONFIG_BYTES } from './constants.ts'

/** The node's configuration as stored in `config.json`. */
export interface NodeConfig {
  version: number
  /** Human-chosen name (SPEC §2); not unique, not secure. */
  agent_id: string
  /** libp2p listen multiaddrs. */
  listen: string[]
  /** Multiaddrs of peers to dial at start. */
  peers: string[]
  /** `HOST:PORT` of the admin API. */
  admin: string
  /** Operator-pinned trust roots (DESIGN §3 "Trust bootstrap"). */
  trusted_fingerprints: string[]
}

const AGENT_ID_SHAPE = /^[\p{L}\p{N}._@-]+$/u

/** A fresh configuration with the defaults of DESIGN §4. */
export function defaultNodeConfig (agentId: string): Readonly<NodeConfig> {
  return validateNodeConfig({
    version: CONFIG_VERSION,
    agent_id: agentId,
    listen: [DEFAULT_LISTEN_ADDR],
    peers: [],
    admin: DEFAULT_ADMIN_ADDR,
    trusted_fingerprints: []
  })
}

/**
 * Parses and validates `config.json` text.
 *
 * @throws {InvalidEnvelopeError} when the text is not acceptable JSON
 * @throws {RangeError} naming the first invalid field
 */
export function parseNodeConfig (text: string): Readonly<NodeConfig> {
  return validateNodeConfig(parseJson(text, { maxBytes: MAX_CONFIG_BYTES }))
}

/**
 * Validates a configuration object and returns a frozen copy.
 *
 * @throws {RangeError} naming the first invalid field and its value
 */
export function validateNodeConfig (value: unknown): Readonly<NodeConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError('Cannot read config: not a JSON object')
  const record = value as Record<string, unknown>
  const known = new Set(['version', 'agent_id', 'listen', 'peers', 'admin', 'trusted_fingerprints'])
  for (const key of Object.keys(record)) {
    if (!known.has(key)) throw new RangeError(`Cannot read config: unknown field "${key}"`)
  }
  if (record.version !== CONFIG_VERSION) throw invalid('version', record.version)
  const agentId = record.agent_id
  if (typeof agentId !== 'string' || !isAgentId(agentId)) throw invalid('agent_id', agentId)
  const admin = record.admin ?? DEFAULT_ADMIN_ADDR
  if (typeof admin !== 'string' || parseHostPort(admin) === undefined) throw invalid('admin', admin)
  const config: NodeConfig = {
    version: CONFIG_VERSION,
    agent_id: agentId,
    listen: stringList(record, 'listen', (item) => item.startsWith('/')),
    peers: stringList(record, 'peers', (item) => item.startsWith('/')),
    admin,
    trusted_fingerprints: stringList(record, 'trusted_fingerprints', isFingerprint)
  }
  Object.freeze(config.listen)
  Object.freeze(config.peers)
  Object.freeze(config.trusted_fingerprints)
  return Object.freeze(config)
}

/** True when `text` is an acceptable agent id: 1–128 letters, digits, `.`, `_`, `@` or `-`. */
export function isAgentId (text: string): boolean {
  return text.length > 0 && text.length <= MAX_AGENT_ID_CHARS && AGENT_ID_SHAPE.test(text)
}

/** `{host, port}` of a `HOST:PORT` text (IPv6 hosts in brackets), or undefined. */
export function parseHostPort (text: string): { host: string, port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(text)
  if (match === null) return undefined
  const port = Number(match[2])
  if (port > 65535) return undefined
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1')
  return { host, port }
}

function stringList (record: Record<string, unknown>, field: string, isValid: (item: string) => boolean): string[] {
  const value: unknown = record[field] ?? []
  if (!Array.isArray(value)) throw invalid(field, value)
  const items: string[] = []
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !isValid(item)) throw invalid(field, item)
    items.push(item)
  }
  return items
}

function invalid (field: string, value: unknown): RangeError {
  return new RangeError(`Cannot read config: field "${field}" has invalid value ${value === undefined ? 'undefined' : JSON.stringify(value)}`)
}
