import { XMLParser, XMLValidator } from 'fast-xml-parser'

const parser = new XMLParser({ parseTagValue: false, isArray: name => name === 'item' })

/** Parses reply XML strictly (throws when not well-formed) into its <xml> children. */
export function readReply(xml: string): Record<string, any> {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new Error(`reply is not well-formed XML: ${JSON.stringify(valid.err)}\n${xml}`)
  return parser.parse(xml).xml
}
