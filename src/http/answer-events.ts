import type { EventMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { rememberPosition } from './answer-location.js'
import { welcomeBackText, welcomeText } from './copy.js'
import { answerClick } from './menu.js'
import { toWgs84 } from '../geo/datum.js'

/**
 * Events: a welcome on follow (plus the QR scene's own text), the scene's text on SCAN, the
 * position stored on LOCATION, menu keys on CLICK, `success` for the rest (unsubscribe, VIEW,
 * location_select — whose pick arrives again as a location message, answered there).
 */
export function answerEvent(msg: EventMessage, ctx: AnswerContext): Answer {
  switch (msg.kind) {
    case 'subscribe': {
      const welcome = ctx.account.welcome ?? welcomeText(ctx.account.examples)
      const scene = msg.scene === undefined ? undefined : ctx.account.scenes.get(msg.scene)
      const content = scene ? `${welcome}\n\n${scene}` : welcome
      return { reply: { type: 'text', content }, outcome: msg.scene === undefined ? 'welcome' : scene ? 'welcome-scene' : 'welcome-unknown-scene' }
    }
    case 'scan': {
      const scene = ctx.account.scenes.get(msg.scene)
      return scene
        ? { reply: { type: 'text', content: scene }, outcome: 'scene' }
        : { reply: { type: 'text', content: welcomeBackText(ctx.account.examples) }, outcome: 'unknown-scene' }
    }
    case 'location-report':
      // Only `success` may answer this push (protocol doc §3.3); remember where the user is.
      rememberPosition(ctx, msg.from, toWgs84({ lat: msg.lat, lng: msg.lng }, ctx.config.locationDatum), 'event')
      return { reply: undefined, outcome: 'position-stored' }
    case 'click':
      return answerClick(msg, ctx)
    default:
      return { reply: undefined, outcome: 'acknowledged' }
  }
}
