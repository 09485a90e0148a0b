import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountConfig, Config } from '../config.js'
import { isAppError } from '../errors.js'
import type { CatalogueReader } from '../recommend/place.js'
import type { CatalogueNames, GazetteerReader } from '../recommend/place-names.js'
import type { UserState } from '../state/user-state.js'
import { parseMessage } from '../wechat/parse.js'
import { REPLY_SUCCESS, renderReply } from '../wechat/reply.js'
import { signatureMatches } from '../wechat/signature.js'
import type { InboundMessage } from '../wechat/types.js'
import { answerMessage } from './answer.js'

/** Real pushes are a few KB (safe mode triples them); anything much larger is not WeChat. */
export const WECHAT_BODY_LIMIT = 64 * 1024

export interface WechatRouteDeps {
  readonly config: Config
  /** By account id. */
  readonly catalogues: ReadonlyMap<string, CatalogueReader & CatalogueNames>
  readonly gazetteer: GazetteerReader
  readonly state: UserState
  /** Current time in milliseconds; injected so tests control CreateTime. */
  readonly now: () => number
}

type Query = Record<string, string | undefined>

/** GET (URL verification) and POST (messages) for every configured account. */
export function registerWechatRoutes(app: FastifyInstance, deps: WechatRouteDeps): void {
  for (const account of deps.config.accounts) {
    app.get(account.path, async (req, res) => verifyUrl(account, req, res))
    app.post(account.path, { bodyLimit: WECHAT_BODY_LIMIT }, async (req, res) => receive(account, deps, req, res))
  }
}

function verifyUrl(account: AccountConfig, req: FastifyRequest, res: FastifyReply) {
  const q = req.query as Query
  const { signature, timestamp, nonce, echostr } = q
  if (!signature || !timestamp || !nonce || echostr === undefined) {
    req.log.warn({ account: account.id }, 'url verification without its parameters')
    return res.code(400).type('text/plain; charset=utf-8').send('missing signature, timestamp, nonce or echostr')
  }
  if (!signatureMatches(signature, account.token, timestamp, nonce)) {
    req.log.warn({ account: account.id }, 'url verification with a bad signature')
    return res.code(401).type('text/plain; charset=utf-8').send('invalid signature')
  }
  // The whole body is echostr exactly as received: no quotes, no newline (protocol doc §2.1).
  return res.code(200).type('text/plain; charset=utf-8').send(echostr)
}

async function receive(account: AccountConfig, deps: WechatRouteDeps, req: FastifyRequest, res: FastifyReply) {
  const started = performance.now()
  const q = req.query as Query
  if (!signatureMatches(q.signature, account.token, q.timestamp ?? '', q.nonce ?? '')) {
    req.log.warn({ account: account.id }, 'message with a missing or bad signature refused')
    return res.code(401).type('text/plain; charset=utf-8').send('invalid signature')
  }
  const body = typeof req.body === 'string' ? req.body : ''
  let msg: InboundMessage
  try {
    msg = parseMessage(body)
  } catch (err) {
    // Signed but unreadable: acknowledge so WeChat neither retries nor shows the user an error.
    req.log.warn({ account: account.id, code: isAppError(err) ? err.code : 'UNKNOWN', reason: (err as Error).message }, 'unreadable message acknowledged')
    return sendSuccess(res)
  }
  try {
    const answer = await answerMessage(msg, {
      config: deps.config,
      account,
      catalogue: catalogueOf(deps.catalogues, account.id),
      gazetteer: deps.gazetteer,
      state: deps.state,
      now: deps.now(),
      warn: (details, message) => req.log.warn({ account: account.id, ...details }, message),
    })
    req.log.info(
      {
        account: account.id,
        kind: msg.kind,
        user: shortId(msg.from),
        outcome: answer.outcome,
        results: answer.results,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'wechat message answered',
    )
    if (!answer.reply) return sendSuccess(res)
    const xml = renderReply(msg, answer.reply, Math.floor(deps.now() / 1000))
    return res.code(200).type('application/xml; charset=utf-8').send(xml)
  } catch (err) {
    req.log.error({ err, account: account.id, kind: msg.kind }, 'answering a message failed; acknowledged with success')
    return sendSuccess(res)
  }
}

export function catalogueOf<T>(catalogues: ReadonlyMap<string, T>, accountId: string): T {
  const c = catalogues.get(accountId)
  if (!c) throw new Error(`no catalogue for account ${accountId}`)
  return c
}

function sendSuccess(res: FastifyReply) {
  return res.code(200).type('text/plain; charset=utf-8').send(REPLY_SUCCESS)
}

/** OpenIDs are personal data: logs carry a short one-way hash, enough to correlate lines. */
export function shortId(openId: string): string {
  return createHash('sha256').update(openId).digest('hex').slice(0, 10)
}
