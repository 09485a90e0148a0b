import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AccountConfig } from '../config.js'
import { isAppError } from '../errors.js'
import { WxCryptoError } from '../wechat/crypto.js'
import { deliveryKey, type Delivered, type DeliveryCodec } from '../wechat/dedupe.js'
import { openEnvelope, sealReply, type EnvelopeKeys } from '../wechat/envelope.js'
import { parseMessage } from '../wechat/parse.js'
import { REPLY_SUCCESS, renderReply } from '../wechat/reply.js'
import { signatureMatches } from '../wechat/signature.js'
import type { InboundMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer.js'
import type { WechatRouteDeps } from './wechat-routes.js'

type Query = Record<string, string | undefined>

/**
 * The query as single strings: a parameter repeated in the URL arrives as an array, which no
 * WeChat request has; its first value is taken (and a signature then simply fails to match).
 */
export function singleValues(query: unknown): Query {
  const out: Query = Object.create(null) as Query
  if (typeof query !== 'object' || query === null) return out
  for (const [k, v] of Object.entries(query)) {
    const first: unknown = Array.isArray(v) ? v[0] : v
    out[k] = typeof first === 'string' ? first : undefined
  }
  return out
}

/** What a retry needs to give the same answer again: the decided reply, not its XML. */
export const NO_ANSWER: Answer = { reply: undefined, outcome: 'failed' }

/**
 * Answers as text, for the delivery store that worker processes share (a single process keeps
 * the answer objects themselves). Anything unreadable counts as a failed answer.
 */
export const ANSWER_CODEC: DeliveryCodec<Answer> = {
  encode: answer => JSON.stringify(answer),
  decode: text => {
    try {
      const a = JSON.parse(text) as Answer | null
      return a && typeof a === 'object' && typeof a.outcome === 'string' ? a : NO_ANSWER
    } catch {
      return NO_ANSWER
    }
  },
}

/**
 * One POST from WeChat: signature → (safe mode) envelope → parse → the answer, once per push
 * however often it is delivered → reply XML (sealed again in safe mode). Refusals are 401/400
 * without content; anything that goes wrong after the signature is `success`, never a 5xx.
 * Exactly one log line per message: account, kind, delivery, outcome, result count, ms.
 */
export async function receiveMessage(
  account: AccountConfig,
  keys: EnvelopeKeys | undefined,
  deps: WechatRouteDeps,
  req: FastifyRequest,
  res: FastifyReply,
) {
  const started = performance.now()
  const ms = () => msSince(started)
  // Only the parameters used here are read (a copy of the whole query per message is not needed).
  const query = req.query as Record<string, unknown> | null | undefined
  const q = {
    signature: param(query, 'signature'),
    timestamp: param(query, 'timestamp'),
    nonce: param(query, 'nonce'),
    msg_signature: param(query, 'msg_signature'),
  }
  if (!signatureMatches(q.signature, account.token, q.timestamp ?? '', q.nonce ?? '')) {
    req.log.warn({ account: account.id, ms: ms() }, 'message with a missing or bad signature refused')
    return res.code(401).type('text/plain; charset=utf-8').send('invalid signature')
  }
  const body = typeof req.body === 'string' ? req.body : ''
  const encrypted = param(query, 'encrypt_type')?.toLowerCase() === 'aes'
  let xml = body
  if (encrypted) {
    if (!keys) {
      req.log.warn({ account: account.id, wxCode: -40004, wxError: 'IllegalAesKey' }, 'encrypted message refused: the account has no EncodingAESKey')
      return res.code(400).type('text/plain; charset=utf-8').send('bad request')
    }
    try {
      xml = openEnvelope(keys, { timestamp: q.timestamp ?? '', nonce: q.nonce ?? '', msgSignature: q.msg_signature }, body)
    } catch (err) {
      const e = err instanceof WxCryptoError ? err : new WxCryptoError('DecryptAES_Error', 'unexpected failure', { cause: err })
      req.log.warn({ account: account.id, wxCode: e.wxCode, wxError: e.wxName, reason: e.message, ms: ms() }, 'encrypted message refused')
      const refusal = e.wxName === 'ValidateAppid_Error' ? 'message not for this account' : e.status === 401 ? 'invalid signature' : 'bad request'
      return res.code(e.status).type('text/plain; charset=utf-8').send(refusal)
    }
  }

  let msg: InboundMessage
  try {
    msg = parseMessage(xml)
  } catch (err) {
    // Signed but unreadable: acknowledge so WeChat neither retries nor shows the user an error.
    const reason = isAppError(err) ? err.message : 'unexpected parser failure'
    req.log.warn({ account: account.id, kind: 'unreadable', outcome: 'acknowledged', reason, ms: ms() }, 'unreadable message acknowledged')
    return sendSuccess(res)
  }

  const ctx: AnswerContext = {
    config: deps.config,
    account,
    catalogue: catalogueOf(deps.catalogues, account.id),
    gazetteer: deps.gazetteer,
    state: deps.state,
    now: deps.now(),
    warn: (details, message) => req.log.warn({ account: account.id, ...details }, message),
  }
  const line = { account: account.id, kind: msg.kind, user: shortId(msg.from) }
  let delivered: Delivered<Answer>
  try {
    delivered = await deps.deliveries.deliver(deliveryKey(account.id, msg), () => work(deps, msg, ctx, req, line))
  } catch (err) {
    req.log.error({ err, ...line, outcome: 'failed', ms: ms() }, 'answering a message failed; acknowledged with success')
    return sendSuccess(res)
  }

  if (delivered.kind === 'late') {
    req.log.warn({ ...line, delivery: delivered.first ? 'first' : 'retry', outcome: 'deadline-missed', ms: ms() }, 'answer not ready by the deadline; acknowledged with success')
    delivered.settled?.then(
      () => req.log.info({ ...line, ms: ms() }, 'late answer kept for the retries'),
      () => undefined,
    )
    return sendSuccess(res)
  }
  const answer = delivered.value
  const level = delivered.kind === 'first' ? 'info' : 'warn'
  req.log[level](
    { ...line, delivery: delivered.kind === 'first' ? 'first' : 'retry', outcome: answer.outcome, results: answer.results, ms: ms() },
    'wechat message answered',
  )
  if (!answer.reply) return sendSuccess(res)
  try {
    const nowSeconds = Math.floor(deps.now() / 1000)
    let out = renderReply(msg, answer.reply, nowSeconds)
    if (encrypted && keys) {
      // Echo the request's nonce when it is plain (allowed, §6.4); otherwise make one.
      const nonce = /^[A-Za-z0-9]{1,32}$/.test(q.nonce ?? '') ? q.nonce! : deps.random(8).toString('hex')
      out = sealReply(out, keys, String(nowSeconds), nonce, deps.random(16))
    }
    return res.code(200).type('application/xml; charset=utf-8').send(out)
  } catch (err) {
    req.log.error({ err, ...line }, 'building the reply failed; acknowledged with success')
    return sendSuccess(res)
  }
}

/** The work done once per push. Failures become a value so that retries do not run it again. */
async function work(deps: WechatRouteDeps, msg: InboundMessage, ctx: AnswerContext, req: FastifyRequest, line: object): Promise<Answer> {
  try {
    return await deps.answer(msg, ctx)
  } catch (err) {
    req.log.error({ err, ...line }, 'answering a message failed')
    return NO_ANSWER
  }
}

function msSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}

/** One query parameter as a single string (see singleValues). */
function param(query: Record<string, unknown> | null | undefined, name: string): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined
  const v = Object.hasOwn(query, name) ? query[name] : undefined
  const first: unknown = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : undefined
}

function sendSuccess(res: FastifyReply) {
  return res.code(200).type('text/plain; charset=utf-8').send(REPLY_SUCCESS)
}

export function catalogueOf<T>(catalogues: ReadonlyMap<string, T>, accountId: string): T {
  const c = catalogues.get(accountId)
  if (!c) throw new Error(`no catalogue for account ${accountId}`)
  return c
}

/** Hashes of recent senders: a follower usually sends several messages in a row. */
const recentIds = new Map<string, string>()
const MAX_RECENT_IDS = 10_000

/** OpenIDs are personal data: logs carry a short one-way hash, enough to correlate lines. */
export function shortId(openId: string): string {
  let id = recentIds.get(openId)
  if (id === undefined) {
    id = createHash('sha256').update(openId).digest('hex').slice(0, 10)
    if (recentIds.size >= MAX_RECENT_IDS) recentIds.clear()
    recentIds.set(openId, id)
  }
  return id
}
