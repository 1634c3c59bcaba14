// Global setup of the container phase: the suite's Postgres and Redis (the containers reach them over
// the host network), then a Docker engine, the base image and both project images. Built once per run.
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import globalSetup from './global-setup.mjs';

const log = (line) => process.stderr.write(`[containers] ${line}\n`);

export default async function containersSetup() {
  await globalSetup();
  if (process.env.REELFORGE_CONTAINERS_SKIPPED) return;
  const root = path.resolve(import.meta.dirname, '..', '..');
  const { prepareContainerPhase } = await tsImport('../containers/container-phase.ts', import.meta.url);
  const phase = await prepareContainerPhase(root, log);
  Object.assign(process.env, phase.env);
  globalThis.__reelforgeContainers = phase;
}
