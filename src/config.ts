import { readFileSync } from 'node:fs'
import { accountsFromJson, AES_KEY, APP_ID, TOKEN } from './config-accounts.js'
import { validate as validCron } from 'node-cron'
import { isAbsolute, resolve } from 'node:path'
import { parseSources } from './config-sources.js'
import { AppError } from './errors.js'

/** Used when WECHAT_TOKEN is not set outside production, so `npm start` works on a fresh clone. */
export const DEV_TOKEN = 'nearby-dev-token'
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 3000
export const DEFAULT_DB_FILE = 'data/catalogue.sqlite'
/** Followers' last positions and result lists; separate from the catalogue so refreshes never touch it. */
export const DEFAULT_STATE_FILE = 'data/state.sqlite'
/** Place names (landmarks, stations, districts) that typed requests are resolved against. */
export const DEFAULT_GAZETTEER_FILE = 'data/gazetteer.sqlite'
/** How long a follower's last position counts as "where they are" for a wish without a place. */
export const DEFAULT_POSITION_MAX_AGE_MIN = 30
export const DEFAULT_LOG_LEVEL = 'info'
/** How far the nearest-place search may widen before it gives up (metres). */
export const DEFAULT_MAX_RADIUS_M = 5000
/** How many places a reply ranks (the results page shows them all; replies summarise). */
export const DEFAULT_RESULT_COUNT = 10
export const DEFAULT_REPLY_STYLE: ReplyStyle = 'news'
/** Server processes sharing the port (node:cluster); 1 runs the server in this process alone. */
export const DEFAULT_WORKERS = 1
export const DEFAULT_LOCATION_DATUM: Datum = 'gcj02'
/** Answer WeChat by then even when the work is not done (it gives up at 5 s and re-sends). */
export const DEFAULT_REPLY_DEADLINE_MS = 4500
/** Nightly catalogue refresh: 03:30 in China, when hardly anyone asks for a hotel. */
export const DEFAULT_REFRESH_CRON = '30 3 * * *'
export const DEFAULT_REFRESH_TZ = 'Asia/Shanghai'
/** A refresh that would shrink the catalogue below this share of its current size is refused. */
export const DEFAULT_REFRESH_MIN_RATIO = 0.5
/** Deadline and size cap for downloading one http(s) source. */
export const DEFAULT_REFRESH_TIMEOUT_S = 120
export const DEFAULT_REFRESH_MAX_MB = 256

/**
 * Every variable read here. One set to an empty value is an error, whatever its kind: `PORT=`
 * left over in an env file, or `DB_FILE=$DBFILE` with a misspelt shell variable, must not
 * quietly become the default (port 3000, the demo catalogue).
 */
const VARIABLES = [
  'WECHAT_TOKEN', 'WECHAT_APP_ID', 'WECHAT_AES_KEY', 'WELCOME_TEXT', 'ACCOUNTS_FILE', 'REPLY_DEADLINE_MS',
  'HOST', 'PORT', 'PUBLIC_URL', 'DB_FILE', 'STATE_FILE', 'GAZETTEER_FILE', 'SEARCH_RADIUS_M', 'RESULT_COUNT',
  'REPLY_STYLE', 'LOCATION_DATUM', 'POSITION_MAX_AGE_MIN', 'CATALOGUE_SOURCES', 'REFRESH_CRON', 'REFRESH_TZ',
  'REFRESH_MIN_RATIO', 'REFRESH_TIMEOUT_S', 'REFRESH_MAX_MB', 'LOG_LEVEL', 'WORKERS',
] as const

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
/** `news`: one article that summarises and links to the results page; `text`: a list of links. */
export type ReplyStyle = 'news' | 'text'
/** Datum of the coordinates WeChat sends: GCJ-02 inside mainland China per protocol doc §3.4. */
export type Datum = 'gcj02' | 'wgs84'

export interface AccountConfig {
  /** Short name used in logs and in `/wechat/<id>`; the single env-configured account is `default`. */
  readonly id: string
  /** Webhook path this account answers on. */
  readonly path: string
  readonly token: string
  readonly appId: string | undefined
  /** EncodingAESKey (43 characters); absent means plaintext mode only. */
  readonly aesKey: string | undefined
  readonly replyStyle: ReplyStyle
  /** The catalogue database this account answers from. */
  readonly dbFile: string
  /** True when the token is the built-in development token. */
  readonly devToken: boolean
  /** Welcome text for new followers; undefined means the built-in one. */
  readonly welcome: string | undefined
  /** QR scene value (without `qrscene_`) → text shown on follow and on SCAN. */
  readonly scenes: ReadonlyMap<string, string>
  /** Menu CLICK key → action; undefined means the built-in keys (see README). */
  readonly menu: ReadonlyMap<string, MenuAction> | undefined
  /** Files and URLs the catalogue is rebuilt from by the refresh (empty: no refresh). */
  readonly sources?: readonly CatalogueSource[]
  /** Place names help and "not found" texts offer as examples; undefined means the demo's (Shanghai). */
  readonly examples?: readonly string[]
}

/** One place a catalogue is (re)built from, and how to read it. */
export interface CatalogueSource {
  /** An absolute file path or an http(s) URL. */
  readonly location: string
  /** Datum of rows without a `crs` column (default wgs84). */
  readonly datum?: 'wgs84' | 'gcj02' | 'bd09'
  /** Category of rows without one. */
  readonly category?: string
  /** Refuse the source (and so the refresh) on any bad row. */
  readonly strict?: boolean
}

export interface RefreshConfig {
  /** node-cron pattern; undefined when REFRESH_CRON=off. */
  readonly cron: string | undefined
  readonly timezone: string
  readonly minRatio: number
  readonly timeoutMs: number
  readonly maxBytes: number
}

/** What a menu button does: rank the places near the follower's last position, or say a text. */
export type MenuAction =
  /** `wishes`: kinds of place (recommend/wishes.ts keys such as hotel, cafe); absent: every place. */
  | { readonly action: 'nearby'; readonly wishes: readonly string[] | undefined }
  | { readonly action: 'text'; readonly text: string }

export interface Config {
  /** NODE_ENV=production: no development token, no demo catalogue built in place of a missing one. */
  readonly production: boolean
  readonly host: string
  readonly port: number
  /** Base URL used in links sent to users (results page); defaults to http://HOST:PORT. */
  readonly publicUrl: string
  readonly dbFile: string
  readonly stateFile: string
  readonly gazetteerFile: string
  readonly positionMaxAgeMin: number
  readonly logLevel: LogLevel
  readonly maxRadiusM: number
  readonly resultCount: number
  readonly locationDatum: Datum
  /** How long a delivery may take before WeChat is answered `success` (ms). */
  readonly replyDeadlineMs: number
  /** The accounts file the accounts came from, when they did. */
  readonly accountsFile: string | undefined
  /** Server processes sharing the listening port (WORKERS). */
  readonly workers: number
  readonly accounts: readonly AccountConfig[]
  readonly refresh: RefreshConfig
}

type Env = Record<string, string | undefined>

/**
 * Reads and checks the whole configuration from the environment, once. Every bad value is
 * reported in the same CONFIG_INVALID error so an operator fixes them in one go.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  for (const name of VARIABLES) {
    const v = env[name]
    if (v !== undefined && v.trim() === '') problems.push(`${name} is set but empty: give it a value, or leave it out for the default`)
  }
  const text = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? fallback : v.trim()
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') return fallback
    const n = Number(raw)
    if (!/^\s*\d+\s*$/.test(raw) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`)
      return fallback
    }
    return n
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') return fallback
    const v = raw.trim().toLowerCase() as T
    if (!allowed.includes(v)) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`)
      return fallback
    }
    return v
  }

  const host = text('HOST', DEFAULT_HOST)
  const port = integer('PORT', DEFAULT_PORT, 0, 65535)
  const publicUrlRaw = text('PUBLIC_URL', '')
  let publicUrl = publicUrlRaw.replace(/\/+$/, '')
  if (publicUrl && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    problems.push(`PUBLIC_URL=${JSON.stringify(publicUrlRaw)}: expected an http:// or https:// URL`)
    publicUrl = ''
  }
  if (!publicUrl) publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const refresh = readRefresh(env, problems)
  const sources = parseSources(env.CATALOGUE_SOURCES, 'CATALOGUE_SOURCES', problems)

  const replyStyle = oneOf<ReplyStyle>('REPLY_STYLE', ['news', 'text'], DEFAULT_REPLY_STYLE)
  const dbFile = text('DB_FILE', DEFAULT_DB_FILE)
  const accountsFile = text('ACCOUNTS_FILE', '') || undefined
  const accounts = accountsFile
    ? fileAccounts(env, accountsFile, { dbFile, replyStyle }, problems)
    : [{ ...envAccount(env, { dbFile, replyStyle }, problems), sources }]
  const config: Config = {
    production: env.NODE_ENV === 'production',
    host,
    port,
    publicUrl,
    dbFile,
    stateFile: text('STATE_FILE', DEFAULT_STATE_FILE),
    gazetteerFile: text('GAZETTEER_FILE', DEFAULT_GAZETTEER_FILE),
    positionMaxAgeMin: integer('POSITION_MAX_AGE_MIN', DEFAULT_POSITION_MAX_AGE_MIN, 1, 7 * 24 * 60),
    logLevel: oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, DEFAULT_LOG_LEVEL),
    maxRadiusM: integer('SEARCH_RADIUS_M', DEFAULT_MAX_RADIUS_M, 50, 200_000),
    resultCount: integer('RESULT_COUNT', DEFAULT_RESULT_COUNT, 1, 50),
    locationDatum: oneOf<Datum>('LOCATION_DATUM', ['gcj02', 'wgs84'], DEFAULT_LOCATION_DATUM),
    replyDeadlineMs: integer('REPLY_DEADLINE_MS', DEFAULT_REPLY_DEADLINE_MS, 100, 4900),
    accountsFile,
    accounts,
    refresh,
    workers: integer('WORKERS', DEFAULT_WORKERS, 1, 64),
  }
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
  return deepFreeze(config)
}

/** The single account configured by WECHAT_* variables, on `/wechat`. */
function envAccount(env: Env, defaults: { dbFile: string; replyStyle: ReplyStyle }, problems: string[]): AccountConfig {
  const production = env.NODE_ENV === 'production'
  const tokenRaw = env.WECHAT_TOKEN?.trim()
  let token = tokenRaw || DEV_TOKEN
  if (!tokenRaw && production) problems.push('WECHAT_TOKEN is required when NODE_ENV=production')
  if (tokenRaw && !TOKEN.test(tokenRaw)) {
    // The WeChat console only accepts 3–32 letters and digits; anything else can never verify.
    problems.push(`WECHAT_TOKEN: expected 3 to 32 letters or digits`)
    token = DEV_TOKEN
  }
  const appId = env.WECHAT_APP_ID?.trim() || undefined
  if (appId && !APP_ID.test(appId)) {
    problems.push(`WECHAT_APP_ID=${JSON.stringify(appId)}: expected "wx" followed by 16 letters or digits`)
  }
  const aesKey = env.WECHAT_AES_KEY?.trim() || undefined
  if (aesKey && !AES_KEY.test(aesKey)) {
    problems.push('WECHAT_AES_KEY: expected exactly 43 letters or digits (the EncodingAESKey)')
  }
  if (aesKey && !appId) problems.push('WECHAT_AES_KEY is set but WECHAT_APP_ID is not: safe mode checks the AppID')
  const welcome = env.WELCOME_TEXT?.trim() || undefined
  if (welcome && Buffer.byteLength(welcome) > 2000) problems.push('WELCOME_TEXT: at most 2000 bytes of UTF-8')
  return {
    id: 'default',
    path: '/wechat',
    token,
    appId,
    aesKey,
    replyStyle: defaults.replyStyle,
    dbFile: defaults.dbFile,
    devToken: !tokenRaw,
    welcome,
    scenes: new Map(),
    menu: undefined,
  }
}

/** Accounts from ACCOUNTS_FILE; the single-account variables must then not be set as well. */
function fileAccounts(env: Env, file: string, defaults: { dbFile: string; replyStyle: ReplyStyle }, problems: string[]): AccountConfig[] {
  for (const name of ['WECHAT_TOKEN', 'WECHAT_APP_ID', 'WECHAT_AES_KEY', 'WELCOME_TEXT']) {
    if (env[name]?.trim()) problems.push(`${name} is set as well as ACCOUNTS_FILE: put it in the accounts file instead`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    problems.push(`ACCOUNTS_FILE=${JSON.stringify(file)}: ${e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : e.message}`)
    return []
  }
  return accountsFromJson(doc, defaults, problems, `ACCOUNTS_FILE ${file}`)
}

function readRefresh(env: Env, problems: string[]): RefreshConfig {
  const cronRaw = env.REFRESH_CRON?.trim() || DEFAULT_REFRESH_CRON
  let cron: string | undefined = cronRaw
  if (cronRaw.toLowerCase() === 'off') cron = undefined
  else if (!validCron(cronRaw)) {
    problems.push(`REFRESH_CRON=${JSON.stringify(cronRaw)}: expected a cron pattern such as "30 3 * * *", or off`)
    cron = DEFAULT_REFRESH_CRON
  }
  let timezone = env.REFRESH_TZ?.trim() || DEFAULT_REFRESH_TZ
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone })
  } catch {
    problems.push(`REFRESH_TZ=${JSON.stringify(timezone)}: expected an IANA time zone such as Asia/Shanghai`)
    timezone = DEFAULT_REFRESH_TZ
  }
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim()
    if (!raw) return fallback
    const n = Number(raw)
    if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected a number from ${min} to ${max}`)
      return fallback
    }
    return n
  }
  return {
    cron,
    timezone,
    minRatio: number('REFRESH_MIN_RATIO', DEFAULT_REFRESH_MIN_RATIO, 0, 1),
    timeoutMs: number('REFRESH_TIMEOUT_S', DEFAULT_REFRESH_TIMEOUT_S, 1, 3600) * 1000,
    maxBytes: Math.round(number('REFRESH_MAX_MB', DEFAULT_REFRESH_MAX_MB, 1, 4096) * 1024 * 1024),
  }
}


function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
