import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import pino from 'pino'
import type { LiveCatalogue } from './catalogue/live-catalogue.js'
import type { RefreshStatus } from './catalogue/refresh.js'
import type { Config } from './config.js'
import { NO_GAZETTEER, type GazetteerReader } from './recommend/place-names.js'
import type { UserState } from './state/user-state.js'
import { randomBytes } from 'node:crypto'
import { answerMessage, type Answer, type AnswerContext } from './http/answer.js'
import { Deliveries, EncodedDeliveryStore, MemoryDeliveryStore, realClock, type DeliveryClock, type DeliveryStore } from './wechat/dedupe.js'
import { ANSWER_CODEC, NO_ANSWER } from './http/receive-message.js'
import type { InboundMessage } from './wechat/types.js'
import { registerHealthRoutes } from './http/health-routes.js'
import { registerPlacesRoutes } from './http/places-routes.js'
import { registerWechatRoutes } from './http/wechat-routes.js'

export interface AppDeps {
  readonly config: Config
  /** The catalogue each account answers from, by account id. */
  readonly catalogues: ReadonlyMap<string, LiveCatalogue>
  readonly state: UserState
  /** Place names typed requests are resolved against; without one, only catalogue names are found. */
  readonly gazetteer?: GazetteerReader
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  readonly now?: () => number
  /** The scheduled catalogue refreshes, for /healthz (none in most tests). */
  readonly refresh?: { status(accountId: string): RefreshStatus | undefined }
  /** Fastify logger options; `false` in tests. */
  readonly logger?: FastifyServerOptions['logger']
  /**
   * Where deliveries of WeChat pushes are claimed and their answers kept for retries, when
   * several worker processes must share them: the server then passes the SQLite one in the
   * state file. By default (one process) they stay in this process's memory, unencoded.
   */
  readonly deliveryStore?: DeliveryStore
  /** Timers for the reply deadline; tests pass a fake one (with `now`). */
  readonly sleep?: DeliveryClock['sleep']
  /** Random bytes for encrypted replies; tests pass fixed ones. */
  readonly random?: (size: number) => Buffer
  /** The answer to a message; tests wrap it (e.g. to make it slow or count calls). */
  readonly answer?: (msg: InboundMessage, ctx: AnswerContext) => Promise<Answer>
}

/** Builds the HTTP app from its parts; nothing here reads the environment or listens. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? {
      level: deps.config.logLevel,
      // WeChat puts signature, nonce and the user's openid in the query: log the path only.
      serializers: { req: req => ({ method: req.method, path: req.url.split('?')[0], id: req.id }) },
      // Written asynchronously: lines logged while a write is under way go out together, so a
      // busy server makes one write(2) per batch instead of one per message, and no reply waits
      // for stdout. What is still buffered is written when the process exits.
      stream: pino.destination({ dest: 1, sync: false }),
    },
    // One line per WeChat message is written by the route itself (with its outcome and timing).
    logController: new LogController({ disableRequestLogging: true }),
  })

  // WeChat posts XML as text/xml, but the debug tool and proxies send other types or none:
  // every body is read as text and the route decides what it is.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  const now = deps.now ?? Date.now
  const deliveries = new Deliveries<Answer>(
    deps.deliveryStore ? new EncodedDeliveryStore(deps.deliveryStore, ANSWER_CODEC) : new MemoryDeliveryStore<Answer>(),
    deps.sleep ? { now, sleep: deps.sleep } : { now, sleep: realClock.sleep, after: realClock.after },
    {
      deadlineMs: deps.config.replyDeadlineMs,
      failed: NO_ANSWER,
      onStoreError: (err, operation) => app.log.warn({ err: (err as Error).message, operation }, 'delivery store failed; answering without dedupe'),
    },
  )
  registerWechatRoutes(app, {
    config: deps.config,
    catalogues: deps.catalogues,
    gazetteer: deps.gazetteer ?? NO_GAZETTEER,
    state: deps.state,
    now,
    deliveries,
    random: deps.random ?? randomBytes,
    answer: deps.answer ?? answerMessage,
  })
  registerPlacesRoutes(app, { config: deps.config, catalogues: deps.catalogues, gazetteer: deps.gazetteer })
  registerHealthRoutes(app, { catalogues: deps.catalogues, refresh: deps.refresh })

  // Fastify's own 404 repeats the URL, query string included (signature, openid): say nothing of it.
  app.setNotFoundHandler((_req, res) => res.code(404).type('text/plain; charset=utf-8').send('not found'))

  // Last resort: whatever escapes a route is logged and answered without a stack trace.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, res) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status >= 500) req.log.error({ err }, 'request failed')
    else req.log.warn({ code: (err as { code?: string }).code, status }, 'request refused')
    if (req.method === 'POST' && status >= 500) return res.code(200).type('text/plain; charset=utf-8').send('success')
    return res.code(status).type('text/plain; charset=utf-8').send(status === 413 ? 'body too large' : 'bad request')
  })
  return app
}
