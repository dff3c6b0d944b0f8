/**
 * Admin API access checks (DESIGN §6): the Host header must name this server on a
 * loopback address (DNS-rebinding defence), and the bearer token must match in
 * constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'

/** True when `host` is a loopback address or `localhost`. */
export function isLoopbackHost (host: string): boolean {
  if (host === 'localhost') return true
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  if (isIP(bare) === 4) return bare.startsWith('127.')
  if (isIP(bare) === 6) return bare === '::1'
  return false
}

/** The Host header values this server answers to, for a server bound to `host:port`. */
export function allowedHosts (host: string, port: number): ReadonlySet<string> {
  const names = new Set([host, 'localhost', '127.0.0.1', '[::1]'])
  if (host.includes(':') && !host.startsWith('[')) names.add(`[${host}]`)
  return new Set([...names].map((name) => `${name}:${port}`))
}

/** Compares a presented bearer token with the expected one in constant time (both are hashed first, so lengths never leak). */
export function isTokenValid (authorization: string | undefined, expectedToken: string): boolean {
  if (authorization === undefined) return false
  const match = /^Bearer ([^\s]+)$/.exec(authorization)
  if (match === null) return false
  const presented = createHash('sha256').update(match[1] ?? '').digest()
  const expected = createHash('sha256').update(expectedToken).digest()
  return timingSafeEqual(presented, expected)
}
