/**
 * A node:test reporter for CI logs: one line per failed test with its error, then the
 * totals. (`dot` prints no totals; `spec` prints every one of hundreds of tests.)
 */
import { inspect } from 'node:util'

interface TestEvent {
  type: string
  data: {
    name?: string
    file?: string
    nesting?: number
    details?: { error?: unknown, type?: string }
    skip?: unknown
    todo?: unknown
    message?: string
    counts?: { tests: number, passed: number, failed: number, skipped: number, todo: number, cancelled: number }
    duration_ms?: number
  }
}

/** The reporter: an async generator over test events. */
export default async function* summaryReporter (source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0
  let failed = 0
  let skipped = 0
  const started = performance.now()
  for await (const event of source) {
    const { data } = event
    if (event.type === 'test:pass' && data.details?.type !== 'suite') {
      if (data.skip !== undefined || data.todo !== undefined) skipped++
      else passed++
    } else if (event.type === 'test:fail' && data.details?.type !== 'suite') {
      failed++
      yield `✖ ${data.file ?? ''} › ${data.name ?? ''}\n${indent(inspect(data.details?.error, { depth: 4 }))}\n`
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      // Child processes of tests may print; keep CI logs for failures only.
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  yield `tests: ${passed + failed + skipped}, passed: ${passed}, failed: ${failed}, skipped: ${skipped} (${seconds} s)\n`
}

function indent (text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n')
}
