import type { ImageMessage, LinkMessage, VideoMessage, VoiceMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { MEDIA_HELP_TEXT } from './copy.js'

/** Pictures, videos, links and unrecognised voice: a short pointer to what the bot understands. */
export function answerMedia(_msg: ImageMessage | VideoMessage | LinkMessage | VoiceMessage, _ctx: AnswerContext): Answer {
  return { reply: { type: 'text', content: MEDIA_HELP_TEXT }, outcome: 'help' }
}
