/** Waiting for asynchronous things (sync, shapes) in tests, with a deadline and a readable failure. */

/** Polls `check` until it holds (sync is asynchronous); fails with `what` after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}
