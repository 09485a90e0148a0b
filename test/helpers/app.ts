import type { FastifyInstance } from 'fastify'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp, type AppDeps } from '../../src/app.js'
import { openDb } from '../../src/catalogue/db.js'
import { importFile, type ImportOptions } from '../../src/catalogue/import.js'
import { Gazetteer } from '../../src/catalogue/gazetteer.js'
import { importGazetteer } from '../../src/catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from '../../src/catalogue/gazetteer-schema.js'
import { LiveCatalogue } from '../../src/catalogue/live-catalogue.js'
import { loadConfig, type Config } from '../../src/config.js'
import { UserState } from '../../src/state/user-state.js'
import { sign } from '../../src/wechat/signature.js'

export const TEST_TOKEN = 'nearbyTestToken'
/** A fixed clock: 2025-05-15T10:00:00Z. */
export const NOW_MS = 1_747_303_200_000

export interface TestApp {
  readonly app: FastifyInstance
  readonly config: Config
  readonly catalogue: LiveCatalogue
  readonly state: UserState
  readonly dbFile: string
  readonly gazetteer: Gazetteer | undefined
}

export interface MakeAppExtras {
  /** Gazetteer source files imported into a gazetteer for the app (none: catalogue names only). */
  readonly gazetteer?: readonly string[]
}

/** Imports `files` into a fresh database under `dir` and builds an app on it (closed by teardown). */
export async function makeApp(
  t: { teardown(fn: () => unknown): void },
  dir: string,
  files: readonly string[],
  env: Record<string, string> = {},
  importOptions: ImportOptions = {},
  deps: Partial<Omit<AppDeps, 'config' | 'catalogues' | 'state'>> = {},
  extras: MakeAppExtras = {},
): Promise<TestApp> {
  const dbFile = join(dir, 'catalogue.sqlite')
  const db = openDb(dbFile, { create: true })
  files.forEach((f, i) => importFile(db, f, { ...importOptions, merge: i > 0 }))
  db.close()
  const config = loadConfig({ WECHAT_TOKEN: TEST_TOKEN, DB_FILE: dbFile, PUBLIC_URL: 'https://nearby.example.com', ...env })
  const catalogue = new LiveCatalogue(dbFile)
  const state = new UserState(':memory:')
  const gazetteer = extras.gazetteer ? buildGazetteer(join(dir, 'gazetteer.sqlite'), extras.gazetteer) : undefined
  const app = buildApp({ config, catalogues: new Map([['default', catalogue]]), state, gazetteer, now: () => NOW_MS, logger: false, ...deps })
  t.teardown(async () => {
    await app.close()
    catalogue.close()
    gazetteer?.close()
    state.close()
  })
  return { app, config, catalogue, state, dbFile, gazetteer }
}

/** Imports gazetteer source files into a fresh file and opens it. */
export function buildGazetteer(file: string, sources: readonly string[]): Gazetteer {
  const db = openDb(file, { create: true }, GAZETTEER_DB)
  importGazetteer(db, sources)
  db.close()
  return new Gazetteer(file)
}

/** The query WeChat would add to a request, signed with `token`. */
export function signedQuery(token = TEST_TOKEN, timestamp = '1747303200', nonce = '20250515'): Record<string, string> {
  return { signature: sign(token, timestamp, nonce), timestamp, nonce }
}

export async function postSigned(app: FastifyInstance, body: string, path = '/wechat', token = TEST_TOKEN) {
  return app.inject({
    method: 'POST',
    url: path,
    query: { ...signedQuery(token), openid: 'oUser_test' },
    headers: { 'content-type': 'text/xml' },
    payload: body,
  })
}

/**
 * An app serving the accounts of an accounts file written to `dir`; each account's catalogue
 * is imported from `catalogues[id]` into its own database there.
 */
export async function makeAccountsApp(
  t: { teardown(fn: () => unknown): void },
  dir: string,
  accounts: readonly Record<string, unknown>[],
  catalogues: Record<string, string>,
  deps: Partial<Omit<AppDeps, 'config' | 'catalogues' | 'state'>> = {},
) {
  const withDb = accounts.map(a => ({ ...a, dbFile: join(dir, `${String(a.id)}.sqlite`) }))
  const file = join(dir, 'accounts.json')
  writeFileSync(file, JSON.stringify({ accounts: withDb }, null, 2))
  const config = loadConfig({ ACCOUNTS_FILE: file, PUBLIC_URL: 'https://nearby.example.com' })
  const opened = new Map<string, LiveCatalogue>()
  for (const a of config.accounts) {
    const db = openDb(a.dbFile, { create: true })
    const source = catalogues[a.id]
    if (source) importFile(db, source)
    db.close()
    opened.set(a.id, new LiveCatalogue(a.dbFile))
  }
  const state = new UserState(':memory:')
  const app = buildApp({ config, catalogues: opened, state, now: () => NOW_MS, logger: false, ...deps })
  t.teardown(async () => {
    await app.close()
    for (const c of opened.values()) c.close()
    state.close()
  })
  return { app, config, state }
}

/** Posts `body` to `path` signed with `token` (and `extra` query values, e.g. for safe mode). */
export async function postAs(app: FastifyInstance, path: string, token: string, body: string, nonce = '20250515') {
  return app.inject({
    method: 'POST',
    url: path,
    query: { ...signedQuery(token, '1747303200', nonce), openid: 'oUser_test' },
    headers: { 'content-type': 'text/xml' },
    payload: body,
  })
}
