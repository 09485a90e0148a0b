import type { AccountConfig, Config } from '../config.js'
import type { CatalogueReader } from '../recommend/place.js'
import type { CatalogueNames, GazetteerReader } from '../recommend/place-names.js'
import type { UserState } from '../state/user-state.js'
import type { Reply } from '../wechat/reply.js'

export interface AnswerContext {
  readonly config: Config
  readonly account: AccountConfig
  readonly catalogue: CatalogueReader & CatalogueNames
  /** Place names typed requests are resolved against (landmarks, stations, districts …). */
  readonly gazetteer: GazetteerReader
  readonly state: UserState
  /** Milliseconds since the epoch. */
  readonly now: number
  /** Logs a problem that must not cost the reply (e.g. a failed state write). */
  readonly warn: (details: Record<string, unknown>, message: string) => void
}

/** What was done with a message, for the one log line per message. */
export interface Answer {
  readonly reply: Reply | undefined
  readonly outcome: string
  readonly results?: number
}
