import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from './app.js'
import { openDb } from './catalogue/db.js'
import { importFile } from './catalogue/import.js'
import { Gazetteer } from './catalogue/gazetteer.js'
import { importGazetteer } from './catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from './catalogue/gazetteer-schema.js'
import { LiveCatalogue } from './catalogue/live-catalogue.js'
import { DEFAULT_HOST, DEFAULT_PORT, loadConfig, type Config } from './config.js'
import { isAppError } from './errors.js'
import { DeliveryLog } from './state/delivery-log.js'
import { UserState } from './state/user-state.js'
import { DEFAULT_DELIVERY_TTL_MS } from './wechat/dedupe.js'
import { projectRoot } from './project-root.js'

/** The project's own demo catalogue, loaded when the configured database does not exist yet. */
export const DEMO_CATALOGUE = resolve(projectRoot(), 'data/demo-catalogue.csv')
/** The project's own demo gazetteer, loaded when the configured gazetteer does not exist yet. */
export const DEMO_GAZETTEER = resolve(projectRoot(), 'data/demo-gazetteer.csv')

/** A missing database is built from the demo catalogue, so a fresh clone answers at once. */
function ensureCatalogue(dbFile: string): string | undefined {
  if (existsSync(dbFile)) return undefined
  mkdirSync(dirname(resolve(dbFile)), { recursive: true })
  const db = openDb(dbFile, { create: true })
  try {
    const report = importFile(db, DEMO_CATALOGUE, { source: 'nearby-demo' })
    return `built from the demo catalogue (${report.accepted} places)`
  } finally {
    db.close()
  }
}

/** Likewise for the gazetteer, so typed place names work on a fresh clone. */
function ensureGazetteer(config: Config): string | undefined {
  if (existsSync(config.gazetteerFile)) return undefined
  mkdirSync(dirname(resolve(config.gazetteerFile)), { recursive: true })
  const db = openDb(config.gazetteerFile, { create: true }, GAZETTEER_DB)
  try {
    const report = importGazetteer(db, [DEMO_GAZETTEER])
    return `built from the demo gazetteer (${report.total} names)`
  } finally {
    db.close()
  }
}

function banner(config: Config, built: ReadonlyMap<string, string | undefined>, builtGazetteer: string | undefined): string {
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
  const lines = ['']
  for (const account of config.accounts) {
    const local = `${base}${account.path}`
    const defaultUrl = config.host === DEFAULT_HOST && config.port === DEFAULT_PORT && account.path === '/wechat'
    const mode = account.aesKey ? 'plaintext, compatible or safe mode' : 'plaintext mode'
    lines.push(
      `Nearby is listening on ${local}${config.accounts.length > 1 ? ` (account ${account.id})` : ''}`,
      `  catalogue: ${account.dbFile}${built.get(account.dbFile) ? ` (${built.get(account.dbFile)})` : ''}`,
      account.devToken
        ? `  token:     ${account.token} (development token; set WECHAT_TOKEN for a real account)`
        : `  token:     from ${config.accountsFile ? 'the accounts file' : 'WECHAT_TOKEN'}; ${mode}`,
      `  gazetteer: ${config.gazetteerFile}${builtGazetteer ? ` (${builtGazetteer})` : ''}`,
    )
    if (account.devToken) {
      lines.push(
        `  try it:    npm run send -- location 31.236712 121.481236${defaultUrl ? '' : ` --url ${local}`}`,
        '             (a signed location message from Nanjing Road, as WeChat would send it)',
        `             npm run send -- text 人民广场附近的咖啡${defaultUrl ? '' : ` --url ${local}`}`,
      )
    } else {
      const safe = account.aesKey ? ' [--app-id … --aes-key … for safe mode]' : ''
      lines.push(`  try it:    npm run send -- location 31.236712 121.481236 --url ${local} --token …${safe}`)
    }
    lines.push('')
  }
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  const config = loadConfig()
  // One catalogue per database file: accounts that name the same file share it.
  const built = new Map<string, string | undefined>()
  const byFile = new Map<string, LiveCatalogue>()
  for (const account of config.accounts) {
    if (byFile.has(account.dbFile)) continue
    built.set(account.dbFile, ensureCatalogue(account.dbFile))
    byFile.set(account.dbFile, new LiveCatalogue(account.dbFile))
  }
  const catalogues = new Map(config.accounts.map(a => [a.id, byFile.get(a.dbFile)!]))
  const builtGazetteer = ensureGazetteer(config)
  const gazetteer = new Gazetteer(config.gazetteerFile)
  mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
  const state = new UserState(config.stateFile)
  const deliveryStore = new DeliveryLog(config.stateFile, DEFAULT_DELIVERY_TTL_MS)
  const app = buildApp({ config, catalogues, state, gazetteer, deliveryStore })
  app.addHook('onClose', async () => {
    for (const c of byFile.values()) c.close()
    gazetteer.close()
    state.close()
    deliveryStore.close()
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      void app.close().then(() => process.exit(0))
    })
  }
  await app.listen({ host: config.host, port: config.port })
  process.stdout.write(banner(config, built, builtGazetteer))
}

main().catch((err: unknown) => {
  // Configuration and catalogue problems are the operator's to fix: say what, without a stack.
  process.stderr.write(`${isAppError(err) ? err.message : (err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
