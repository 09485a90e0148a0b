/**
 * Prints the hottest functions of a V8 .cpuprofile (from `node --cpu-prof`): self time and
 * total (inclusive) time, so a missed target can be traced to the frames that cost it.
 *   npx tsx scripts/bench/profile-top.ts bench/out/profiles/CPU.*.cpuprofile [--top 25]
 * Also self time by file (or package), which shows which part of the code the time goes to.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

// Piped into head: stop quietly when the reader has had enough.
process.stdout.on('error', () => process.exit(0))

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } })

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...selfUs.values()].reduce((s, x) => s + x, 0)
  const label = (n: Node) => {
    const f = n.callFrame
    const where = f.url ? `${relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : ''
    return `${f.functionName || '(anonymous)'} ${where}`.trim()
  }
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const key = label(byId.get(id)!)
    self.set(key, (self.get(key) ?? 0) + us)
    // Inclusive time: every distinct frame on the stack gets the sample once.
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!)
      if (seen.has(k)) continue
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + us)
    }
  }
  const top = Number(values.top)
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (${file}, ${(total / 1000).toFixed(0)} ms sampled)\n`)
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}\n`)
    }
  }
  const byFile = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const url = byId.get(id)!.callFrame.url.replace(/^file:\/\//, '')
    // A package counts as one; our own files one by one; natives and V8 by their frame name.
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
    const key = pkg ? `[${pkg}]` : url ? relative(process.cwd(), url) : `(${byId.get(id)!.callFrame.functionName || 'native'})`
    byFile.set(key, (byFile.get(key) ?? 0) + us)
  }
  show('self time', self)
  show('self time by file', byFile)
  show('total time', inclusive)
}
