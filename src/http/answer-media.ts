import type { ImageMessage, LinkMessage, VideoMessage, VoiceMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { mediaHelpText } from './copy.js'

/** Pictures, videos, links and unrecognised voice: a short pointer to what the bot understands. */
export function answerMedia(_msg: ImageMessage | VideoMessage | LinkMessage | VoiceMessage, ctx: AnswerContext): Answer {
  return { reply: { type: 'text', content: mediaHelpText(ctx.account.examples) }, outcome: 'help' }
}
