/**
 * The place names replies offer as examples ("例如“人民广场”“外滩 咖啡”"). They must be names the
 * account's own data answers, so an account elsewhere names its own (`examples` in the accounts
 * file: a Hangzhou account offers 西湖, not 人民广场). The defaults suit the demo catalogue and
 * gazetteer, which are Shanghai's.
 */
export const DEFAULT_EXAMPLES: readonly string[] = ['人民广场', '外滩']

/** The two names a text uses: the first and the second (the first again when only one is given). */
export function twoExamples(examples: readonly string[] | undefined): readonly [string, string] {
  const list = examples && examples.length > 0 ? examples : DEFAULT_EXAMPLES
  return [list[0]!, list[1] ?? list[0]!]
}
