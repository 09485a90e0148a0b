import type { TextMessage, VoiceMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { HELP_TEXT } from './copy.js'

/** Typed text (or recognised speech). For now: the help text. */
export function answerText(_text: string, _msg: TextMessage | VoiceMessage, _ctx: AnswerContext): Answer {
  return { reply: { type: 'text', content: HELP_TEXT }, outcome: 'help' }
}
