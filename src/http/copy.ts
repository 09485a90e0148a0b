/** Fixed texts the bot sends that are not about places (those live in recommend/format.ts). */
export const HELP_TEXT =
  '您好！发送您的位置（点输入框旁的“+”，选“位置”），我会列出离您最近的酒店、餐厅和商店。\n' +
  '也可以直接输入地名，例如“人民广场”“南京路步行街”。'

export const WELCOME_TEXT = `感谢关注！\n${HELP_TEXT}`

export const MEDIA_HELP_TEXT =
  '收到啦！不过我只看得懂位置和文字。\n请发送您的位置（“+”→“位置”），或输入地名，例如“外滩 咖啡”。'

/** A QR scan by someone who already follows, with no text configured for its scene. */
export const WELCOME_BACK_TEXT = `欢迎回来！\n${HELP_TEXT}`
