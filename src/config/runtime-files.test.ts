import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { DataDirError } from './data-dir.ts'
import { loadOrCreateAdminToken, readNodeInfo, removeNodeInfo, writeNodeInfo } from './runtime-files.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-runtime-files-'))
after(async () => { await rm(root, { recursive: true, force: true }) })

describe('runtime files', () => {
  it('loadOrCreateAdminToken() creates a 256-bit token with mode 0600 and reads it back', async () => {
    const token = await loadOrCreateAdminToken(root)
    assert.match(token, /^[0-9a-f]{64}$/)
    assert.equal((await stat(join(root, 'admin.token'))).mode & 0o777, 0o600)
    assert.equal(await loadOrCreateAdminToken(root), token)
  })

  it('loadOrCreateAdminToken() refuses a token others can read, or one that is not a token', async () => {
    const dir = await mkdtemp(join(root, 'bad-'))
    await writeFile(join(dir, 'admin.token'), 'short\n', { mode: 0o600 })
    await assert.rejects(loadOrCreateAdminToken(dir), DataDirError)
    await chmod(join(dir, 'admin.token'), 0o644)
    await assert.rejects(loadOrCreateAdminToken(dir), /chmod 600/)
  })

  it('readNodeInfo() returns node.json only while its process lives, and nothing once removed', async () => {
    const info = { agent_id: 'a', fingerprint: 'f'.repeat(64), peer_id: 'p', multiaddrs: [], admin_url: 'http://127.0.0.1:1', pid: process.pid }
    await writeNodeInfo(root, info)
    assert.deepEqual(await readNodeInfo(root), info)
    await writeNodeInfo(root, { ...info, pid: 2 ** 22 + 12345 })
    assert.equal(await readNodeInfo(root), undefined, 'a pid that no process has')
    await removeNodeInfo(root)
    assert.equal(await readNodeInfo(root), undefined)
  })
})
