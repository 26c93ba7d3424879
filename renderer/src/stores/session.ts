/**
 * Who is at this PC and what the app may show: first-run setup, sign-in, the signed-in user, and the
 * lock that inactivity (or a colleague's "switch user") puts over the screen.
 */
import { create } from 'zustand';
import type { SessionUser, SetupState } from '../../../main/common/index.ts';
import { hms, unwrap } from '../lib/hms.ts';
import { useNavigation } from './navigation.ts';

type Phase = 'loading' | 'unreachable' | 'unlock' | 'setup' | 'signin' | 'ready';

interface SessionStore {
  phase: Phase;
  setup: SetupState | null;
  user: SessionUser | null;
  /** The screen is covered; the user (or another) signs in again to go on. Unsent writes keep uploading. */
  locked: boolean;
  problem: string | null;
  load(): Promise<void>;
  enrolled(state: SetupState): void;
  signedIn(user: SessionUser): void;
  lock(): void;
  signOut(): Promise<void>;
}

export const useSession = create<SessionStore>((set, get) => ({
  phase: 'loading',
  setup: null,
  user: null,
  locked: false,
  problem: null,

  async load() {
    try {
      const setup = await unwrap(hms.setup.state());
      if (setup.locked) return set({ phase: 'unlock', setup, problem: null });
      if (!setup.enrolled) return set({ phase: 'setup', setup, problem: null });
      const user = await unwrap(hms.session.current());
      set({ setup, user, phase: user ? 'ready' : 'signin', problem: null });
    } catch (e) {
      set({ phase: 'unreachable', problem: e instanceof Error ? e.message : String(e) });
    }
  },

  enrolled(setup) {
    set({ setup, phase: 'signin' });
  },

  signedIn(user) {
    // Someone else at the PC starts from the registry, never on the previous user's open chart.
    if (get().user?.id !== user.id) useNavigation.getState().go({ name: 'patients' });
    set({ user, phase: 'ready', locked: false });
  },

  lock() {
    if (get().phase !== 'ready') return;
    set({ locked: true });
    // The core holds the lock too: a reload or a second window shows the sign-in, not the work.
    void hms.session.lock();
  },

  async signOut() {
    await hms.session.logout();
    useNavigation.getState().go({ name: 'patients' });
    set({ user: null, phase: 'signin', locked: false });
  },
}));
