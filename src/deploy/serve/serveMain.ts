import { parseLogRate, parseMaxMb, parseSampleRate } from './requestLog';
import { readModelPackage, startServing } from './startServing';

const USAGE = 'usage: node dist/serve.js <model.json> [--port N] [--host H] [--max-body-bytes N] [--request-log FILE] [--log-sample-rate R] [--log-rate N] [--log-max-mb N]';

/** Command-line options of the serve entry. */
export interface ServeArgs {
  readonly modelPath: string;
  readonly port?: number;
  readonly host?: string;
  readonly maxBodyBytes?: number;
  readonly requestLogFile?: string;
  readonly logSampleRate?: number;
  readonly logMaxBytes?: number;
  /** `--log-rate`: most requests logged per second; 0 = every request. */
  readonly logRate?: number;
}

/** Parses `<model.json> [--port N] [--host H] [--max-body-bytes N]`; throws with the usage on bad input. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  let modelPath: string | undefined;
  const out: { port?: number; host?: string; maxBodyBytes?: number; requestLogFile?: string; logSampleRate?: number; logMaxBytes?: number; logRate?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const int = (v: string, max: number): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${flag}: "${v}" is not a valid number\n${USAGE}`);
      return n;
    };
    if (flag === '--port') out.port = int(value(), 65535);
    else if (flag === '--host') out.host = value();
    else if (flag === '--max-body-bytes') out.maxBodyBytes = int(value(), Number.MAX_SAFE_INTEGER);
    else if (flag === '--request-log') out.requestLogFile = value();
    else if (flag === '--log-sample-rate') out.logSampleRate = parseSampleRate(value(), USAGE);
    else if (flag === '--log-rate') out.logRate = parseLogRate(value(), USAGE);
    else if (flag === '--log-max-mb') out.logMaxBytes = parseMaxMb(value(), USAGE);
    else if (flag.startsWith('-')) throw new Error(`unknown option ${flag}\n${USAGE}`);
    else if (modelPath === undefined) modelPath = a;
    else throw new Error(`unexpected argument "${a}"\n${USAGE}`);
  }
  if (modelPath === undefined) throw new Error(USAGE);
  return { modelPath, ...out };
}

async function main(): Promise<void> {
  try {
    const args = parseServeArgs(process.argv.slice(2));
    await startServing(readModelPackage(args.modelPath), args);
  } catch (e) {
    process.stderr.write(`runlens serve: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

// Only when run as the bundle entry (`node dist/serve.js`), not when imported by tests.
if (process.argv[1] !== undefined && /serveMain\.[cm]?[jt]s$|serve\.js$/.test(process.argv[1])) void main();
