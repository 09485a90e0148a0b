import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CASES } from './paths.js'
import { readReply } from './xml.js'

/** The made-up account every handed case signs (and in case 09 encrypts) with. */
export const CASE_ACCOUNT = JSON.parse(readFileSync(join(CASES, 'test-account.json'), 'utf8')) as {
  token: string
  encodingAESKey: string
  appId: string
  originalId: string
}

/** Configures the env-only account as the cases' account. */
export const CASE_ENV = {
  WECHAT_TOKEN: CASE_ACCOUNT.token,
  WECHAT_APP_ID: CASE_ACCOUNT.appId,
  WECHAT_AES_KEY: CASE_ACCOUNT.encodingAESKey,
}

export interface CaseRequest {
  readonly id: string
  readonly method: 'GET' | 'POST'
  readonly query: Record<string, string>
  readonly headers: Record<string, string>
  readonly body: string | null
}

/** A handed case folder: its requests (in order) and files, read from the shared cases. */
export function loadCase(name: string) {
  const dir = join(CASES, name)
  const doc = JSON.parse(readFileSync(join(dir, 'requests.json'), 'utf8')) as { requests: CaseRequest[] }
  const request = (id: string): CaseRequest => {
    const r = doc.requests.find(x => x.id === id)
    if (!r) throw new Error(`case ${name} has no request ${id}`)
    return r
  }
  return {
    dir,
    requests: doc.requests,
    request,
    file: (f: string) => join(dir, f),
    read: (f: string) => readFileSync(join(dir, f), 'utf8'),
    catalogue: join(dir, 'catalogue.csv'),
  }
}

/** Sends a case's request exactly as listed (already signed), to `path`. */
export function send(app: FastifyInstance, dir: string, r: CaseRequest, path = '/wechat', payload?: string) {
  return app.inject({
    method: r.method,
    url: path,
    query: r.query,
    headers: r.headers,
    ...(r.method === 'POST' ? { payload: payload ?? (r.body ? readFileSync(join(dir, r.body)) : '') } : {}),
  })
}

/**
 * Checks the cases' REPLY: HTTP 200, strict XML, parties swapped (to the case's user, from
 * gh_test), CreateTime ten digits of seconds, text or news, ArticleCount equal to the items.
 */
export function expectReply(t: Test, res: LightMyRequestResponse, nowSeconds: number, user = 'oUser_test1'): Record<string, any> {
  t.equal(res.statusCode, 200, 'HTTP 200')
  const r = readReply(res.body)
  t.equal(r.ToUserName, user)
  t.equal(r.FromUserName, CASE_ACCOUNT.originalId)
  t.match(r.CreateTime, /^\d{10}$/)
  t.equal(Number(r.CreateTime), nowSeconds)
  t.ok(r.MsgType === 'text' || r.MsgType === 'news', `MsgType ${r.MsgType}`)
  if (r.MsgType === 'news') t.equal(Number(r.ArticleCount), r.Articles.item.length, 'ArticleCount equals the items')
  return r
}

/** NO-REPLY: 200 and `success` (or empty). */
export function expectNoReply(t: Test, res: LightMyRequestResponse): void {
  t.equal(res.statusCode, 200)
  t.ok(res.body === 'success' || res.body === '', `body ${JSON.stringify(res.body.slice(0, 40))}`)
}

/** REJECT: 400/401/403 or NO-REPLY, with nothing of the request's content in the body. */
export function expectReject(t: Test, res: LightMyRequestResponse): void {
  t.ok([200, 400, 401, 403].includes(res.statusCode), `status ${res.statusCode}`)
  if (res.statusCode === 200) t.equal(res.body, 'success')
  t.notMatch(res.body, /<xml|Error|at /, 'no reply, no error text')
}

/** The cases' "REPLY, Hilton Garden Inn first": the answer to the text "Hilton" ranks that hotel first. */
export function expectHiltonFirst(t: Test, r: Record<string, any>, label = 'Hilton Garden Inn first'): void {
  t.equal(r.MsgType, 'news', label)
  t.match(r.Articles?.item?.[0]?.Description, /\n1\. Hilton Garden Inn Shanghai People Square · /, label)
}
