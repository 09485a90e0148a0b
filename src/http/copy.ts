/**
 * Fixed texts the bot sends that are not about places (those live in src/recommend). The place
 * names they offer as examples are the account's own (`examples` in the accounts file); the
 * constants are the texts with the default examples.
 */
import { twoExamples } from '../recommend/examples.js'

type Examples = readonly string[] | undefined

export function helpText(examples?: Examples): string {
  const [a, b] = twoExamples(examples)
  return (
    '您好！发送您的位置（点输入框旁的“+”，选“位置”），我会列出离您最近的酒店、餐厅和商店。\n' +
    `也可以直接输入地名，例如“${a}”“${b}”，或者地名加类别，例如“${a} 咖啡”。`
  )
}

export function welcomeText(examples?: Examples): string {
  return `感谢关注！\n${helpText(examples)}`
}

export function mediaHelpText(examples?: Examples): string {
  const [, b] = twoExamples(examples)
  return `收到啦！不过我只看得懂位置和文字。\n请发送您的位置（“+”→“位置”），或输入地名，例如“${b} 咖啡”。`
}

/** A QR scan by someone who already follows, with no text configured for its scene. */
export function welcomeBackText(examples?: Examples): string {
  return `欢迎回来！\n${helpText(examples)}`
}

/** "谢谢", "thanks", "好的": a word back and what to try next. */
export function thanksText(examples?: Examples): string {
  const [a] = twoExamples(examples)
  return `不客气！想找附近的地方，随时发送位置，或输入地名，例如“${a} 咖啡”。`
}

export const HELP_TEXT = helpText()
export const WELCOME_TEXT = welcomeText()
export const MEDIA_HELP_TEXT = mediaHelpText()
export const WELCOME_BACK_TEXT = welcomeBackText()
