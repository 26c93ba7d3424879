/**
 * Re-reading after the core says tables changed: a screen names the tables it shows and gets a
 * counter that moves whenever one of them changes (a sync brought rows, a write committed here).
 */
import { useEffect, useState } from 'react';
import { hms } from './hms.ts';

export function useTablesVersion(tables: readonly string[]): number {
  const [version, setVersion] = useState(0);
  const key = tables.join(',');
  useEffect(() => {
    const watched = new Set(key.split(','));
    return hms.on('change', (changed) => {
      if (changed.some((t) => watched.has(t))) setVersion((v) => v + 1);
    });
  }, [key]);
  return version;
}
