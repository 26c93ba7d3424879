/** Locks the screen after a spell without keyboard or mouse: a ward PC is left on with a chart open. */
import { useEffect } from 'react';

/** Locks after `minutes` idle (the core's `session.policy`); null: not known yet, not armed. */
export function useIdleLock(minutes: number | null, lock: () => void): void {
  useEffect(() => {
    if (minutes === null) return;
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
  }, [lock, minutes]);
}
