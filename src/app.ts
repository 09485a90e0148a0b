import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { LiveCatalogue } from './catalogue/live-catalogue.js'
import type { RefreshStatus } from './catalogue/refresh.js'
import type { Config } from './config.js'
import type { UserState } from './state/user-state.js'
import { registerHealthRoutes } from './http/health-routes.js'
import { registerPlacesRoutes } from './http/places-routes.js'
import { registerWechatRoutes } from './http/wechat-routes.js'

export interface AppDeps {
  readonly config: Config
  /** The catalogue each account answers from, by account id. */
  readonly catalogues: ReadonlyMap<string, LiveCatalogue>
  readonly state: UserState
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  readonly now?: () => number
  /** The scheduled catalogue refreshes, for /healthz (none in most tests). */
  readonly refresh?: { status(accountId: string): RefreshStatus | undefined }
  /** Fastify logger options; `false` in tests. */
  readonly logger?: FastifyServerOptions['logger']
}

/** Builds the HTTP app from its parts; nothing here reads the environment or listens. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? {
      level: deps.config.logLevel,
      // WeChat puts signature, nonce and the user's openid in the query: log the path only.
      serializers: { req: req => ({ method: req.method, path: req.url.split('?')[0], id: req.id }) },
    },
    // One line per WeChat message is written by the route itself (with its outcome and timing).
    logController: new LogController({ disableRequestLogging: true }),
  })

  // WeChat posts XML as text/xml, but the debug tool and proxies send other types or none:
  // every body is read as text and the route decides what it is.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  const now = deps.now ?? Date.now
  registerWechatRoutes(app, { config: deps.config, catalogues: deps.catalogues, state: deps.state, now })
  registerPlacesRoutes(app, { config: deps.config, catalogues: deps.catalogues })
  registerHealthRoutes(app, { catalogues: deps.catalogues, refresh: deps.refresh })

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
