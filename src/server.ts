import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from './app.js'
import { LiveCatalogue } from './catalogue/live-catalogue.js'
import { rebuildCatalogue } from './catalogue/rebuild.js'
import { DEFAULT_HOST, DEFAULT_PORT, loadConfig, type Config } from './config.js'
import { isAppError } from './errors.js'
import { catalogueJobs, RefreshJobs } from './refresh-jobs.js'
import { UserState } from './state/user-state.js'
import { projectRoot } from './project-root.js'

/** The project's own demo catalogue, loaded when the configured database does not exist yet. */
export const DEMO_CATALOGUE = resolve(projectRoot(), 'data/demo-catalogue.csv')

/**
 * A missing database is built from its configured sources, or else from the demo catalogue,
 * so a fresh clone answers at once.
 */
async function ensureCatalogue(config: Config): Promise<string | undefined> {
  if (existsSync(config.dbFile)) return undefined
  const job = catalogueJobs(config).find(j => resolve(j.file) === resolve(config.dbFile))
  const sources = job?.sources.length ? job.sources : [{ location: DEMO_CATALOGUE, options: { source: 'nearby-demo' } }]
  const limits = { timeoutMs: config.refresh.timeoutMs, maxBytes: config.refresh.maxBytes }
  const report = await rebuildCatalogue(config.dbFile, sources, { limits, waitMs: 60_000 })
  return `built from ${job?.sources.length ? 'its sources' : 'the demo catalogue'} (${report.places} places)`
}

function banner(config: Config, built: string | undefined): string {
  const account = config.accounts[0]!
  const local = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}${account.path}`
  const urlOption = config.host === DEFAULT_HOST && config.port === DEFAULT_PORT ? '' : ` --url ${local}`
  const lines = [
    '',
    `Nearby is listening on ${local}`,
    `  catalogue: ${config.dbFile}${built ? ` (${built})` : ''}`,
    `  refresh:   ${refreshLine(config)}`,
    account.devToken
      ? `  token:     ${account.token} (development token; set WECHAT_TOKEN for a real account)`
      : '  token:     from WECHAT_TOKEN',
    `  try it:    npm run send -- location 31.236712 121.481236${urlOption}`,
    '             (a signed location message from Nanjing Road, as WeChat would send it)',
    '',
  ]
  return lines.join('\n') + '\n'
}

function refreshLine(config: Config): string {
  const sources = config.accounts[0]?.sources?.length ?? 0
  if (!config.refresh.cron) return 'off (REFRESH_CRON=off)'
  if (sources === 0) return 'none (no CATALOGUE_SOURCES)'
  return `"${config.refresh.cron}" in ${config.refresh.timezone}, from ${sources} source(s)`
}

async function main(): Promise<void> {
  const config = loadConfig()
  const built = await ensureCatalogue(config)
  const catalogue = new LiveCatalogue(config.dbFile, {
    onReopenError: err => app.log.error({ err, file: config.dbFile }, 'a replaced catalogue file cannot be opened; the previous one keeps serving'),
  })
  const catalogues = new Map(config.accounts.map(a => [a.id, catalogue]))
  mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
  const state = new UserState(config.stateFile)
  let refresh: RefreshJobs | undefined
  const app = buildApp({ config, catalogues, state, refresh: { status: id => refresh?.status(id) } })
  refresh = new RefreshJobs({ config, catalogues, log: app.log.child({ job: 'refresh' }) })
  refresh.start()
  app.addHook('onClose', async () => {
    await refresh.stop()
    catalogue.close()
    state.close()
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      void app.close().then(() => process.exit(0))
    })
  }
  await app.listen({ host: config.host, port: config.port })
  process.stdout.write(banner(config, built))
}

main().catch((err: unknown) => {
  // Configuration and catalogue problems are the operator's to fix: say what, without a stack.
  process.stderr.write(`${isAppError(err) ? err.message : (err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
