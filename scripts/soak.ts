/**
 * `npm run soak [-- --kills N] [--server-kill-every K] [--seed S] [--keep]`: the crash soak of
 * issue 9 (test/faults/soak.ts), by default 1,000 workstation kills and the server killed every 25th
 * round. Prints progress and one summary line; exits 1 when a check failed (the seed replays the
 * run's random choices; the files are kept for inspection).
 */
import { runSoak } from '../test/faults/soak.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} takes a whole number`);
    process.exit(2);
  }
  return value;
}

const seedAt = process.argv.indexOf('--seed');
const result = await runSoak({
  kills: option('--kills', 1_000),
  serverKillEvery: option('--server-kill-every', 25),
  ...(seedAt >= 0 ? { seed: option('--seed', 0) } : {}),
  keep: process.argv.includes('--keep'),
  log: (line) => console.log(line),
});
for (const p of result.problems) console.error(`PROBLEM: ${p}`);
console.log(result.summary);
process.exit(result.problems.length ? 1 : 0);
