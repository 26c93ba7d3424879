/**
 * Memory of this process, in MB (10^6 bytes): what the OS charges it (RSS, and its peak so far) and
 * what V8 holds. `settledMemory()` first lets pending work run and, when the process was started with
 * `--expose-gc`, collects garbage twice, so heap figures count live objects rather than whatever the
 * last import left for the next collection.
 */
import { readFileSync } from 'node:fs';

export interface MemorySample {
  rssMb: number;
  /** The highest RSS of the process so far (getrusage ru_maxrss). */
  peakRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** C++ objects bound to JS (buffers); SQLite's own allocations are in RSS only. */
  externalMb: number;
  /**
   * Linux: RSS split into anonymous memory (heaps: V8's and malloc's, SQLite's page cache among it),
   * file-backed pages (the node binary, shared libraries) and shared memory (SQLite's WAL index).
   */
  rss: { anonMb: number; fileMb: number; shmemMb: number } | null;
  gc: boolean;
}

const mb = (bytes: number) => Math.round(bytes / 1e4) / 100;

function rssParts(): MemorySample['rss'] {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    anonMb: mb(kb('RssAnon') * 1024),
    fileMb: mb(kb('RssFile') * 1024),
    shmemMb: mb(kb('RssShmem') * 1024),
  };
}

export function sampleMemory(gc = false): MemorySample {
  const m = process.memoryUsage();
  return {
    rssMb: mb(m.rss),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    rss: rssParts(),
    gc,
  };
}

export async function settledMemory(waitMs = 0): Promise<MemorySample> {
  await new Promise((r) => setTimeout(r, waitMs));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return sampleMemory(gc !== undefined);
}
