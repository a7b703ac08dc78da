/**
 * Reads build steps out of a container CLI's output, so a failed build can
 * name the step that failed (`step 4/9: COPY model/model.json ...`).
 */

export interface BuildStep {
  /** 1-based position in the Dockerfile's stage. */
  readonly index: number;
  /** Number of steps, when the CLI prints it. */
  readonly total: number | null;
  /** The Dockerfile instruction as the CLI printed it, e.g. `COPY server/serve.js /app/server/serve.js`. */
  readonly instruction: string;
}

export function formatStep(step: BuildStep): string {
  return `step ${step.index}${step.total !== null ? `/${step.total}` : ''} (${step.instruction})`;
}

/**
 * Tracks the steps of one build's output, line by line. buildah and podman
 * print `STEP 3/9: COPY ...`; docker's classic builder `Step 3/9 : COPY ...`;
 * BuildKit `#5 [3/9] COPY ...` (or `#5 [stage 3/9] ...`), then `#5 ERROR: ...`
 * for the vertex that failed, which may not be the last one started since
 * BuildKit runs steps in parallel.
 */
export class BuildStepTracker {
  readonly steps: BuildStep[] = [];
  private readonly vertices = new Map<string, BuildStep>();
  private failedVertex: BuildStep | undefined;
  private lastError: string | undefined;

  /** Feeds one output line; returns the step it starts, if it starts one. */
  push(line: string): BuildStep | undefined {
    const text = line.trimEnd();
    const step = /^STEP (\d+)(?:\/(\d+))?: (.+)$/.exec(text) ?? /^Step (\d+)(?:\/(\d+))? : (.+)$/.exec(text);
    if (step) return this.add({ index: Number(step[1]), total: step[2] ? Number(step[2]) : null, instruction: step[3]!.trim() });
    const kit = /^#(\d+) \[(?:[^\]\s]+ )?(\d+)\/(\d+)\] (.+)$/.exec(text);
    if (kit) {
      const known = this.vertices.get(kit[1]!);
      if (known) return undefined;
      const s = this.add({ index: Number(kit[2]), total: Number(kit[3]), instruction: kit[4]!.trim() });
      this.vertices.set(kit[1]!, s);
      return s;
    }
    const kitError = /^#(\d+) ERROR:? (.*)$/.exec(text);
    if (kitError) {
      this.failedVertex ??= this.vertices.get(kitError[1]!);
      this.lastError = kitError[2]!.trim();
      return undefined;
    }
    if (/^(error|Error|ERROR)\b/.test(text)) this.lastError = text.replace(/^(error|Error|ERROR):?\s*/, '');
    return undefined;
  }

  private add(s: BuildStep): BuildStep {
    this.steps.push(s);
    return s;
  }

  /** The step a failed build failed in: BuildKit's erroring vertex, else the last step started. */
  failedStep(): BuildStep | undefined {
    return this.failedVertex ?? this.steps[this.steps.length - 1];
  }

  /** The last error line the CLI printed, without its `Error:` prefix. */
  errorLine(): string | undefined {
    return this.lastError;
  }
}
