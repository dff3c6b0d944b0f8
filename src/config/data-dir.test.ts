import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { DataDirError, initDataDir, loadDataDir } from './data-dir.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-datadir-'))
after(async () => { await rm(root, { recursive: true, force: true }) })

describe('initDataDir() and loadDataDir()', () => {
  it('creates a 0600 key and a config that load back to the same identity', async () => {
    const path = join(root, 'a')
    const created = await initDataDir(path, 'alice')
    assert.equal((await stat(join(path, 'identity.key'))).mode & 0o777, 0o600)
    assert.match(await readFile(join(path, 'identity.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/)
    const loaded = await loadDataDir(path)
    assert.equal(loaded.identity.fingerprint, created.identity.fingerprint)
    assert.equal(loaded.config.agent_id, 'alice')
  })

  it('refuses to overwrite an existing identity', async () => {
    const path = join(root, 'b')
    const first = await initDataDir(path, 'bob')
    await assert.rejects(initDataDir(path, 'bob2'), DataDirError)
    assert.equal((await loadDataDir(path)).identity.fingerprint, first.identity.fingerprint)
  })

  it('refuses a key file others can read', async () => {
    const path = join(root, 'c')
    await initDataDir(path, 'carol')
    await chmod(join(path, 'identity.key'), 0o644)
    await assert.rejects(loadDataDir(path), (err: Error) => err instanceof DataDirError && err.message.includes('chmod 600'))
  })

  it('says how to initialise a missing directory', async () => {
    await assert.rejects(loadDataDir(join(root, 'missing')), (err: Error) => err instanceof DataDirError && err.message.includes('web4mesh init'))
  })
})
