// The database path, uncached, against the baseline (part of a full run).
import { sampleCatalog } from './catalog-sample.js';
import { login, folder, SECONDS, serviceEnv, startService, users } from './service.js';
import { uncachedComparison } from './uncached.js';

/** The database path: a second service on the same database with RESPONSE_CACHE_MB=0. */
export async function uncachedCases(report: string[]): Promise<void> {
  const service = await startService({ ...serviceEnv, RESPONSE_CACHE_MB: '0' });
  try {
    const token = await login(service.url, users.user);
    const sample = await sampleCatalog(service.url, token);
    report.push(
      '',
      '### Uncached (RESPONSE_CACHE_MB=0) against the baseline',
      '',
      ...(await uncachedComparison(service, sample, token, folder, SECONDS)),
    );
  } finally {
    await service.stop();
  }
}
