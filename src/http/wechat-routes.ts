import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountConfig, Config } from '../config.js'
import type { CatalogueReader } from '../recommend/place.js'
import type { CatalogueNames, GazetteerReader } from '../recommend/place-names.js'
import type { UserState } from '../state/user-state.js'
import { aesKeyFrom, decryptFor, WxCryptoError } from '../wechat/crypto.js'
import type { Deliveries } from '../wechat/dedupe.js'
import type { EnvelopeKeys } from '../wechat/envelope.js'
import { signatureMatches } from '../wechat/signature.js'
import type { InboundMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer.js'
import { receiveMessage, singleValues } from './receive-message.js'

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
  /** Runs each push once and hands its retries the same answer, within the deadline. */
  readonly deliveries: Deliveries<Answer>
  /** Random bytes for encrypted replies (tests inject fixed ones). */
  readonly random: (size: number) => Buffer
  /** Decides the answer to a message (the domain; tests may wrap it). */
  readonly answer: (msg: InboundMessage, ctx: AnswerContext) => Promise<Answer>
}

/** GET (URL verification) and POST (messages) for every configured account. */
export function registerWechatRoutes(app: FastifyInstance, deps: WechatRouteDeps): void {
  for (const account of deps.config.accounts) {
    // The AES key is derived once; config has already checked its shape.
    const keys: EnvelopeKeys | undefined =
      account.aesKey && account.appId ? { token: account.token, key: aesKeyFrom(account.aesKey), appId: account.appId } : undefined
    app.get(account.path, async (req, res) => verifyUrl(account, keys, req, res))
    app.post(account.path, { bodyLimit: WECHAT_BODY_LIMIT }, async (req, res) => receiveMessage(account, keys, deps, req, res))
  }
}

function verifyUrl(account: AccountConfig, keys: EnvelopeKeys | undefined, req: FastifyRequest, res: FastifyReply) {
  const q = singleValues(req.query)
  const { signature, timestamp, nonce, echostr } = q
  if ((!signature && !q.msg_signature) || !timestamp || !nonce || echostr === undefined) {
    req.log.warn({ account: account.id }, 'url verification without its parameters')
    return res.code(400).type('text/plain; charset=utf-8').send('missing signature, timestamp, nonce or echostr')
  }
  if (signatureMatches(signature, account.token, timestamp, nonce)) {
    // The whole body is echostr exactly as received: no quotes, no newline (protocol doc §2.1).
    return res.code(200).type('text/plain; charset=utf-8').send(echostr)
  }
  // Some peers verify WeCom-style: msg_signature over an encrypted echostr (protocol doc §2.1).
  if (keys && signatureMatches(q.msg_signature, account.token, timestamp, nonce, echostr)) {
    try {
      return res.code(200).type('text/plain; charset=utf-8').send(decryptFor(echostr, keys.key, keys.appId))
    } catch (err) {
      const e = err instanceof WxCryptoError ? err : undefined
      req.log.warn({ account: account.id, wxCode: e?.wxCode, wxError: e?.wxName }, 'encrypted url verification refused')
      return res.code(e?.status ?? 400).type('text/plain; charset=utf-8').send('bad request')
    }
  }
  req.log.warn({ account: account.id }, 'url verification with a bad signature')
  return res.code(401).type('text/plain; charset=utf-8').send('invalid signature')
}

export { catalogueOf, shortId } from './receive-message.js'
