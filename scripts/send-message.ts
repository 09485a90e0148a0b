/**
 * Sends a signed message to a running server, as WeChat would, and prints the reply.
 *
 *   npm run send -- location [lat lng]        a location pin (GCJ-02, like WeChat's map); default Nanjing Road
 *   npm run send -- text "人民广场 咖啡"        a typed message
 *   npm run send -- event subscribe|unsubscribe|LOCATION|CLICK [key]
 *   npm run send -- file message.xml          any XML body, signed as is
 *   npm run send -- verify                    the URL-verification GET
 *
 * Options: --url http://127.0.0.1:3000/wechat (default from HOST/PORT), --token (default WECHAT_TOKEN
 * or the development token), --from an OpenID, --to the account id (gh_…). With --aes-key and
 * --app-id the message is sent in safe mode (encrypted), and an encrypted reply is opened.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { DEV_TOKEN } from '../src/config.js'
import { APP_ID } from '../src/config-accounts.js'
import { aesKeyFrom, decryptFor, encryptMessage } from '../src/wechat/crypto.js'
import { sign, signatureMatches } from '../src/wechat/signature.js'
import { parseCommandLine, reportUsage, UsageError } from './cli-args.js'

const USAGE = `usage: npm run send -- <kind> [arguments] [options]
  location [lat lng]                      a location pin (GCJ-02); default Nanjing Road
  text <words…>                           a typed message
  event subscribe|unsubscribe|SCAN|LOCATION|CLICK [key]
  file <message.xml>                      any XML body, signed as is
  verify                                  the URL-verification GET
options: --url URL (default http://127.0.0.1:3000/wechat, or HOST/PORT), --token TOKEN,
  --from OPENID, --to gh_…, --aes-key KEY --app-id wx… (safe mode), -h/--help`

/** Shown with a mistake on the command line; --help shows the whole USAGE. */
const USAGE_LINE = 'usage: npm run send -- location|text|event|file|verify [arguments] [options]  (--help for more)'

/**
 * A negative coordinate (`location -33.8688 151.2093`) would read as short options: it is
 * carried through the parse with a Unicode minus and turned back afterwards.
 */
const NEGATIVE = /^-\d+(\.\d+)?$/
const MINUS = '\u2212'

let values: ReturnType<typeof readArgs>['values']
let positionals: string[]
try {
  ;({ values, positionals } = readArgs())
} catch (err) {
  reportUsage(err as UsageError, USAGE_LINE)
  process.exit()
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

function readArgs() {
  const parsed = readOptions(process.argv.slice(2).map(a => (NEGATIVE.test(a) ? MINUS + a.slice(1) : a)))
  return { ...parsed, positionals: parsed.positionals.map(p => (p.startsWith(MINUS) ? `-${p.slice(1)}` : p)) }
}

function readOptions(args: string[]) {
  return parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      from: { type: 'string', default: 'oUser_nearby_cli_0000000000' },
      to: { type: 'string', default: 'gh_nearby_demo' },
      'aes-key': { type: 'string' },
      'app-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

const url = values.url ?? `http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT || '3000'}/wechat`
const token = values.token ?? process.env.WECHAT_TOKEN ?? DEV_TOKEN
const [kind = 'location', ...args] = positionals
const now = Math.floor(Date.now() / 1000)
const msgId = String(BigInt(now) * 1_000_000n + BigInt(randomBytes(2).readUInt16BE()))

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
const header = (msgType: string) =>
  `<ToUserName>${cdata(values.to!)}</ToUserName>\n<FromUserName>${cdata(values.from!)}</FromUserName>\n` +
  `<CreateTime>${now}</CreateTime>\n<MsgType>${cdata(msgType)}</MsgType>\n`

function isCoordinate(text: string, limit: number): boolean {
  return /^-?\d+(\.\d+)?$/.test(text) && Math.abs(Number(text)) <= limit
}

function body(): string | undefined {
  switch (kind) {
    case 'location': {
      const [lat = '31.236712', lng = '121.481236'] = args
      // A typo here would only show up as the server's quiet `success`: say so before sending.
      if (!isCoordinate(lat, 90) || !isCoordinate(lng, 180)) {
        throw new UsageError(`location needs a latitude (-90…90) and a longitude (-180…180) in degrees, e.g. 31.236712 121.481236; got "${lat}" "${lng}"`)
      }
      return `<xml>\n${header('location')}<Location_X>${lat}</Location_X>\n<Location_Y>${lng}</Location_Y>\n<Scale>16</Scale>\n<Label>${cdata('')}</Label>\n<MsgId>${msgId}</MsgId>\n</xml>`
    }
    case 'text':
      return `<xml>\n${header('text')}<Content>${cdata(args.join(' '))}</Content>\n<MsgId>${msgId}</MsgId>\n</xml>`
    case 'event': {
      const [event = 'subscribe', key = ''] = args
      const extra =
        event === 'LOCATION'
          ? '<Latitude>31.240113</Latitude>\n<Longitude>121.490317</Longitude>\n<Precision>65.000000</Precision>\n'
          : `<EventKey>${cdata(key)}</EventKey>\n`
      return `<xml>\n${header('event')}<Event>${cdata(event)}</Event>\n${extra}</xml>`
    }
    case 'file': {
      const file = args[0] ?? '/dev/stdin'
      try {
        return readFileSync(file, 'utf8')
      } catch (err) {
        throw new Error(`cannot read ${file}: ${(err as Error).message}`)
      }
    }
    case 'verify':
      return undefined
    default:
      throw new UsageError(`unknown kind ${kind}: use location, text, event, file or verify`)
  }
}

/** Safe mode, when asked for: the key and AppID to seal the message and open the reply. */
function safeMode(): { key: Buffer; appId: string } | undefined {
  const aesKey = values['aes-key']
  const appId = values['app-id']
  if (!aesKey && !appId) return undefined
  if (!aesKey || !appId) throw new UsageError('safe mode needs both --aes-key and --app-id')
  if (!APP_ID.test(appId)) throw new UsageError('--app-id must be the AppID: "wx" followed by 16 letters or digits')
  try {
    return { key: aesKeyFrom(aesKey), appId }
  } catch (err) {
    throw new UsageError(`--aes-key: ${(err as Error).message}`)
  }
}

/** Only a failure to connect means the server is not there; anything else is said as it is. */
async function post(target: string, init: RequestInit): Promise<Response> {
  let parsed: URL
  try {
    parsed = new URL(target)
  } catch {
    throw new UsageError(`--url ${url} is not a URL (e.g. http://127.0.0.1:3000/wechat)`)
  }
  try {
    return await fetch(parsed, init)
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause
    throw new Error(`could not reach ${url}: ${cause?.message ?? (err as Error).message}\n(is the server running? npm start)`)
  }
}

async function main(): Promise<void> {
  const timestamp = String(now)
  const nonce = String(randomBytes(4).readUInt32BE())
  const query = new URLSearchParams({ signature: sign(token, timestamp, nonce), timestamp, nonce })
  const safe = safeMode()
  let xml = body()
  if (xml === undefined) query.set('echostr', String(randomBytes(8).readBigUInt64BE()))
  else query.set('openid', values.from!)
  if (xml !== undefined && safe) {
    const encrypted = encryptMessage(xml, safe.key, safe.appId, randomBytes(16))
    query.set('encrypt_type', 'aes')
    query.set('msg_signature', sign(token, timestamp, nonce, encrypted))
    xml = `<xml>\n${cdataEl('ToUserName', values.to!)}\n${cdataEl('Encrypt', encrypted)}\n</xml>`
  }
  const target = `${url}?${query.toString()}`
  const started = performance.now()
  const res = await post(target, xml === undefined ? {} : { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml })
  const text = await res.text()
  const ms = (performance.now() - started).toFixed(1)
  process.stdout.write(`HTTP ${res.status} ${res.headers.get('content-type') ?? ''} in ${ms} ms\n${text}\n`)
  if (safe && text.includes('<Encrypt>')) process.stdout.write(openReply(text, safe))
  if (!res.ok) process.exitCode = 1
}

const cdataEl = (name: string, value: string) => `<${name}>${cdata(value)}</${name}>`

/** Checks an encrypted reply's signature and shows what it carries. */
function openReply(envelope: string, safe: { key: Buffer; appId: string }): string {
  const field = (name: string) => envelope.match(new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`))?.[1] ?? ''
  const [encrypted, signature, ts, n] = ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'].map(field) as [string, string, string, string]
  const ok = signatureMatches(signature, token, ts, n, encrypted)
  let opened: string
  try {
    opened = decryptFor(encrypted, safe.key, safe.appId)
  } catch (err) {
    opened = `(cannot be opened with this --aes-key and --app-id: ${(err as Error).message})`
  }
  return `-- encrypted reply, MsgSignature ${ok ? 'valid' : 'INVALID'}; decrypted:\n${opened}\n`
}

main().catch(err => {
  if (err instanceof UsageError) return reportUsage(err, USAGE_LINE)
  process.stderr.write(`${(err as Error).message}\n`)
  process.exitCode = 1
})
