// The soak, run alone by npm run bench -- --soak.
import { sampleCatalog } from './catalog-sample.js';
import { soak } from './soak.js';
import { login, startService, users } from './service.js';

const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);

/** The mixed workload for SOAK_SECONDS against one service, its RSS sampled every 10 s. */
export async function soakCase(report: string[]): Promise<void> {
  const service = await startService();
  try {
    const tokens = {
      user: await login(service.url, users.user),
      admin: await login(service.url, users.admin),
    };
    const sample = await sampleCatalog(service.url, tokens.user);
    report.push('### Soak', '', ...(await soak(service, sample, tokens, SOAK_SECONDS)));
  } finally {
    await service.stop();
  }
}
