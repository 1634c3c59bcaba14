// Run by orphan-guard.spec.ts as a separate Node process (through tsx): starts a ten-minute ffmpeg
// and prints its pid, then waits to be SIGKILLed by the test.
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { runFfmpeg } from '../../src/index.js';

const mode = process.argv[2];
const guard: OrphanGuard = mode === 'unguarded' ? { kind: 'none', warning: 'orphan test control' } : await detectOrphanGuard();

await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'quiet', '-nostats', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '600', '-f', 'null', '-'], {
  orphanGuard: guard,
  onSpawn: (pid) => process.stdout.write(`${guard.kind} ${pid}\n`),
});
