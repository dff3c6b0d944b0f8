/**
 * A worker thread of the quick tier (TRUSTBENCH §3.6: "split the cells across 2
 * worker_threads"): runs the cells the main thread hands it, one at a time, and posts
 * each result back.
 */
import { parentPort } from 'node:worker_threads'
import { runCell } from './cell.ts'
import type { CellSpec } from './scenarios.ts'

/** A message to a worker: run this cell, or stop. */
export type WorkerRequest = { kind: 'run', index: number, spec: CellSpec } | { kind: 'stop' }
/** A message from a worker. */
export type WorkerReply = { kind: 'ready' } | { kind: 'result', index: number, result: Awaited<ReturnType<typeof runCell>> } | { kind: 'error', index: number, message: string }

const port = parentPort
if (port !== null) {
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'stop') {
      port.close()
      return
    }
    runCell(request.spec).then(
      (result) => { port.postMessage({ kind: 'result', index: request.index, result } satisfies WorkerReply) },
      (err: unknown) => { port.postMessage({ kind: 'error', index: request.index, message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerReply) }
    )
  })
  port.postMessage({ kind: 'ready' } satisfies WorkerReply)
}
