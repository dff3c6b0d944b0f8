/** The shape of one admin API route (one file per route, DESIGN §4). */
import type { MeshNode } from '../../node.ts'

export interface AdminRequest {
  url: URL
  body: Uint8Array
  /** The route pattern's match on the path (for path parameters). */
  match: RegExpExecArray | readonly string[]
}

/** Where a streaming response writes (`GET /v1/events?follow=1`). */
export interface AdminStreamSink {
  /** Writes one chunk as it is; false when the socket's buffer is over its high-water mark. */
  write: (chunk: string) => boolean
  /** Bytes written but not yet taken by the socket (a reader that stopped reading makes this grow). */
  readonly bufferedBytes: number
  /** Ends the response. Idempotent. */
  end: () => void
  /** Aborted when the client goes away, the response ends or the server stops. */
  readonly signal: AbortSignal
}

export interface AdminResponse {
  status: number
  /** JSON-encoded, unless `contentType` is set: then it is a string written as it is. */
  body: unknown
  /** Content type of a text body (`/metrics`, text topology formats). @default JSON */
  contentType?: string
  /**
   * Set for a response written over time: the server sends the status and
   * `contentType` (or NDJSON) headers, then hands the sink to `stream`, which owns the
   * response until it calls `end()` or the sink's signal aborts. `body` is not sent.
   */
  stream?: (sink: AdminStreamSink) => void
}

export type AdminHandler = (request: AdminRequest, node: MeshNode) => AdminResponse | Promise<AdminResponse>

export interface AdminRoute {
  pattern: RegExp
  /** False only for `/metrics` (DESIGN §4). */
  isAuthenticated: boolean
  methods: Readonly<Partial<Record<string, AdminHandler>>>
}
