/**
 * Safe-mode cost: the same signed location message answered in plaintext mode and in safe mode
 * (decrypt the push, answer, encrypt the reply), per message, in the same run. The pushes are
 * encrypted by the benchmark's own envelope code; the section reports "not available yet" until
 * the product answers a safe-mode push with an encrypted reply.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/project-root.js'
import { sign } from '../../src/wechat/signature.js'
import { catalogueFromFile } from './catalogue-files.js'
import { aesKeyOf, decrypt, safeModePush, selfCheck } from './envelope.js'
import { inProcessApp, timeAsync } from './in-process.js'
import { newSection, type SectionReport } from './report.js'
import { ms, ratio, summarise } from './stats.js'
import type { Workspace } from './workspace.js'

export interface SafeSettings {
  readonly messages: number
}

// A made-up account (the cases' test account): nothing here is a real credential.
const TOKEN = 'peerCaseToken2024'
const AES_KEY = 'LMeWebXkpeZ277hUIStPYZxhrzK6uL3HBoEQ24EPFPM'
const APP_ID = 'wx5e1f2a3b4c5d6e7f'
const ACCOUNT = 'gh_test'

export async function benchSafeMode(ws: Workspace, settings: SafeSettings): Promise<SectionReport> {
  const section = newSection('safe mode')
  if (!selfCheck()) throw new Error("the benchmark's envelope code does not reproduce the official vector")
  const dbFile = ws.file('safe-mode.sqlite')
  catalogueFromFile(dbFile, ws.shared('shanghai_poi_osm.csv'))
  const key = aesKeyOf(AES_KEY)
  const { app, close } = await inProcessApp(dbFile, { WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, WECHAT_AES_KEY: AES_KEY })
  try {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const xml = (i: number) =>
      `<xml>\n<ToUserName><![CDATA[${ACCOUNT}]]></ToUserName>\n<FromUserName><![CDATA[oUser_test${(i % 4) + 1}]]></FromUserName>\n` +
      `<CreateTime>${timestamp}</CreateTime>\n<MsgType><![CDATA[location]]></MsgType>\n<Location_X>31.236712</Location_X>\n` +
      `<Location_Y>121.481236</Location_Y>\n<Scale>16</Scale>\n<Label><![CDATA[]]></Label>\n<MsgId>${7_400_000_000_000_000_000n + BigInt(i)}</MsgId>\n</xml>`
    const plain = async (i: number) => {
      const nonce = String(1_000_000 + i)
      const res = await app.inject({
        method: 'POST',
        url: '/wechat',
        query: { signature: sign(TOKEN, timestamp, nonce), timestamp, nonce, openid: `oUser_test${(i % 4) + 1}` },
        headers: { 'content-type': 'text/xml' },
        payload: xml(i),
      })
      return res.body
    }
    const safe = async (i: number) => {
      const nonce = String(2_000_000 + i)
      const push = safeModePush(xml(i), TOKEN, key, APP_ID, ACCOUNT, timestamp, nonce)
      const res = await app.inject({ method: 'POST', url: '/wechat', query: push.query, headers: { 'content-type': 'text/xml' }, payload: push.body })
      const encrypted = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(res.body)?.[1]
      return encrypted ? decrypt(encrypted, key).xml : undefined
    }

    const probe = await safe(0)
    const cryptoModule = existsSync(join(projectRoot(), 'src/wechat/crypto.ts'))
    if (!probe || !probe.includes('<MsgType><![CDATA[news]]></MsgType>')) {
      section.rows.push({
        section: 'safe mode',
        case: 'encrypted round trip',
        result: 'not available yet',
        reference: cryptoModule ? 'src/wechat/crypto.ts exists, but a safe-mode push got no encrypted news reply' : 'no src/wechat/crypto.ts',
        status: 'not available yet',
      })
      section.data.available = false
      return section
    }
    if (!(await plain(0)).includes('<MsgType><![CDATA[news]]></MsgType>')) throw new Error('plaintext location message got no news reply')
    const n = settings.messages
    const warm = Math.min(500, n)
    let seq = 1
    await timeAsync(warm, () => plain(seq++))
    await timeAsync(warm, () => safe(seq++))
    // Interleaved quarters, so drift in the machine's load hits both alike.
    const plainTimes: number[] = []
    const safeTimes: number[] = []
    for (let part = 0; part < 4; part++) {
      plainTimes.push(...(await timeAsync(n / 4, () => plain(seq++))))
      safeTimes.push(...(await timeAsync(n / 4, () => safe(seq++))))
    }
    const p = summarise(plainTimes)
    const s = summarise(safeTimes)
    section.rows.push({
      section: 'safe mode',
      case: 'encrypted round trip per message',
      result: `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`,
      reference: `plaintext p50 ${ms(p.p50)}, p99 ${ms(p.p99)}`,
      ratio: `${ratio(s.p50 / p.p50)} (+${ms(s.p50 - p.p50)})`,
      status: 'info',
    })
    section.data.available = true
    section.data.plain = p
    section.data.safe = s
    section.notes.push(`${n} location messages each way through the app in process (inject, no sockets); the replies are decrypted and checked.`)
    return section
  } finally {
    await close()
  }
}
