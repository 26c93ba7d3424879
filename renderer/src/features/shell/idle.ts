/** Locks the screen after a spell without keyboard or mouse: a ward PC is left on with a chart open. */
import { useEffect } from 'react';

/** Until the hospital's setting (`security.session_minutes`) is read from the core. */
export const AUTO_LOCK_MINUTES = 10;

export function useIdleLock(active: boolean, lock: () => void, minutes = AUTO_LOCK_MINUTES): void {
  useEffect(() => {
    if (!active) return;
    let timer = setTimeout(lock, minutes * 60_000);
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(lock, minutes * 60_000);
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, reset);
    };
  }, [active, lock, minutes]);
}
