import type { Config } from '@reelforge/config';
import { migrate } from '@reelforge/db';

/** Runs pending migrations; App Platform's PRE_DEPLOY job and the compose `migrate` service call this. */
export async function runMigrate(config: Config, direction: 'up' | 'down', log: (line: string) => void): Promise<number> {
  if (!config.database.url) {
    log('error: DATABASE_URL is not set; point it at the database to migrate (npm start migrates the embedded one itself)');
    return 78;
  }
  const applied = await migrate({
    databaseUrl: config.database.url,
    caCert: config.database.caCert,
    schema: config.database.schema,
    direction,
    log: () => undefined,
  });
  log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
  return 0;
}
