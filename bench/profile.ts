/**
 * CPU profiling of a phase of this process (node:inspector), and a summary of a `.cpuprofile`:
 * self time by function and by file, so a report can say where the time goes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export class CpuProfiler {
  private session: Session | null = null;
  readonly files: string[] = [];

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  async stop(name: string): Promise<string | null> {
    if (!this.session) return null;
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    this.session = null;
    const file = join(this.dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    this.files.push(file);
    return file;
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byFunction: { name: string; selfMs: number; pct: number }[];
  byFile: { file: string; selfMs: number; pct: number }[];
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*\/work\/main\//, '') || '(native)';

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += ms;
    let name = n.callFrame.functionName || '(anonymous)';
    // A native frame (better-sqlite3's statement execution shows as a mislabelled native symbol)
    // is named after the JS function that called it.
    if (!n.callFrame.url && !name.startsWith('(')) {
      const up = parentOf.get(id);
      name = `[native] ${up ? `${up.callFrame.functionName || '(anonymous)'} ${shortUrl(up.callFrame.url)}` : name}`;
    }
    if (name === '(idle)') idle += ms;
    const where = shortUrl(n.callFrame.url);
    const key = `${name} ${where}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    files.set(where, (files.get(where) ?? 0) + ms);
  }
  const busy = total - idle || 1;
  const rank = <K extends string>(m: Map<string, number>, k: K) =>
    [...m.entries()]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ [k]: name, selfMs: Math.round(ms), pct: Math.round((ms / busy) * 1000) / 10 }));
  return {
    totalMs: Math.round(total),
    idleMs: Math.round(idle),
    byFunction: rank(fn, 'name') as ProfileSummary['byFunction'],
    byFile: rank(files, 'file') as ProfileSummary['byFile'],
  };
}
