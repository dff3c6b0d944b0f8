// parsePrometheusText(): the strict parser the /metrics tests rely on accepts the format
// (escapes, special values, histogram/summary suffixes) and refuses what is outside it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePrometheusText } from './prometheus-text.ts'

describe('parsePrometheusText()', () => {
  it('parsePrometheusText() reads HELP, TYPE, labels with escapes, special values and timestamps', () => {
    const text = [
      '# HELP web4_x_total Things with a \\\\ and a \\n in help',
      '# TYPE web4_x_total counter',
      'web4_x_total{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 3 1700000000000',
      '# a plain comment',
      '',
      '# TYPE web4_g gauge',
      'web4_g NaN',
      'web4_g{k="v"} -Inf',
      'web4_g{k="w",} +1.5e3',
      '# TYPE h histogram',
      'h_bucket{le="+Inf"} 2',
      'h_sum 0.5',
      'h_count 2',
      ''
    ].join('\n')
    const families = parsePrometheusText(text)
    assert.deepEqual(families.map((family) => [family.name, family.type, family.samples.length]), [['web4_x_total', 'counter', 1], ['web4_g', 'gauge', 3], ['h', 'histogram', 3]])
    assert.equal(families[0]?.help, 'Things with a \\ and a \n in help')
    assert.deepEqual(families[0].samples[0], { name: 'web4_x_total', labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, value: 3, timestampMs: 1_700_000_000_000 })
    assert.deepEqual(families[1]?.samples.map((sample) => sample.value), [Number.NaN, Number.NEGATIVE_INFINITY, 1500])
  })

  it('parsePrometheusText() refuses lines outside the format, naming the line', () => {
    const bad = [
      'web4_x{a="1"}', // no value
      'web4_x{a=1} 1', // unquoted label value
      'web4_x{a="1" 1', // unterminated label set
      'web4_x{a="1",a="2"} 1', // duplicate label
      'web4_x{1a="1"} 1', // bad label name
      'web4_x 1 2 3', // extra field
      'web4_x one', // bad value
      'web4_x{a="\\t"} 1', // bad escape
      '# TYPE web4_x countr', // unknown type
      '# TYPE web4_x counter\n# TYPE web4_x counter', // second TYPE
      'web4_x 1\n# TYPE web4_x counter', // TYPE after samples
      '# HELP web4_x a\n# HELP web4_x b', // second HELP
      'web4_x 1\nweb4_y 1\nweb4_x 2', // split family
      '9x 1' // bad metric name
    ]
    for (const text of bad) assert.throws(() => parsePrometheusText(text), /line \d+/, text)
  })
})
