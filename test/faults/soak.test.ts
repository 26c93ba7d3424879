/**
 * The crash soak, short (issue 9): ~50 SIGKILLs of a writing workstation, the server killed twice,
 * then every acknowledged write must be in Postgres exactly once and on both replicas, intact, with
 * nothing pending. `npm run soak` runs the 1,000-kill version (see soak.ts).
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.ts';

describe('crash soak', () => {
  it('loses, doubles and leaves pending nothing over 50 workstation kills and 2 server kills', async () => {
    const result = await runSoak({ kills: 50, serverKillEvery: 20, log: (line) => console.info(line) });
    console.info(result.summary);
    // Each problem names its round and the seed, to replay the run's choices with `npm run soak -- --seed`.
    expect(result.problems).toEqual([]);
    expect(result.kills).toBe(50);
    expect(result.serverKills).toBe(2);
    expect(result.killsAtStart).toBeGreaterThan(0);
    expect(result.killedBeforeReady, 'some kills landed before the workstation was ready').toBeGreaterThan(0);
    expect(result.writesAcknowledged).toBeGreaterThan(500);
  }, 300_000);
});
