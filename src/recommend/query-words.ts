import { nameKey } from '../text/fold.js'

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

const MORE = ['更多', '还有', '还有吗', '还有呢', '下一页', '下页', '再来', '再来点', '继续', '多一些', 'more', 'next', 'next page', 'show more']
const HELP = ['帮助', '怎么用', '使用说明', '说明', '你好', '您好', '嗨', '哈喽', 'help', 'hi', 'hello', 'hey', 'menu', '菜单', '?', '？']

const toKeys = (words: readonly string[]) => new Set(words.map(nameKey).filter(Boolean))

export const NEAR_ME_KEYS = toKeys(NEAR_ME)
/** Every filler phrase (near-me words included), by folded key. */
export const FILLER_KEYS = new Set([...NEAR_ME_KEYS, ...toKeys(CONNECTORS)])
/** The longest filler phrase, in units. */
export const MAX_FILLER_UNITS = 5
export const MORE_KEYS = toKeys(MORE)
export const HELP_KEYS = toKeys(HELP)
