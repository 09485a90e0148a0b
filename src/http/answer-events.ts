import type { EventMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { rememberPosition } from './answer-location.js'
import { WELCOME_TEXT } from './copy.js'
import { toWgs84 } from '../geo/datum.js'

/** Events: a welcome on follow, the position stored on LOCATION, `success` for the rest. */
export function answerEvent(msg: EventMessage, ctx: AnswerContext): Answer {
  switch (msg.kind) {
    case 'subscribe':
      return { reply: { type: 'text', content: WELCOME_TEXT }, outcome: 'welcome' }
    case 'location-report':
      // Only `success` may answer this push (protocol doc §3.3); remember where the user is.
      rememberPosition(ctx, msg.from, toWgs84({ lat: msg.lat, lng: msg.lng }, ctx.config.locationDatum), 'event')
      return { reply: undefined, outcome: 'position-stored' }
    default:
      return { reply: undefined, outcome: 'acknowledged' }
  }
}
