import { AppError } from './errors.js'

/** Used when WECHAT_TOKEN is not set outside production, so `npm start` works on a fresh clone. */
export const DEV_TOKEN = 'nearby-dev-token'
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 3000
export const DEFAULT_DB_FILE = 'data/catalogue.sqlite'
/** Followers' last positions and result lists; separate from the catalogue so refreshes never touch it. */
export const DEFAULT_STATE_FILE = 'data/state.sqlite'
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
}

export interface Config {
  readonly host: string
  readonly port: number
  /** Base URL used in links sent to users (results page); defaults to http://HOST:PORT. */
  readonly publicUrl: string
  readonly dbFile: string
  readonly stateFile: string
  readonly positionMaxAgeMin: number
  readonly logLevel: LogLevel
  readonly maxRadiusM: number
  readonly resultCount: number
  readonly locationDatum: Datum
  /** Server processes sharing the listening port (WORKERS). */
  readonly workers: number
  readonly accounts: readonly AccountConfig[]
}

type Env = Record<string, string | undefined>

/**
 * Reads and checks the whole configuration from the environment, once. Every bad value is
 * reported in the same CONFIG_INVALID error so an operator fixes them in one go.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
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

  const production = env.NODE_ENV === 'production'
  const tokenRaw = env.WECHAT_TOKEN?.trim()
  let token = tokenRaw || DEV_TOKEN
  if (!tokenRaw && production) problems.push('WECHAT_TOKEN is required when NODE_ENV=production')
  if (tokenRaw && !/^[A-Za-z0-9]{3,32}$/.test(tokenRaw)) {
    // The WeChat console only accepts 3–32 letters and digits; anything else can never verify.
    problems.push(`WECHAT_TOKEN: expected 3 to 32 letters or digits`)
    token = DEV_TOKEN
  }
  const appId = env.WECHAT_APP_ID?.trim() || undefined
  if (appId && !/^wx[0-9a-zA-Z]{16}$/.test(appId)) {
    problems.push(`WECHAT_APP_ID=${JSON.stringify(appId)}: expected "wx" followed by 16 letters or digits`)
  }
  const aesKey = env.WECHAT_AES_KEY?.trim() || undefined
  if (aesKey && !/^[A-Za-z0-9]{43}$/.test(aesKey)) {
    problems.push('WECHAT_AES_KEY: expected exactly 43 letters or digits (the EncodingAESKey)')
  }
  if (aesKey && !appId) problems.push('WECHAT_AES_KEY is set but WECHAT_APP_ID is not: safe mode checks the AppID')

  const host = text('HOST', DEFAULT_HOST)
  const port = integer('PORT', DEFAULT_PORT, 0, 65535)
  const publicUrlRaw = text('PUBLIC_URL', '')
  let publicUrl = publicUrlRaw.replace(/\/+$/, '')
  if (publicUrl && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    problems.push(`PUBLIC_URL=${JSON.stringify(publicUrlRaw)}: expected an http:// or https:// URL`)
    publicUrl = ''
  }
  if (!publicUrl) publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const replyStyle = oneOf<ReplyStyle>('REPLY_STYLE', ['news', 'text'], DEFAULT_REPLY_STYLE)
  const dbFile = text('DB_FILE', DEFAULT_DB_FILE)
  const config: Config = {
    host,
    port,
    publicUrl,
    dbFile,
    stateFile: text('STATE_FILE', DEFAULT_STATE_FILE),
    positionMaxAgeMin: integer('POSITION_MAX_AGE_MIN', DEFAULT_POSITION_MAX_AGE_MIN, 1, 7 * 24 * 60),
    logLevel: oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, DEFAULT_LOG_LEVEL),
    maxRadiusM: integer('SEARCH_RADIUS_M', DEFAULT_MAX_RADIUS_M, 50, 200_000),
    resultCount: integer('RESULT_COUNT', DEFAULT_RESULT_COUNT, 1, 50),
    locationDatum: oneOf<Datum>('LOCATION_DATUM', ['gcj02', 'wgs84'], DEFAULT_LOCATION_DATUM),
    workers: integer('WORKERS', DEFAULT_WORKERS, 1, 64),
    accounts: [
      {
        id: 'default',
        path: '/wechat',
        token,
        appId,
        aesKey,
        replyStyle,
        dbFile,
        devToken: !tokenRaw,
      },
    ],
  }
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
  return deepFreeze(config)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
