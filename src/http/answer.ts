import type { InboundMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { answerEvent } from './answer-events.js'
import { answerLocation } from './answer-location.js'
import { answerMedia } from './answer-media.js'
import { answerText } from './answer-text.js'

export type { Answer, AnswerContext } from './answer-context.js'

/**
 * Decides the answer to one inbound push: joins the protocol (message kinds) with the domain
 * (ranking and copy). Pushes that must only be acknowledged get no reply (`success`).
 */
export async function answerMessage(msg: InboundMessage, ctx: AnswerContext): Promise<Answer> {
  switch (msg.kind) {
    case 'location':
      return answerLocation(msg, ctx)
    case 'text':
      return answerText(msg.content, msg, ctx)
    case 'voice':
      // Speech-to-text, when the account has it on, is answered exactly like typed text.
      return msg.recognition ? answerText(msg.recognition, msg, ctx) : answerMedia(msg, ctx)
    case 'image':
    case 'video':
    case 'shortvideo':
    case 'link':
      return answerMedia(msg, ctx)
    case 'unknown':
      return { reply: undefined, outcome: 'unknown-kind' }
    default:
      return answerEvent(msg, ctx)
  }
}
