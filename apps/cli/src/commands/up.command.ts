import type { Config } from '@reelforge/config';
import { BULL_BOARD_PATH } from '../constants.js';
import { startDevStack } from '../dev-stack.js';

/** `npm start [-- --workers N]`: the API and N worker processes with embedded defaults, until Ctrl-C. */
export async function runUp(config: Config, workers: number, log: (line: string) => void): Promise<number> {
  const stack = await startDevStack({ config, port: config.http.port, log, appOutput: 'inherit', workers });
  log(`API:        ${stack.apiUrl}  (Authorization: Bearer ${stack.apiToken})`);
  log(`Bull Board: ${stack.apiUrl}${BULL_BOARD_PATH}`);
  stack.workerHealthUrls.forEach((url, i) => log(`Worker ${i + 1}:   ${url}  (GET /metrics beside it)`));
  log('Ctrl-C stops everything.');
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const outcome = await Promise.race([signalled, stack.exited]);
  await stack.stop();
  if (typeof outcome === 'string') return 0;
  log(`the ${outcome.app} process exited with code ${outcome.code}`);
  return 1;
}
