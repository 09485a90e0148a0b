import { nameKey, type Unit } from '../text/fold.js'

/**
 * The little words around what a follower wants: "人民广场附近的咖啡", "hotel near the Bund",
 * "我想找一家酒店". They separate the parts of a request and are otherwise ignored.
 */

/** Say "around where I am" when nothing else names a place. */
const NEAR_ME = ['附近', '附近的', '周边的', '周围的', '旁边的', '这附近', '周边', '周围', '旁边', '身边', '边上', '离我最近', '离我近', '最近的', 'nearby', 'near me', 'around me', 'around here', 'close by', 'close to me', 'near here']

/** Separate the parts of a request; removed anywhere in the text. */
const CONNECTORS = [
  '一带', '有什么', '有没有', '有哪些', '哪里有', '哪儿有', '哪有', '在哪里', '在哪儿', '在哪',
  '我想找', '我要找', '我想去', '想找', '帮我找', '帮我', '帮忙', '请问', '推荐', '推荐一下', '一下', '一家', '一个', '几家', '好的',
  '性价比高', '性价比', '便宜', '便宜的', '干净', '高档', '不错的', '最好的',
  'near', 'around', 'close to', 'next to', 'by', 'in', 'at', 'on', 'to', 'from', 'of', 'for', 'with',
  'a', 'an', 'me', 'my', 'i', 'is', 'are', 'any', 'some', 'there', 'where', 'what', 'find', 'show', 'search', 'want', 'need',
  'looking for', 'look for', 'please', 'pls', 'recommend', 'recommendation', 'good', 'best', 'nice', 'cheap', 'top',
  'and', 'or', 'not', 'can', 'you', 'get',
]

/** Single characters dropped only at the edges of a part ("的咖啡", "在外滩", "找酒店"). */
export const EDGE_FILLERS = new Set(['的', '在', '去', '到', '找', '有', '个', '家', '吗', '呢', '吧', '啊', '呀', '哦', '了', '请', '我', '想', '要', '和', '跟', '里'])

/** Joins a place and a chain inside one run of characters: "南京东路的星巴克", "南京东路有星巴克吗". */
export const LINK_WORDS = new Set(['的', '有', '在', '里'])

/** Thanks and goodbyes: a friendly word back, not a search. */
const THANKS = ['谢谢', '谢谢你', '谢谢您', '多谢', '感谢', '谢啦', '谢了', '好的', '好', '好滴', '嗯', '嗯嗯', '收到', '知道了', '明白', '再见', '拜拜',
  'thanks', 'thank you', 'thank u', 'thx', 'ty', 'ok', 'okay', 'great', 'cool', 'bye', 'goodbye']

const MORE = ['更多', '还有', '还有吗', '还有呢', '下一页', '下页', '再来', '再来点', '继续', '多一些', 'more', 'next', 'next page', 'show more']
const HELP = ['帮助', '怎么用', '使用说明', '说明', '你好', '您好', '你好呀', '在吗', '在不在', '嗨', '哈喽', '早上好', '晚上好',
  'help', 'hi', 'hello', 'hey', 'menu', '菜单', '?', '？']

const toKeys = (words: readonly string[]) => new Set(words.map(nameKey).filter(Boolean))

export const NEAR_ME_KEYS = toKeys(NEAR_ME)
/** Every filler phrase (near-me words included), by folded key. */
export const FILLER_KEYS = new Set([...NEAR_ME_KEYS, ...toKeys(CONNECTORS)])
/** The longest filler phrase, in units. */
export const MAX_FILLER_UNITS = 5
export const MORE_KEYS = toKeys(MORE)
export const HELP_KEYS = toKeys(HELP)
export const THANKS_KEYS = toKeys(THANKS)

/** Pinyin finals that begin a syllable with a vowel: written after an apostrophe (Jing'an, Xi'an). */
const VOWEL_SYLLABLES = new Set(['a', 'ai', 'an', 'ang', 'ao', 'e', 'ei', 'en', 'eng', 'er', 'o', 'ou'])
const PINYIN_SYLLABLE = /^[bcdfghjklmnpqrstwxyz]h?[aeiouv]{1,3}(?:n|ng|r)?$/

/**
 * "Jing an" → "Jingan": a vowel syllable typed as its own word after a pinyin syllable is the
 * second half of an apostrophe name (静安 is "Jing'an"). The same array when there is nothing to
 * join; "an" after a little word ("near an") stays a word.
 */
export function joinSyllables(units: readonly Unit[]): readonly Unit[] {
  let out: Unit[] | undefined
  for (let i = 1; i < units.length; i++) {
    const prev = (out ?? units)[out ? out.length - 1 : i - 1]!
    const u = units[i]!
    const joins = !u.cjk && !prev.cjk && /^\s+$/.test(u.sep) && VOWEL_SYLLABLES.has(u.text) && PINYIN_SYLLABLE.test(prev.text) && !FILLER_KEYS.has(prev.text)
    if (!joins) {
      out?.push(u)
      continue
    }
    out ??= units.slice(0, i)
    out[out.length - 1] = { ...prev, text: prev.text + u.text, raw: `${prev.raw}${u.sep}${u.raw}` }
  }
  return out ?? units
}
