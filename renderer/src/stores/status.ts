/**
 * The workstation's sync status for the status bar: pushed by the core on every change, and re-read
 * on a slow timer so a reconnected bridge catches up without waiting for the next change. Beside it,
 * the app's update as the Electron shell's updater says it (never in browser mode: no updater there).
 */
import { create } from 'zustand';
import type { UpdateState, WorkstationStatus } from '../../../main/common/index.ts';
import { hms } from '../lib/hms.ts';

interface StatusStore {
  status: WorkstationStatus | null;
  /** False while the page cannot reach its workstation process at all. */
  bridgeUp: boolean;
  /** The shell's last `update` event; null until it says one (always, in browser mode). */
  update: UpdateState | null;
  refresh(): Promise<void>;
}

export const useStatus = create<StatusStore>((set) => ({
  status: null,
  bridgeUp: true,
  update: null,
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
  const offUpdate = hms.on('update', (update) => useStatus.setState({ update }));
  const timer = setInterval(() => void refresh(), REREAD_MS);
  return () => {
    off();
    offUpdate();
    clearInterval(timer);
  };
}
