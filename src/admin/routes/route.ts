/** The shape of one admin API route (one file per route, DESIGN §4). */
import type { MeshNode } from '../../node.ts'

export interface AdminRequest {
  url: URL
  body: Uint8Array
  /** The route pattern's match on the path (for path parameters). */
  match: RegExpExecArray | readonly string[]
}

export interface AdminResponse {
  status: number
  body: unknown
}

export type AdminHandler = (request: AdminRequest, node: MeshNode) => AdminResponse | Promise<AdminResponse>

export interface AdminRoute {
  pattern: RegExp
  /** False only for `/metrics` (DESIGN §4). */
  isAuthenticated: boolean
  methods: Readonly<Partial<Record<string, AdminHandler>>>
}
