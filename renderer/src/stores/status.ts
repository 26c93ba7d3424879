/**
 * The workstation's sync status for the status bar: pushed by the core on every change, and re-read
 * on a slow timer so a reconnected bridge catches up without waiting for the next change.
 */
import { create } from 'zustand';
import type { WorkstationStatus } from '../../../main/common/index.ts';
import { hms } from '../lib/hms.ts';

interface StatusStore {
  status: WorkstationStatus | null;
  /** False while the page cannot reach its workstation process at all. */
  bridgeUp: boolean;
  refresh(): Promise<void>;
}

export const useStatus = create<StatusStore>((set) => ({
  status: null,
  bridgeUp: true,
  async refresh() {
    const r = await hms.sync.status();
    if (r.ok) set({ status: r.value, bridgeUp: true });
    else if (r.error.code === 'disconnected') set({ bridgeUp: false });
  },
}));

const REREAD_MS = 5000;

/** Starts following the core; call once. */
export function followStatus(): () => void {
  const { refresh } = useStatus.getState();
  void refresh();
  const off = hms.on('status', (status) => useStatus.setState({ status, bridgeUp: true }));
  const timer = setInterval(() => void refresh(), REREAD_MS);
  return () => {
    off();
    clearInterval(timer);
  };
}
