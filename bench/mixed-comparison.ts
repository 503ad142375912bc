// The mixed workload against the service (cache on) and the baseline replaying the same mix.
import type { CatalogSample } from './catalog-sample.js';
import { mixedWorkload } from './mixed.js';
import type { Started } from './processes.js';
import { sideBySide, sideBySideTable, startBaseline } from './side-by-side.js';

export async function mixedComparison(
  service: Started,
  sample: CatalogSample,
  tokens: { user: string; admin: string },
  folder: string,
  seconds: number,
): Promise<string[]> {
  const workload = await mixedWorkload(service.url, sample, tokens.user, tokens.admin);
  const baseline = await startBaseline(folder, 'mixed', workload.recordings);
  try {
    const { rows, results } = await sideBySide(service, baseline, [workload.load], seconds);
    const [ours, bare] = results[0] ?? [];
    if (!ours || !bare) return [];
    const ratio = ours.rps / bare.rps;
    const failures = ours.refused + ours.errors;
    const met = ratio >= 0.35 && ours.p99 <= 15 && failures === 0;
    return [
      sideBySideTable(rows),
      '',
      `- ${workload.distinctUrls} distinct URLs; ratio ${ratio.toFixed(2)} (target ≥ 0.35), p99 ${ours.p99} ms (target ≤ 15 ms), ${failures} errors or answers ≥ 400 (target 0) — ${met ? 'met' : 'NOT met'}`,
    ];
  } finally {
    await baseline.stop();
  }
}
