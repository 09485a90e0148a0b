import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from './app.js'
import { openDb } from './catalogue/db.js'
import { Gazetteer } from './catalogue/gazetteer.js'
import { importGazetteer } from './catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from './catalogue/gazetteer-schema.js'
import { LiveCatalogue } from './catalogue/live-catalogue.js'
import { rebuildCatalogue } from './catalogue/rebuild.js'
import { DEFAULT_HOST, DEFAULT_PORT, loadConfig, type AccountConfig, type Config } from './config.js'
import { isAppError } from './errors.js'
import { DeliveryLog } from './state/delivery-log.js'
import { catalogueJobs, RefreshJobs } from './refresh-jobs.js'
import { UserState } from './state/user-state.js'
import { DEFAULT_DELIVERY_TTL_MS } from './wechat/dedupe.js'
import { projectRoot } from './project-root.js'

/** The project's own demo catalogue, loaded when the configured database does not exist yet. */
export const DEMO_CATALOGUE = resolve(projectRoot(), 'data/demo-catalogue.csv')
/** The project's own demo gazetteer, loaded when the configured gazetteer does not exist yet. */
export const DEMO_GAZETTEER = resolve(projectRoot(), 'data/demo-gazetteer.csv')

/**
 * A missing database is built from its configured sources, or else from the demo catalogue,
 * so a fresh clone answers at once.
 */
async function ensureCatalogue(config: Config, dbFile: string): Promise<string | undefined> {
  if (existsSync(dbFile)) return undefined
  const job = catalogueJobs(config).find(j => resolve(j.file) === resolve(dbFile))
  const sources = job?.sources.length ? job.sources : [{ location: DEMO_CATALOGUE, options: { source: 'nearby-demo' } }]
  const limits = { timeoutMs: config.refresh.timeoutMs, maxBytes: config.refresh.maxBytes }
  const report = await rebuildCatalogue(dbFile, sources, { limits, waitMs: 60_000 })
  return `built from ${job?.sources.length ? 'its sources' : 'the demo catalogue'} (${report.places} places)`
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
      `  refresh:   ${refreshLine(config, account)}`,
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

function refreshLine(config: Config, account: AccountConfig): string {
  const sources = account.sources?.length ?? 0
  if (!config.refresh.cron) return 'off (REFRESH_CRON=off)'
  if (sources === 0) return `none (no ${config.accountsFile ? '"sources" for this account' : 'CATALOGUE_SOURCES'})`
  return `"${config.refresh.cron}" in ${config.refresh.timezone}, from ${sources} source(s)`
}

async function main(): Promise<void> {
  const config = loadConfig()
  // One catalogue per database file: accounts that name the same file share it (and its refresh).
  const built = new Map<string, string | undefined>()
  const byFile = new Map<string, LiveCatalogue>()
  for (const account of config.accounts) {
    if (byFile.has(account.dbFile)) continue
    built.set(account.dbFile, await ensureCatalogue(config, account.dbFile))
    const file = account.dbFile
    byFile.set(file, new LiveCatalogue(file, {
      onReopenError: err => app.log.error({ err, file }, 'a replaced catalogue file cannot be opened; the previous one keeps serving'),
    }))
  }
  const catalogues = new Map(config.accounts.map(a => [a.id, byFile.get(a.dbFile)!]))
  const builtGazetteer = ensureGazetteer(config)
  const gazetteer = new Gazetteer(config.gazetteerFile)
  mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
  const state = new UserState(config.stateFile)
  const deliveryStore = new DeliveryLog(config.stateFile, DEFAULT_DELIVERY_TTL_MS)
  let refresh: RefreshJobs | undefined
  const app = buildApp({ config, catalogues, state, gazetteer, deliveryStore, refresh: { status: id => refresh?.status(id) } })
  refresh = new RefreshJobs({ config, catalogues, log: app.log.child({ job: 'refresh' }) })
  refresh.start()
  app.addHook('onClose', async () => {
    await refresh.stop()
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
