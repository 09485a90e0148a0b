import { XMLParser } from 'fast-xml-parser'
import { AppError } from '../errors.js'
import type { Header, InboundMessage } from './types.js'

// One parser for the process: its options are fixed and it keeps no state between calls.
// parseTagValue:false keeps every value a string ("0755", MsgId > 2^53) — protocol doc §3.
const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

type Node = Record<string, unknown>

/** Parses the XML body of a WeChat push. Throws AppError WX_BAD_XML when it is not one. */
export function parseMessage(xml: string): InboundMessage {
  return toMessage(parseXmlObject(xml))
}

/**
 * XML text → the children of its `<xml>` root as a plain object. Refuses DOCTYPE/ENTITY (WeChat
 * never sends them; they are how entity-expansion and XXE attacks arrive) before parsing.
 *
 * One pass: the parser throws on what could do harm (unclosed CDATA, broken tags, reserved
 * names such as __proto__); a body that does not end with the root's closing tag (cut short,
 * or followed by more) is refused here, and the message checks refuse one without the fields
 * every push has. A separate well-formedness pass over every body before the parse cost about
 * a fifth as much again, and turned away nothing those checks let through that could matter.
 */
export function parseXmlObject(xml: string): Node {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw bad('document type declarations are not accepted')
  if (!/<\/xml>\s*$/.test(xml)) throw bad('not a complete <xml> document')
  let doc: unknown
  try {
    doc = parser.parse(xml)
  } catch (err) {
    // fast-xml-parser throws on reserved names such as __proto__ — refuse, do not crash.
    throw bad('XML refused by the parser', err)
  }
  const root = (doc as Node | undefined)?.xml
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw bad('the root element must be <xml>')
  return root as Node
}

function toMessage(root: Node): InboundMessage {
  const str = (node: Node, name: string): string => text(node[name])
  const header: Header = {
    to: str(root, 'ToUserName'),
    from: str(root, 'FromUserName'),
    createTime: str(root, 'CreateTime'),
  }
  const msgType = str(root, 'MsgType')
  if (!msgType) throw bad('MsgType is missing')
  if (!header.from || !header.to) throw bad('ToUserName or FromUserName is missing')
  const msgId = str(root, 'MsgId')

  switch (msgType.toLowerCase()) {
    case 'text':
      return { ...header, kind: 'text', msgId, content: str(root, 'Content') }
    case 'image':
      return { ...header, kind: 'image', msgId, picUrl: str(root, 'PicUrl'), mediaId: str(root, 'MediaId') }
    case 'voice':
      return {
        ...header,
        kind: 'voice',
        msgId,
        mediaId: str(root, 'MediaId'),
        format: str(root, 'Format'),
        recognition: str(root, 'Recognition') || undefined,
      }
    case 'video':
    case 'shortvideo':
      return {
        ...header,
        kind: msgType.toLowerCase() as 'video' | 'shortvideo',
        msgId,
        mediaId: str(root, 'MediaId'),
        thumbMediaId: str(root, 'ThumbMediaId'),
      }
    case 'location': {
      const lat = coordinate(str(root, 'Location_X'), 90)
      const lng = coordinate(str(root, 'Location_Y'), 180)
      if (lat === undefined || lng === undefined) throw bad('Location_X/Location_Y are not a valid latitude/longitude')
      return { ...header, kind: 'location', msgId, lat, lng, scale: str(root, 'Scale'), label: str(root, 'Label') }
    }
    case 'link':
      return {
        ...header,
        kind: 'link',
        msgId,
        title: str(root, 'Title'),
        description: str(root, 'Description'),
        url: str(root, 'Url'),
      }
    case 'event':
      return toEvent(root, header)
    default:
      return { ...header, kind: 'unknown', msgType, msgId: msgId || undefined }
  }
}

function toEvent(root: Node, header: Header): InboundMessage {
  const event = text(root.Event)
  const key = text(root.EventKey)
  const ticket = text(root.Ticket) || undefined
  // Event names are case-sensitive as sent (subscribe vs SCAN); compare case-insensitively.
  switch (event.toLowerCase()) {
    case 'subscribe':
      return { ...header, kind: 'subscribe', scene: key.startsWith('qrscene_') ? key.slice(8) || undefined : undefined, ticket }
    case 'unsubscribe':
      return { ...header, kind: 'unsubscribe' }
    case 'scan':
      return { ...header, kind: 'scan', scene: key, ticket }
    case 'location': {
      const lat = coordinate(text(root.Latitude), 90)
      const lng = coordinate(text(root.Longitude), 180)
      if (lat === undefined || lng === undefined) throw bad('Latitude/Longitude are not a valid position')
      return { ...header, kind: 'location-report', lat, lng, precision: text(root.Precision) }
    }
    case 'click':
      return { ...header, kind: 'click', key }
    case 'view':
      // The docs' table says MenuID, their sample MenuId: accept both (protocol doc §3.3).
      return { ...header, kind: 'view', url: key, menuId: text(root.MenuId) || text(root.MenuID) || undefined }
    case 'location_select': {
      const info = isNode(first(root.SendLocationInfo)) ? (first(root.SendLocationInfo) as Node) : {}
      return {
        ...header,
        kind: 'location-select',
        key,
        lat: coordinate(text(info.Location_X), 90),
        lng: coordinate(text(info.Location_Y), 180),
        label: text(info.Label),
        poiName: text(info.Poiname),
      }
    }
    default:
      return { ...header, kind: 'other-event', event }
  }
}

/** A repeated element comes back as an array: the first occurrence wins, consistently. */
function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v
}

function text(v: unknown): string {
  const value = first(v)
  return typeof value === 'string' ? value : ''
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function coordinate(raw: string, limit: number): number | undefined {
  if (!/^\s*[-+]?\d+(\.\d+)?\s*$/.test(raw)) return undefined
  const n = Number(raw)
  return Math.abs(n) <= limit ? n : undefined
}

function bad(message: string, cause?: unknown): AppError {
  return new AppError('WX_BAD_XML', message, 400, cause === undefined ? undefined : { cause })
}
