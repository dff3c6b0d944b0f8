/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests of `/metrics`:
 * `# HELP` and `# TYPE` lines (at most one each per family, before its samples), sample
 * lines `name{label="value",…} value [timestamp]` with the format's escapes, and families
 * kept together. Anything else throws, naming the line.
 */

/** The metric types of the format. */
export const PROMETHEUS_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const
export type PrometheusType = typeof PROMETHEUS_TYPES[number]

/** One sample line. */
export interface PrometheusSample {
  name: string
  labels: Record<string, string>
  value: number
  timestampMs?: number
}

/** One metric family: its HELP, TYPE and samples. */
export interface PrometheusFamily {
  name: string
  help?: string
  type?: PrometheusType
  samples: PrometheusSample[]
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * Parses `text` into families, in order.
 *
 * @throws {Error} naming the line for anything outside the format
 */
export function parsePrometheusText (text: string): PrometheusFamily[] {
  const families = new Map<string, PrometheusFamily>()
  const closed = new Set<string>()
  let current: PrometheusFamily | undefined
  const familyFor = (name: string, where: string): PrometheusFamily => {
    if (current?.name === name) return current
    if (closed.has(name) || families.has(name)) throw new Error(`${where}: family "${name}" is split`)
    if (current !== undefined) closed.add(current.name)
    current = { name, samples: [] }
    families.set(name, current)
    return current
  }
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1} "${line}"`
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
      if (match === null) return // a plain comment
      const [, keyword, name = '', rest = ''] = match
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`)
      const family = familyFor(name, where)
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new Error(`${where}: second HELP`)
        family.help = unescape(rest, false, where)
      } else {
        if (family.type !== undefined) throw new Error(`${where}: second TYPE`)
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples`)
        if (!(PROMETHEUS_TYPES as readonly string[]).includes(rest)) throw new Error(`${where}: unknown type "${rest}"`)
        family.type = rest as PrometheusType
      }
      return
    }
    const sample = parseSample(line, where)
    familyFor(familyNameOf(sample.name, current), where).samples.push(sample)
  })
  return [...families.values()]
}

/** The family a sample belongs to: `x_bucket`, `x_sum`, `x_count` belong to histogram or summary `x`. */
function familyNameOf (sampleName: string, current: PrometheusFamily | undefined): string {
  if (current === undefined || sampleName === current.name) return sampleName
  const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : current.type === 'summary' ? ['_sum', '_count'] : []
  return suffixes.some((suffix) => sampleName === `${current.name}${suffix}`) ? current.name : sampleName
}

function parseSample (line: string, where: string): PrometheusSample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0]
  if (name === undefined) throw new Error(`${where}: no metric name`)
  let position = name.length
  const labels: Record<string, string> = {}
  if (line[position] === '{') {
    position += 1
    while (line[position] !== '}') {
      const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(position))?.[0]
      if (labelName === undefined || !LABEL_NAME.test(labelName)) throw new Error(`${where}: bad label name at ${position}`)
      if (Object.hasOwn(labels, labelName)) throw new Error(`${where}: label "${labelName}" twice`)
      position += labelName.length
      if (line.slice(position, position + 2) !== '="') throw new Error(`${where}: expected =" at ${position}`)
      position += 2
      const start = position
      while (position < line.length && line[position] !== '"') position += line[position] === '\\' ? 2 : 1
      if (position >= line.length) throw new Error(`${where}: unterminated label value`)
      labels[labelName] = unescape(line.slice(start, position), true, where)
      position += 1
      if (line[position] === ',') position += 1
      else if (line[position] !== '}') throw new Error(`${where}: expected , or } at ${position}`)
    }
    position += 1
  }
  if (line[position] !== ' ') throw new Error(`${where}: expected a space before the value`)
  const fields = line.slice(position + 1).split(' ')
  if (fields.length < 1 || fields.length > 2) throw new Error(`${where}: expected a value and an optional timestamp`)
  const value = parseValue(fields[0] ?? '', where)
  const sample: PrometheusSample = { name, labels, value }
  if (fields[1] !== undefined) {
    if (!/^-?[0-9]+$/.test(fields[1])) throw new Error(`${where}: bad timestamp`)
    sample.timestampMs = Number(fields[1])
  }
  return sample
}

/** A value as Go's ParseFloat reads it (the format's rule): decimal, NaN and ±Inf, the last two in any case. */
function parseValue (text: string, where: string): number {
  if (/^nan$/i.test(text)) return Number.NaN
  const infinity = /^([-+]?)inf(inity)?$/i.exec(text)
  if (infinity !== null) return infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  if (!/^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(text)) throw new Error(`${where}: bad value "${text}"`)
  return Number(text)
}

/** Undoes the format's escapes: `\\` and `\n` everywhere, `\"` in label values only. */
function unescape (text: string, isLabelValue: boolean, where: string): string {
  return text.replace(/\\(.)/g, (_, char: string) => {
    if (char === '\\') return '\\'
    if (char === 'n') return '\n'
    if (char === '"' && isLabelValue) return '"'
    throw new Error(`${where}: bad escape "\\${char}"`)
  })
}
