import globalTeardown from './global-teardown.mjs';

export default async function containersTeardown() {
  await globalThis.__reelforgeContainers?.finish();
  await globalTeardown();
}
