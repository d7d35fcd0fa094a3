// How runs, steps and tasks read in the tree, the status bar and the step lenses. Pure.

import type { RunProgress, StepItem } from './runs/data.js';

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line, shortened, for a message shown inline. */
export function oneLine(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The inline status of a step after a run: `✓ 6 tasks · 1.2 s`, `✗ failed: <message>`. */
export function stepStatusText(s: StepItem): string {
  switch (s.status) {
    case 'done':
      return `✓ ${plural(s.counts.total, 'task')} · ${formatDuration(s.durationMs)}`;
    case 'failed':
      return `✗ failed: ${oneLine(s.error ?? `${s.counts.failed} of ${s.counts.total} tasks failed`)}`;
    case 'running':
      return `⟳ running: ${s.counts.done}/${s.counts.total} tasks done`;
    default:
      return '· not run';
  }
}

/** The status bar while (and after) a run: steps and tasks done, running, failed. */
export function progressText(p: RunProgress): string {
  const icon = p.status === 'running' ? '$(sync~spin)' : p.status === 'succeeded' ? '$(pass)' : '$(error)';
  const c = p.counts;
  const failed = c.failed > 0 ? `, ${c.failed} failed` : '';
  return `${icon} ${p.pathspec}: ${p.stepsDone}/${p.stepsTotal} steps · ${c.done} tasks done, ${c.running} running${failed}`;
}

/** The codicon of a status in the tree. */
export function statusIcon(status: string): { id: string; color?: string } {
  switch (status) {
    case 'succeeded':
    case 'done':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'running':
      return { id: 'sync~spin', color: 'charts.blue' };
    default:
      return { id: 'circle-outline' };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
