// Child processes that die with their parent, and free local ports: for the worker's ffmpeg, the
// embedded services, the CLI's dev stack, benchmarks and tests.
export { detectOrphanGuard, type DetectOrphanGuardOptions } from './orphan-guard.detector.js';
export { guardCommand, guardExecFailure, spawnGuarded, type OrphanGuard } from './orphan.guard.js';
export { freePort } from './free-port.js';
