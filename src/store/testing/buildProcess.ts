/**
 * Child process of the stale-build test: opens the store, records a build of
 * a registered version as this process (`running`, its pid), prints
 * `build <id>` and then stays alive like a container build in progress until
 * it is killed.
 * Usage: node --import tsx buildProcess.ts <storeDir> <model> <version>
 */
import { RunStore } from '../runStore';

const [dir, name, version] = process.argv.slice(2);

try {
  const store = RunStore.open(dir!);
  const build = store.registry.addModelBuild({ name: name!, version: Number(version), tag: `${name}:${version}`, cli: 'docker', baseImage: 'node:20-bookworm-slim', contextDir: dir! });
  process.stdout.write(`build ${build.id}\n`);
  setInterval(() => undefined, 60_000);
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
