import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from './app.js'
import { isWorker, runWorkerPool } from './cluster.js'
import { Gazetteer } from './catalogue/gazetteer.js'
import { rebuildGazetteer } from './catalogue/gazetteer-rebuild.js'
import { LiveCatalogue } from './catalogue/live-catalogue.js'
import { LiveGazetteer } from './catalogue/live-gazetteer.js'
import { rebuildCatalogue } from './catalogue/rebuild.js'
import { DEFAULT_HOST, DEFAULT_PORT, loadConfig, type AccountConfig, type Config } from './config.js'
import { AppError, isAppError } from './errors.js'
import { DeliveryLog } from './state/delivery-log.js'
import type { RefreshLogger } from './catalogue/refresh.js'
import { catalogueJobs, RefreshJobs } from './refresh-jobs.js'
import { receivedRefreshStatus, sendRefreshStatus } from './refresh-status-relay.js'
import { UserState } from './state/user-state.js'
import { DEFAULT_DELIVERY_TTL_MS } from './wechat/dedupe.js'
import { projectRoot } from './project-root.js'
import { catalogueSetting, checkStateFile, openedFor } from './startup-files.js'
import { NANJING_ROAD_PIN, samplePin, type SamplePin } from './sample-pin.js'

/** The project's own demo catalogue, loaded when the configured database does not exist yet. */
export const DEMO_CATALOGUE = resolve(projectRoot(), 'data/demo-catalogue.csv')
/** The project's own demo gazetteer, loaded when the configured gazetteer does not exist yet. */
export const DEMO_GAZETTEER = resolve(projectRoot(), 'data/demo-gazetteer.csv')

/**
 * A missing database is built from its configured sources, or else from the demo catalogue,
 * so a fresh clone answers at once.
 */
async function ensureCatalogue(config: Config, dbFile: string, setting: string): Promise<string | undefined> {
  if (existsSync(dbFile)) return undefined
  const job = catalogueJobs(config).find(j => resolve(j.file) === resolve(dbFile))
  const own = Boolean(job?.sources.length)
  if (!own && config.production) {
    // A mistyped path in production must not quietly serve thirty demo places.
    const sources = config.accountsFile ? '"sources" for the account' : 'CATALOGUE_SOURCES'
    throw new AppError(
      'CATALOGUE_UNAVAILABLE',
      `${setting}=${dbFile} does not exist; with NODE_ENV=production the demo catalogue is not built in its place. ` +
        `Check the path, import a catalogue (npm run catalogue -- import places.csv), or set ${sources} to build it from.`,
    )
  }
  const sources = own ? job!.sources : [{ location: DEMO_CATALOGUE, options: { source: 'nearby-demo' } }]
  const limits = { timeoutMs: config.refresh.timeoutMs, maxBytes: config.refresh.maxBytes }
  try {
    const report = await rebuildCatalogue(dbFile, sources, { limits, waitMs: 60_000 })
    return `built from ${own ? 'its sources' : 'the demo catalogue'} (${report.places} places)`
  } catch (err) {
    if (!isAppError(err)) throw err
    throw new AppError(err.code, `${setting}=${dbFile} does not exist and could not be built from its sources: ${err.message}`, err.status, { cause: err })
  }
}

/** Likewise for the gazetteer, so typed place names work on a fresh clone. */
async function ensureGazetteer(config: Config): Promise<string | undefined> {
  if (existsSync(config.gazetteerFile)) return undefined
  if (config.production) {
    throw new AppError(
      'CATALOGUE_UNAVAILABLE',
      `GAZETTEER_FILE=${config.gazetteerFile} does not exist; with NODE_ENV=production the demo gazetteer is not built in its place. ` +
        'Check the path, or import a gazetteer (npm run import:gazetteer -- names.csv).',
    )
  }
  const report = await rebuildGazetteer(config.gazetteerFile, [DEMO_GAZETTEER], { waitMs: 60_000 })
  return `built from the demo gazetteer (${report.total} names)`
}

function banner(config: Config, built: ReadonlyMap<string, string | undefined>, builtGazetteer: string | undefined, port: number, pins: ReadonlyMap<string, SamplePin | undefined>): string {
  // The bound port, not the configured one: PORT=0 asks the system for a free port.
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  const lines = ['']
  if (config.workers > 1) lines.push(`${config.workers} worker processes share the port; this one supervises them and runs the refresh.`)
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
    const sample = pins.get(account.id)
    const where = sample ? `${sample.pin.lat} ${sample.pin.lng}` : `${NANJING_ROAD_PIN.lat} ${NANJING_ROAD_PIN.lng}`
    const text = account.examples?.[0] ?? '人民广场附近的咖啡'
    if (account.devToken) {
      lines.push(
        `  try it:    npm run send -- location ${where}${defaultUrl ? '' : ` --url ${local}`}`,
        `             (a signed location message from ${sample?.near ?? 'Nanjing Road'}, as WeChat would send it)`,
        `             npm run send -- text ${text}${defaultUrl ? '' : ` --url ${local}`}`,
      )
    } else {
      const safe = account.aesKey ? ' [--app-id … --aes-key … for safe mode]' : ''
      lines.push(`  try it:    npm run send -- location ${where} --url ${local} --token …${safe}`)
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

/** How often a running server looks whether an operator swapped a catalogue or gazetteer file (ms). */
const FOLLOW_CATALOGUE_EVERY_MS = 1000

/** Only a suggestion for the banner: a catalogue it cannot read here fails later, with its own message. */
function pinFor(catalogue: LiveCatalogue, maxRadiusM: number): SamplePin | undefined {
  try {
    return samplePin(catalogue.current, maxRadiusM)
  } catch {
    return undefined
  }
}

/** Builds what is missing (catalogues from their sources or the demo, the gazetteer) and opens the catalogues. */
async function prepare(config: Config, log: () => RefreshLogger) {
  // One catalogue per database file: accounts that name the same file share it (and its refresh).
  const built = new Map<string, string | undefined>()
  const byFile = new Map<string, LiveCatalogue>()
  for (const account of config.accounts) {
    const file = account.dbFile
    if (byFile.has(file)) continue
    const setting = catalogueSetting(config, account)
    built.set(file, await ensureCatalogue(config, file, setting))
    byFile.set(file, openedFor(setting, file, () => new LiveCatalogue(file, {
      followEveryMs: FOLLOW_CATALOGUE_EVERY_MS,
      onIndexError: err => log().error({ err, file }, 'the replaced catalogue could not be indexed in memory; it answers from its R*Tree'),
      onReopenError: err => log().error({ err, file }, 'a replaced catalogue file cannot be opened; the previous one keeps serving'),
      onSwitch: ({ from, to }) =>
        log().info({ file, version: to.version, places: to.places, previousVersion: from.version, previousPlaces: from.places }, 'catalogue switched to the new file'),
    })))
  }
  const catalogues = new Map(config.accounts.map(a => [a.id, byFile.get(a.dbFile)!]))
  const pins = new Map(config.accounts.map(a => [a.id, pinFor(byFile.get(a.dbFile)!, config.maxRadiusM)]))
  const builtGazetteer = await ensureGazetteer(config)
  mkdirSync(dirname(resolve(config.stateFile)), { recursive: true })
  checkStateFile(config.stateFile)
  return { built, byFile, catalogues, builtGazetteer, pins }
}

/**
 * With WORKERS > 1 this process only supervises: it builds what is missing before the workers
 * start (so they only open files), runs the nightly refresh (the workers notice the swapped file
 * by themselves), and restarts a worker that dies.
 */
async function supervise(config: Config): Promise<void> {
  const log = jsonLog({ job: 'refresh' })
  const { built, byFile, catalogues, builtGazetteer, pins } = await prepare(config, () => log)
  openedFor('GAZETTEER_FILE', config.gazetteerFile, () => new Gazetteer(config.gazetteerFile, { readonly: true })).close()
  openedFor('STATE_FILE', config.stateFile, () => new UserState(config.stateFile)).close()
  openedFor('STATE_FILE', config.stateFile, () => new DeliveryLog(config.stateFile, DEFAULT_DELIVERY_TTL_MS)).close()
  const refresh = new RefreshJobs({ config, catalogues, log })
  refresh.start()
  const stopSending = sendRefreshStatus(refresh, config.accounts.map(a => a.id))
  runWorkerPool({
    workers: config.workers,
    onListening: port => process.stdout.write(banner(config, built, builtGazetteer, port, pins)),
    log: line => process.stderr.write(`${line}\n`),
    onStop: async () => {
      stopSending()
      await refresh.stop()
      for (const c of byFile.values()) c.close()
    },
  })
}

async function serve(config: Config): Promise<void> {
  let app: ReturnType<typeof buildApp> | undefined
  const appLog = (): RefreshLogger => app!.log
  const { built, byFile, catalogues, builtGazetteer, pins } = await prepare(config, appLog)
  // Positions go into memory before the port opens, so the first location waits for nothing.
  for (const c of byFile.values()) c.warm()
  const gazetteerFile = config.gazetteerFile
  const gazetteer = openedFor('GAZETTEER_FILE', gazetteerFile, () => new LiveGazetteer(gazetteerFile, {
    followEveryMs: FOLLOW_CATALOGUE_EVERY_MS,
    onReopenError: err => app?.log.error({ err, file: gazetteerFile }, 'a replaced gazetteer file cannot be opened; the previous one keeps serving'),
    onSwitch: ({ from, to }) => app?.log.info({ file: gazetteerFile, entries: to, previousEntries: from }, 'gazetteer switched to the new file'),
  }))
  const state = openedFor('STATE_FILE', config.stateFile, () => new UserState(config.stateFile, {
    onWriteError: err => app?.log.warn({ err: (err as Error).message }, 'could not remember positions or result lists'),
  }))
  // Retries of a push may reach another worker than its first delivery: workers share their
  // claims in the state file. A single process keeps them in memory, off the disk entirely.
  const deliveryStore = isWorker()
    ? openedFor('STATE_FILE', config.stateFile, () => new DeliveryLog(config.stateFile, DEFAULT_DELIVERY_TTL_MS))
    : undefined
  // In a worker the supervisor runs the refresh; a single process runs its own.
  let refresh: RefreshJobs | undefined
  // A worker reports the supervisor's refresh, as last sent to it.
  const refreshStatus = isWorker() ? receivedRefreshStatus() : { status: (id: string) => refresh?.status(id) }
  app = buildApp({ config, catalogues, state, gazetteer, deliveryStore, refresh: refreshStatus })
  if (!isWorker()) {
    refresh = new RefreshJobs({ config, catalogues, log: app.log.child({ job: 'refresh' }) })
    refresh.start()
  }
  app.addHook('onClose', async () => {
    await refresh?.stop()
    for (const c of byFile.values()) c.close()
    gazetteer.close()
    state.close()
    deliveryStore?.close()
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      void app.close().then(() => process.exit(0))
    })
  }
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    throw listenError(err, config)
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  if (!isWorker()) process.stdout.write(banner(config, built, builtGazetteer, port, pins))
}

/** A port already taken or not ours to open is the operator's to fix: one line, no stack. */
function listenError(err: unknown, config: Config): unknown {
  const code = (err as NodeJS.ErrnoException).code
  const at = `${config.host}:${config.port}`
  if (code === 'EADDRINUSE') return new AppError('CONFIG_INVALID', `${at} is already in use (another server running?); stop it or set PORT to a free port.`)
  if (code === 'EACCES') return new AppError('CONFIG_INVALID', `${at} cannot be opened by this user; choose a PORT above 1023.`)
  if (code === 'EADDRNOTAVAIL') return new AppError('CONFIG_INVALID', `HOST=${config.host} is not an address of this machine.`)
  return err
}

/** JSON log lines like the server's own, for the supervisor (which has no request logger). */
function jsonLog(bindings: Record<string, unknown>): RefreshLogger {
  const line = (level: number) => (details: Record<string, unknown>, msg: string) => {
    const err = details.err instanceof Error ? { err: { message: details.err.message } } : {}
    process.stdout.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...bindings, ...details, ...err, msg })}\n`)
  }
  return { info: line(30), warn: line(40), error: line(50) }
}

async function main(): Promise<void> {
  const config = loadConfig()
  if (config.workers > 1 && !isWorker()) return supervise(config)
  return serve(config)
}

main().catch((err: unknown) => {
  // Configuration and catalogue problems are the operator's to fix: say what, without a stack.
  process.stderr.write(`${isAppError(err) ? err.message : (err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
