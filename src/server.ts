import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from './app.js'
import { isWorker, runWorkerPool } from './cluster.js'
import { openDb } from './catalogue/db.js'
import { importFile } from './catalogue/import.js'
import { LiveCatalogue } from './catalogue/live-catalogue.js'
import { DEFAULT_HOST, DEFAULT_PORT, loadConfig, type Config } from './config.js'
import { isAppError } from './errors.js'
import { UserState } from './state/user-state.js'
import { projectRoot } from './project-root.js'

/** The project's own demo catalogue, loaded when the configured database does not exist yet. */
export const DEMO_CATALOGUE = resolve(projectRoot(), 'data/demo-catalogue.csv')

/** A missing database is built from the demo catalogue, so a fresh clone answers at once. */
function ensureCatalogue(config: Config): string | undefined {
  if (existsSync(config.dbFile)) return undefined
  mkdirSync(dirname(resolve(config.dbFile)), { recursive: true })
  const db = openDb(config.dbFile, { create: true })
  try {
    const report = importFile(db, DEMO_CATALOGUE, { source: 'nearby-demo' })
    return `built ${config.dbFile} from the demo catalogue (${report.accepted} places)`
  } finally {
    db.close()
  }
}

function banner(config: Config, built: string | undefined, port: number, workers: number): string {
  const account = config.accounts[0]!
  // The bound port, not the configured one: PORT=0 asks the system for a free port.
  const local = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}${account.path}`
  const urlOption = config.host === DEFAULT_HOST && config.port === DEFAULT_PORT ? '' : ` --url ${local}`
  const lines = [
    '',
    `Nearby is listening on ${local}`,
    `  catalogue: ${config.dbFile}${built ? ` (${built})` : ''}`,
    ...(workers > 1 ? [`  workers:   ${workers} processes sharing the port`] : []),
    account.devToken
      ? `  token:     ${account.token} (development token; set WECHAT_TOKEN for a real account)`
      : '  token:     from WECHAT_TOKEN',
    `  try it:    npm run send -- location 31.236712 121.481236${urlOption}`,
    '             (a signed location message from Nanjing Road, as WeChat would send it)',
    '',
  ]
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  const config = loadConfig()
  const built = ensureCatalogue(config)
  if (config.workers > 1 && !isWorker()) {
    // Built above, before the workers start: they find both files ready and only open them.
    mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
    new UserState(config.stateFile).close()
    runWorkerPool({
      workers: config.workers,
      onListening: port => process.stdout.write(banner(config, built, port, config.workers)),
      log: line => process.stderr.write(`${line}\n`),
    })
    return
  }
  const catalogue = new LiveCatalogue(config.dbFile)
  const catalogues = new Map(config.accounts.map(a => [a.id, catalogue]))
  mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
  const state = new UserState(config.stateFile, {
    onWriteError: err => app.log.warn({ err: (err as Error).message }, 'could not remember positions'),
  })
  const app = buildApp({ config, catalogues, state })
  app.addHook('onClose', async () => {
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
  const address = app.server.address()
  if (!isWorker()) process.stdout.write(banner(config, built, typeof address === 'object' && address ? address.port : config.port, 1))
}

main().catch((err: unknown) => {
  // Configuration and catalogue problems are the operator's to fix: say what, without a stack.
  process.stderr.write(`${isAppError(err) ? err.message : (err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
