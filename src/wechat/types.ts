/**
 * Inbound WeChat pushes as typed values. Protocol names (ToUserName, MsgId, …) stop at the parser;
 * everything past it uses these names. Every text value is the exact string sent: `msgId` above
 * 2^53 and Content such as "0755" are never turned into numbers (protocol doc §3).
 */
export interface Header {
  /** The account's original id (`gh_…`), the request's ToUserName. */
  readonly to: string
  /** The sender's OpenID, the request's FromUserName. */
  readonly from: string
  /** CreateTime exactly as sent (Unix seconds as decimal text). */
  readonly createTime: string
}

export interface TextMessage extends Header { readonly kind: 'text'; readonly msgId: string; readonly content: string }
export interface ImageMessage extends Header { readonly kind: 'image'; readonly msgId: string; readonly picUrl: string; readonly mediaId: string }
export interface VoiceMessage extends Header {
  readonly kind: 'voice'
  readonly msgId: string
  readonly mediaId: string
  readonly format: string
  /** Speech-to-text, when the account has recognition switched on and it produced something. */
  readonly recognition: string | undefined
}
export interface VideoMessage extends Header {
  readonly kind: 'video' | 'shortvideo'
  readonly msgId: string
  readonly mediaId: string
  readonly thumbMediaId: string
}
export interface LocationMessage extends Header {
  readonly kind: 'location'
  readonly msgId: string
  /** Location_X: latitude, in the datum of WeChat's map (GCJ-02 in mainland China). */
  readonly lat: number
  /** Location_Y: longitude. */
  readonly lng: number
  readonly scale: string
  readonly label: string
}
export interface LinkMessage extends Header { readonly kind: 'link'; readonly msgId: string; readonly title: string; readonly description: string; readonly url: string }

export interface SubscribeEvent extends Header {
  readonly kind: 'subscribe'
  /** QR scene value with the `qrscene_` prefix removed, when the follow came from a parametric QR. */
  readonly scene: string | undefined
  readonly ticket: string | undefined
}
export interface UnsubscribeEvent extends Header { readonly kind: 'unsubscribe' }
export interface ScanEvent extends Header { readonly kind: 'scan'; readonly scene: string; readonly ticket: string | undefined }
/** The automatic LOCATION report: store it, answer `success` only (protocol doc §3.3). */
export interface LocationReportEvent extends Header {
  readonly kind: 'location-report'
  readonly lat: number
  readonly lng: number
  readonly precision: string
}
export interface ClickEvent extends Header { readonly kind: 'click'; readonly key: string }
export interface ViewEvent extends Header { readonly kind: 'view'; readonly url: string; readonly menuId: string | undefined }
export interface LocationSelectEvent extends Header {
  readonly kind: 'location-select'
  readonly key: string
  readonly lat: number | undefined
  readonly lng: number | undefined
  readonly label: string
  readonly poiName: string
}
/** An event we parse generically (scancode_*, pic_*, job-finished, future ones). */
export interface OtherEvent extends Header { readonly kind: 'other-event'; readonly event: string }
/** A MsgType we do not know: kept as a value, answered with `success`. */
export interface UnknownMessage extends Header { readonly kind: 'unknown'; readonly msgType: string; readonly msgId: string | undefined }

export type UserMessage = TextMessage | ImageMessage | VoiceMessage | VideoMessage | LocationMessage | LinkMessage
export type EventMessage =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationReportEvent
  | ClickEvent
  | ViewEvent
  | LocationSelectEvent
  | OtherEvent
export type InboundMessage = UserMessage | EventMessage | UnknownMessage
