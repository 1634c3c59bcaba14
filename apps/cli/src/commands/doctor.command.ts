import { runDoctorChecks, type DoctorRole } from '../doctor/doctor.checks.js';
import { formatDoctorReport } from '../doctor/doctor.report.js';

/** `reelforge doctor [--role api|worker]`: one line per check with ✓/✗ and a fix; exit 1 when any check fails. */
export async function runDoctor(json: boolean, role: DoctorRole): Promise<number> {
  const checks = await runDoctorChecks({ env: process.env, role });
  process.stdout.write(json ? `${JSON.stringify({ checks }, null, 2)}\n` : `${formatDoctorReport(checks)}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}
