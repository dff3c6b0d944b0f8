import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { LIP_TRUST_TIERS } from '../../protocol/envelope/types.ts'
import type { LipTrustTier } from '../../protocol/envelope/types.ts'
import { hostOfUri, SourceTierTable } from './source-tiers.ts'
import { tierRank } from './tier-order.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 1000 }

const table = (): SourceTierTable => new SourceTierTable({
  'who.int': 'high',
  '*.example.org': 'medium',
  'news.example.org': 'low',
  '*.deep.example.org': 'high',
  '*.spam.test': 'blocked',
  'cdn.spam.test': 'high',
  'bad.example.com': 'blocked',
  '10.0.0.1': 'medium'
})

describe('SourceTierTable.tierOf()', () => {
  const rows: [string, string, LipTrustTier][] = [
    ['an unlisted host as unknown', 'https://elsewhere.net/a', 'unknown'],
    ['an exact host', 'https://who.int/facts', 'high'],
    ['no subdomain of an exact host', 'https://data.who.int/facts', 'unknown'],
    ['a subdomain through its *. parent', 'https://a.example.org/x', 'medium'],
    ['a deeper subdomain through its *. parent', 'https://a.b.c.example.org/x', 'medium'],
    ['not the apex of a *. entry', 'https://example.org/x', 'unknown'],
    ['the exact entry over a *. parent', 'https://news.example.org/x', 'low'],
    ['the more specific *. parent', 'https://x.deep.example.org/x', 'high'],
    ['a blocked parent over a more specific entry', 'https://cdn.spam.test/x', 'blocked'],
    ['a blocked exact host', 'http://bad.example.com/', 'blocked'],
    ['hosts in any case and with a trailing dot', 'https://WHO.INT./x', 'high'],
    ['whatever the port, path, query or user info', 'https://user:pw@who.int:8443/a?b#c', 'high'],
    ['the host after user info, not before', 'https://who.int@evil.net/', 'unknown'],
    ['an IPv4 host exactly', 'http://10.0.0.1/x', 'medium'],
    ['an IPv4 host written another way', 'http://0x0a.0.0.1/x', 'medium'],
    ['no parent domain for an IP address', 'http://1.10.0.0.1/x', 'unknown'],
    ['a malformed URI as unknown', 'not a uri', 'unknown'],
    ['an empty URI as unknown', '', 'unknown'],
    ['a URI without a host as unknown', 'mailto:editor@who.int', 'unknown'],
    ['a URN as unknown', 'urn:isbn:0451450523', 'unknown'],
    ['a non-http scheme by its host', 'ftp://who.int/pub', 'high']
  ]
  for (const [name, uri, tier] of rows) {
    test(`SourceTierTable.tierOf() reads ${name}`, () => {
      assert.equal(table().tierOf(uri), tier)
    })
  }

  test('SourceTierTable.tierOf() matches internationalised hosts in punycode', () => {
    const tiers = new SourceTierTable([['bücher.example', 'high']])
    assert.equal(tiers.tierOf('https://BÜCHER.example/x'), 'high')
    assert.equal(tiers.tierOf('https://xn--bcher-kva.example/x'), 'high')
  })

  test('SourceTierTable.tierOf() matches an IPv6 host exactly', () => {
    assert.equal(new SourceTierTable([['[::1]', 'low']]).tierOf('http://[0:0::1]:80/'), 'low')
  })
})

describe('SourceTierTable.effectiveTier()', () => {
  const rows: [string, string, LipTrustTier, LipTrustTier][] = [
    ['keeps the receiver tier when the sender declares higher', 'https://a.example.org/', 'high', 'medium'],
    ['keeps the receiver tier when the sender declares the same', 'https://who.int/', 'high', 'high'],
    ['lowers to a lower declared tier', 'https://who.int/', 'low', 'low'],
    ['lowers to a declared unknown', 'https://who.int/', 'unknown', 'unknown'],
    ['lowers to a declared blocked', 'https://who.int/', 'blocked', 'blocked'],
    ['never raises an unlisted host', 'https://elsewhere.net/', 'high', 'unknown'],
    ['always blocks a blocked host', 'https://x.spam.test/', 'high', 'blocked'],
    ['keeps a malformed URI unknown', '::::', 'high', 'unknown'],
    ['treats a declared tier outside the vocabulary as unknown', 'https://who.int/', 'trusted' as LipTrustTier, 'unknown']
  ]
  for (const [name, uri, declared, expected] of rows) {
    test(`SourceTierTable.effectiveTier() ${name}`, () => {
      assert.equal(table().effectiveTier(uri, declared), expected)
    })
  }
})

describe('SourceTierTable entries', () => {
  test('SourceTierTable.set() replaces, delete() removes, entries() lists exact hosts then parents, sorted', () => {
    const tiers = new SourceTierTable([['b.org', 'low'], ['*.z.org', 'high'], ['a.org', 'medium']])
    tiers.set('B.ORG', 'high')
    assert.deepEqual(tiers.entries(), [['a.org', 'medium'], ['b.org', 'high'], ['*.z.org', 'high']])
    assert.equal(tiers.delete('*.z.org'), true)
    assert.equal(tiers.delete('*.z.org'), false)
    assert.equal(tiers.tierOf('https://q.z.org/'), 'unknown')
  })

  const badPatterns = ['', '*', '*.', 'a.*.org', '*example.org', 'example.org/path', 'example.org:8080', 'user@example.org', 'exa mple.org', '*.10.0.0.1', '[::1', 'http://example.org']
  for (const pattern of badPatterns) {
    test(`SourceTierTable.set() throws RangeError on the pattern ${JSON.stringify(pattern)}`, () => {
      assert.throws(() => { new SourceTierTable().set(pattern, 'high') }, (err: unknown) => err instanceof RangeError && err.message.startsWith('Cannot use source tier pattern'))
    })
  }

  test('SourceTierTable.set() throws RangeError on a tier outside the vocabulary', () => {
    assert.throws(() => new SourceTierTable({ 'a.org': 'trusted' as LipTrustTier }), /"trusted" is not a LIP trust tier/)
  })

  test('hostOfUri() returns the host in table form or undefined', () => {
    assert.equal(hostOfUri('https://Example.ORG./a'), 'example.org')
    assert.equal(hostOfUri('foo://Example.org/a'), 'example.org')
    assert.equal(hostOfUri('file:///etc/hosts'), undefined)
    assert.equal(hostOfUri('nope'), undefined)
  })
})

describe('SourceTierTable properties', () => {
  const tierArb = fc.constantFrom(...LIP_TRUST_TIERS)
  const labelArb = fc.constantFrom('a', 'b', 'example', 'org', 'net', 'spam')
  const hostArb = fc.array(labelArb, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'))
  const patternArb = fc.tuple(fc.boolean(), hostArb).map(([isWildcard, host]) => (isWildcard ? `*.${host}` : host))
  const entriesArb = fc.array(fc.tuple(patternArb, tierArb), { maxLength: 8 })
  const uriArb = fc.oneof(hostArb.map((host) => `https://${host}/doc`), fc.string(), fc.webUrl())

  test('SourceTierTable.effectiveTier() never raises a declared tier, nor the receiver tier (property)', () => {
    fc.assert(fc.property(entriesArb, uriArb, tierArb, (entries, uri, declared) => {
      const tiers = new SourceTierTable(entries)
      const effective = tiers.effectiveTier(uri, declared)
      assert.ok(tierRank(effective) <= tierRank(declared), `${effective} above declared ${declared}`)
      assert.ok(tierRank(effective) <= tierRank(tiers.tierOf(uri)), `${effective} above receiver ${tiers.tierOf(uri)}`)
      assert.equal(effective, tierRank(declared) < tierRank(tiers.tierOf(uri)) ? declared : tiers.tierOf(uri))
    }), PROPERTY_OPTIONS)
  })

  test('SourceTierTable.effectiveTier() blocks every host under a blocked entry, whatever is declared (property)', () => {
    fc.assert(fc.property(entriesArb, hostArb, fc.array(labelArb, { maxLength: 2 }), tierArb, (entries, host, subLabels, declared) => {
      const tiers = new SourceTierTable([...entries, [`*.${host}`, 'blocked'], [host, 'blocked']])
      const uri = `https://${[...subLabels, host].join('.')}/x`
      assert.equal(tiers.effectiveTier(uri, declared), 'blocked')
    }), PROPERTY_OPTIONS)
  })
})
