import { it } from '@jest/globals';

export type ItFn = (name: string, fn: Parameters<typeof it>[1], timeout?: number) => void;

/** The rule tools/run.mjs applies to REELFORGE_SKIP_CONTAINERS: in CI nothing may be skipped. */
const inCi = () => process.env.CI === 'true';

/**
 * `it` for a test that needs something from this machine (a browser, a terminal). When `missing`
 * names what is absent, the test is not quietly dropped: outside CI it is skipped with a banner on
 * stderr saying why and how to fix it; with CI=true it runs and fails with that message, because a
 * CI run that skips it proves nothing.
 */
export function itRequiring(missing: string | null, fix: string): ItFn {
  if (missing === null) return it;
  const reason = `${missing}. Fix: ${fix}.`;
  if (inCi()) {
    return (name, _fn, timeout) =>
      it(
        name,
        () => {
          throw new Error(`${reason} CI=true, so this test fails instead of being skipped.`);
        },
        timeout,
      );
  }
  return (name, fn, timeout) => {
    const line = '!'.repeat(100);
    process.stderr.write(`\n${line}\n!! SKIPPED: ${name}\n!! because ${reason}\n!! (With CI=true this test fails instead.)\n${line}\n\n`);
    it.skip(name, fn, timeout);
  };
}
