// The human table of bench rows (Node console and the bench page).
import type { BenchRow, Skipped } from './stepBench';

const f = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function formatTable(rows: (BenchRow & { env?: string })[], skipped: (Skipped & { env?: string })[] = []): string {
  const header = ['env', 'backend', 'threads', 'config', 'size', 'ms/step', 'cpu ms', 'img/s', 'GFLOP/s', 'mm512', 'MFU', 'MFU cpu', 'kernels', 'readbk', 'uploads', 'drift (steps)'];
  const body = rows.map((r) => [
    r.env ?? '',
    r.backend,
    r.threads === null ? '-' : `${r.threads}${r.parallel === 'batch' ? ' batch' : ''}`,
    r.config,
    r.size,
    f(r.ms_per_step, 1),
    f(r.cpu_ms_per_step, 1),
    f(r.images_per_s, 0),
    f(r.gflops, 2),
    f(r.matmul_gflops, 2),
    f(r.mfu, 2),
    f(r.mfu_cpu, 2),
    f(r.kernels_per_step, 0),
    f(r.readbacks_per_step, 2),
    f(r.uploads_per_step, 1),
    `${r.tensor_drift} (${r.drift_from_step}->${r.drift_to_step})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  const out = [line(header), ...body.map(line)];
  for (const s of skipped) out.push(`skipped ${s.env ? `${s.env} ` : ''}${s.backend}${s.threads !== null && s.threads > 1 ? ` x${s.threads}${s.parallel === 'batch' ? ' batch' : ''}` : ''}/${s.config}/${s.size}: ${s.reason}`);
  return out.join('\n');
}
