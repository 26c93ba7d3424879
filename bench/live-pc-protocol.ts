/** What bench/propagation.ts and its live PCs (bench/live-pc-child.ts) say to each other. */
export interface LivePcConfig {
  role: 'writer' | 'reader';
  server: string;
  dataDir: string;
  key: string;
  code: string;
  user: string;
  password: string;
  /** CPU-profile the writes phase (from ready to stop) into this file. */
  profileFile?: string;
}

export type LivePcMessage =
  | { type: 'ready' }
  | { type: 'wrote'; i: number; id: string; at: number }
  | { type: 'upload'; sentAt: number; answeredAt: number; rowIds: string[] }
  | { type: 'seen'; id: string; at: number; responseAt: number | null }
  | { type: 'error'; message: string };

export type LivePcCommand = { type: 'write'; i: number } | { type: 'stop' };

/** Wall-clock milliseconds, sub-millisecond, the same clock in every process. */
export const wallNow = () => performance.timeOrigin + performance.now();

export const BENCH_MRN_PREFIX = 'P-BENCH-';
