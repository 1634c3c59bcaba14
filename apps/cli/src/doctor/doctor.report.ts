export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, e.g. a version or a redacted URL; never a secret. */
  detail: string;
  /** How to fix it; present when `ok` is false. */
  fix?: string;
}

/** Pure: one line per check, `✓ name: detail` or `✗ name: detail → fix`, then a summary line. */
export function formatDoctorReport(checks: readonly CheckResult[]): string {
  const lines = checks.map((c) => (c.ok ? `✓ ${c.name}: ${c.detail}` : `✗ ${c.name}: ${c.detail}${c.fix ? ` → ${c.fix}` : ''}`));
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
  return lines.join('\n');
}

/** Removes the password from a connection URL so it can be printed. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}
