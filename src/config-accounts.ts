import type { AccountConfig, MenuAction, ReplyStyle } from './config.js'
import { parseSources } from './config-sources.js'
import { WISHES } from './recommend/wishes.js'

/**
 * The accounts file (ACCOUNTS_FILE): several Official Accounts served by one process, each on
 * `/wechat/<id>` with its own credentials, catalogue and copy. Checked field by field; every
 * problem is added to `problems` with its place in the file, so one run lists them all.
 *
 * ```json
 * { "accounts": [ { "id": "bund", "token": "…", "appId": "wx…", "aesKey": "…(43)",
 *     "dbFile": "data/bund.sqlite", "replyStyle": "news", "welcome": "…",
 *     "scenes": { "branch_1": "…" }, "sources": ["data/bund-places.csv"], "examples": ["外滩", "豫园"],
 *     "menu": { "NEARBY_HOTELS": { "action": "nearby", "wishes": ["hotel"] },
 *               "ABOUT": { "action": "text", "text": "…" } } } ] }
 * ```
 */

export const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/
export const TOKEN = /^[A-Za-z0-9]{3,32}$/
export const APP_ID = /^wx[0-9a-zA-Z]{16}$/
export const AES_KEY = /^[A-Za-z0-9]{43}$/
/** Fixed texts must fit a text reply whole (WeChat drops ~2,047 bytes and more; we keep 2,000). */
const MAX_TEXT_BYTES = 2000
/** WeChat's own limits: a menu key is at most 128 bytes, a QR scene string 64 characters. */
const MAX_MENU_KEY_BYTES = 128
const MAX_SCENE_CHARS = 64
const ACCOUNT_FIELDS = ['id', 'token', 'appId', 'aesKey', 'dbFile', 'replyStyle', 'welcome', 'scenes', 'menu', 'sources', 'examples']
/** Example place names: a few short names that fit in a sentence of copy. */
const MAX_EXAMPLES = 4
const MAX_EXAMPLE_CHARS = 12

export interface AccountDefaults {
  readonly dbFile: string
  readonly replyStyle: ReplyStyle
}

type Json = unknown

export function accountsFromJson(doc: Json, defaults: AccountDefaults, problems: string[], where: string): AccountConfig[] {
  const list = isObject(doc) ? doc.accounts : undefined
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${where}: expected {"accounts": [ … ]} with at least one account`)
    return []
  }
  if (isObject(doc)) {
    for (const k of Object.keys(doc)) if (k !== 'accounts') problems.push(`${where}: unknown field "${k}"`)
  }
  const seen = new Set<string>()
  const accounts: AccountConfig[] = []
  list.forEach((raw, i) => {
    const at = `${where}: accounts[${i}]`
    if (!isObject(raw)) {
      problems.push(`${at}: expected an object`)
      return
    }
    // Checked on the id as written, so a duplicate is reported with the account's other problems.
    const id = typeof raw.id === 'string' ? raw.id.trim() : undefined
    if (id && ACCOUNT_ID.test(id)) {
      if (seen.has(id)) problems.push(`${at}.id: "${id}" is used twice`)
      seen.add(id)
    }
    const account = readAccount(raw, defaults, problems, at)
    if (account) accounts.push(account)
  })
  return accounts
}

function readAccount(raw: Record<string, Json>, defaults: AccountDefaults, problems: string[], at: string): AccountConfig | undefined {
  const before = problems.length
  for (const k of Object.keys(raw)) if (!ACCOUNT_FIELDS.includes(k)) problems.push(`${at}: unknown field "${k}"`)
  const id = required(raw, 'id', ACCOUNT_ID, 'a short name: lower-case letters, digits, "-" or "_" (at most 32)', problems, at)
  const token = required(raw, 'token', TOKEN, '3 to 32 letters or digits (the Token set in the WeChat console)', problems, at)
  const appId = optional(raw, 'appId', APP_ID, '"wx" followed by 16 letters or digits', problems, at)
  const aesKey = optional(raw, 'aesKey', AES_KEY, 'exactly 43 letters or digits (the EncodingAESKey)', problems, at)
  // On the fields as written: a malformed aesKey without any appId is two problems, both said now.
  if (raw.aesKey !== undefined && raw.appId === undefined) problems.push(`${at}: aesKey is set but appId is not; safe mode checks the AppID`)
  const dbFile = optional(raw, 'dbFile', /\S/, 'a file name', problems, at) ?? defaults.dbFile
  const replyStyle = (optional(raw, 'replyStyle', /^(news|text)$/, '"news" or "text"', problems, at) ?? defaults.replyStyle) as ReplyStyle
  const welcome = text(raw.welcome, problems, `${at}.welcome`)
  const scenes = readScenes(raw.scenes, problems, `${at}.scenes`)
  const menu = raw.menu === undefined ? undefined : readMenu(raw.menu, problems, `${at}.menu`)
  const sources = parseSources(raw.sources, `${at}.sources`, problems)
  const examples = raw.examples === undefined ? undefined : readExamples(raw.examples, problems, `${at}.examples`)
  if (problems.length > before || !id || !token) return undefined
  return { id, path: `/wechat/${id}`, token, appId, aesKey, replyStyle, dbFile, devToken: false, welcome, scenes, menu, sources, ...(examples ? { examples } : {}) }
}

/** `"examples": ["西湖", "断桥"]`: the place names the account's help texts offer, in that order. */
function readExamples(raw: Json, problems: string[], at: string): string[] | undefined {
  const shape = `a list of 1 to ${MAX_EXAMPLES} place names (each 1 to ${MAX_EXAMPLE_CHARS} characters, one line)`
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_EXAMPLES) {
    problems.push(`${at}: expected ${shape}`)
    return undefined
  }
  const names: string[] = []
  raw.forEach((v, i) => {
    const name = typeof v === 'string' ? v.trim() : ''
    const chars = [...name].length
    if (chars === 0 || chars > MAX_EXAMPLE_CHARS || /[\p{Cc}“”"]/u.test(name)) problems.push(`${at}[${i}]: expected ${shape}, without quotes (got ${JSON.stringify(v)})`)
    else names.push(name)
  })
  return names.length === raw.length ? names : undefined
}

function readScenes(raw: Json, problems: string[], at: string): ReadonlyMap<string, string> {
  const scenes = new Map<string, string>()
  if (raw === undefined) return scenes
  if (!isObject(raw)) {
    problems.push(`${at}: expected an object of scene value → text`)
    return scenes
  }
  for (const [scene, value] of Object.entries(raw)) {
    if (scene.length === 0 || scene.length > MAX_SCENE_CHARS) problems.push(`${at}: scene "${scene}" must be 1 to ${MAX_SCENE_CHARS} characters`)
    const t = text(value, problems, `${at}["${scene}"]`)
    if (t !== undefined) scenes.set(scene, t)
  }
  return scenes
}

function readMenu(raw: Json, problems: string[], at: string): ReadonlyMap<string, MenuAction> {
  const menu = new Map<string, MenuAction>()
  if (!isObject(raw)) {
    problems.push(`${at}: expected an object of menu key → action`)
    return menu
  }
  for (const [key, value] of Object.entries(raw)) {
    const here = `${at}["${key}"]`
    if (key.length === 0 || Buffer.byteLength(key) > MAX_MENU_KEY_BYTES) problems.push(`${here}: a menu key is 1 to ${MAX_MENU_KEY_BYTES} bytes`)
    if (!isObject(value)) {
      problems.push(`${here}: expected {"action": "nearby", "wishes": […]} or {"action": "text", "text": "…"}`)
      continue
    }
    if (value.action === 'nearby') {
      for (const k of Object.keys(value)) if (k !== 'action' && k !== 'wishes') problems.push(`${here}: unknown field "${k}"`)
      const w = value.wishes
      const known = WISHES.map(x => x.key)
      if (w !== undefined && (!Array.isArray(w) || w.length === 0 || !w.every(x => typeof x === 'string' && known.includes(x)))) {
        problems.push(`${here}.wishes: expected a non-empty list of ${known.join(', ')} (or leave it out for every kind of place)`)
        continue
      }
      menu.set(key, { action: 'nearby', wishes: w === undefined ? undefined : (w as string[]) })
    } else if (value.action === 'text') {
      for (const k of Object.keys(value)) if (k !== 'action' && k !== 'text') problems.push(`${here}: unknown field "${k}"`)
      const t = text(value.text, problems, `${here}.text`)
      if (t === undefined) problems.push(`${here}.text: expected a text`)
      else menu.set(key, { action: 'text', text: t })
    } else {
      problems.push(`${here}.action: expected "nearby" or "text"`)
    }
  }
  return menu
}

function required(raw: Record<string, Json>, name: string, shape: RegExp, expected: string, problems: string[], at: string): string | undefined {
  if (raw[name] === undefined) {
    problems.push(`${at}.${name}: required (${expected})`)
    return undefined
  }
  return optional(raw, name, shape, expected, problems, at)
}

function optional(raw: Record<string, Json>, name: string, shape: RegExp, expected: string, problems: string[], at: string): string | undefined {
  const v = raw[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !shape.test(v.trim())) {
    // Credentials are never echoed back; other values are, to show what was read.
    const shown = name === 'token' || name === 'aesKey' ? '' : ` (got ${JSON.stringify(v)})`
    problems.push(`${at}.${name}: expected ${expected}${shown}`)
    return undefined
  }
  return v.trim()
}

function text(v: Json, problems: string[], at: string): string | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${at}: expected a non-empty text`)
    return undefined
  }
  if (Buffer.byteLength(v, 'utf8') > MAX_TEXT_BYTES) {
    problems.push(`${at}: at most ${MAX_TEXT_BYTES} bytes of UTF-8 (WeChat drops longer text replies)`)
    return undefined
  }
  return v
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
