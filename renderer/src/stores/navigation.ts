/** Which screen is open. Few enough screens that a router would only add a dependency. */
import { create } from 'zustand';

export type View =
  | { name: 'patients' }
  | { name: 'register' }
  | { name: 'chart'; id: string }
  | { name: 'edit'; id: string }
  | { name: 'conflicts' }
  | { name: 'quarantine' }
  | { name: 'users' }
  | { name: 'workstations' }
  | { name: 'audit' };

interface NavigationStore {
  view: View;
  go(view: View): void;
}

export const useNavigation = create<NavigationStore>((set) => ({
  view: { name: 'patients' },
  go: (view) => set({ view }),
}));
