import { meaningfulStderrLines } from './stderr.summary.js';

/**
 * Why an ffmpeg run failed, judged from its stderr only.
 * - `invalid_media`: the input is broken or unsupported; retrying the same file cannot help.
 * - `bad_arguments`: this ffmpeg build rejects the command (unknown encoder/filter/option); retrying
 *   cannot help either until the deployment or the argument builder changes.
 * - `transient`: anything else (disk full, out of memory, I/O, unknown); worth a retry.
 */
export type FfmpegFailureKind = 'invalid_media' | 'bad_arguments' | 'transient';

export interface FfmpegFailure {
  kind: FfmpegFailureKind;
  retryable: boolean;
  /** The stderr line that decided the kind (addresses like `@ 0x55…` removed), or null when nothing matched. */
  evidence: string | null;
}

interface Rule {
  kind: FfmpegFailureKind;
  pattern: RegExp;
}

// Order matters: resource faults win over decode noise (a file with a few damaged frames that then
// hits a full disk is still retryable), and argument faults win over media faults.
const RULES: readonly Rule[] = [
  {
    kind: 'transient',
    pattern:
      /No space left on device|Cannot allocate memory|Out of memory|Resource temporarily unavailable|Too many open files|Input\/output error|Connection (?:refused|reset|timed out)|Broken pipe/i,
  },
  {
    kind: 'bad_arguments',
    pattern:
      /Unknown encoder|Encoder not found|No such filter|Filter not found|Unrecognized option|Option not found|Error parsing (?:global options|options for)|Unable to find a suitable output format|Error while opening encoder|not divisible by 2|matches no streams|does not contain any stream|Error (?:initializing|reinitializing) (?:complex )?filters?/i,
  },
  {
    kind: 'invalid_media',
    pattern:
      /Invalid data found when processing input|moov atom not found|could not find codec parameters|Error while decoding|error while decoding MB|Invalid NAL unit size|Error splitting the input into NAL units|partial file|Decoder \(codec .*\) not found|no decoder found|Unsupported codec|Invalid frame dimensions|non-existing PPS|corrupt(?:ed)? (?:input|frame|packet|macroblock|decoded frame)|Header missing|Invalid PCM packet|Format not on whitelist/i,
  },
];

/** Pure: maps an ffmpeg stderr tail to a failure kind. Lines near the end weigh most. */
export function classifyFfmpegFailure(stderrTail: string): FfmpegFailure {
  const lines = meaningfulStderrLines(stderrTail);
  for (const rule of RULES) {
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const line = lines[i] as string;
      if (rule.pattern.test(line)) {
        return { kind: rule.kind, retryable: rule.kind === 'transient', evidence: line };
      }
    }
  }
  return { kind: 'transient', retryable: true, evidence: null };
}
