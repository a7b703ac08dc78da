/**
 * examples/ci (#18.3): the GitHub Actions workflow and the GitLab CI file
 * cannot run here, so this checks what can go stale: every `runlens` command
 * in them exists with the flags they give it (commandSpecs.ts, which
 * commandHelp.test.ts keeps equal to what each command parses), the gates
 * parse, and each file does the four things it is for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tokenizeCommand } from '../core/commandRun/tokenize';
import { parseFilter } from '../core/query/parseFilter';
import { COMMAND_SPECS } from './commandSpecs';

const DIR = join(__dirname, '..', '..', 'examples', 'ci');
const FILES = ['github-actions.yml', 'gitlab-ci.yml'];

/** Every string in a parsed YAML document. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

/** The `runlens …` invocations of a file's scripts, as argument lists (shell line continuations joined, redirections cut). */
function invocations(file: string): string[][] {
  const doc = parse(readFileSync(join(DIR, file), 'utf8')) as unknown;
  const lines = strings(doc).flatMap((s) => s.replace(/\\\n\s*/g, ' ').split('\n'));
  return lines
    .map((l) => /(?:^|[\s;&|(])runlens\s+(.*)$/.exec(l)?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .map((rest) => {
      const words = tokenizeCommand(rest).tokens.map((t) => t.value);
      const end = words.findIndex((w) => /^(>>?|<|\||&&|;)/.test(w));
      return end < 0 ? words : words.slice(0, end);
    });
}

for (const file of FILES) {
  test(`${file}: every runlens command exists with the flags it is given`, () => {
    const calls = invocations(file);
    assert.ok(calls.length >= 6, `found ${calls.length} runlens commands`);
    for (const args of calls) {
      const [name, ...rest] = args;
      const spec = COMMAND_SPECS[name!];
      assert.ok(spec, `runlens ${name} is not a command`);
      if (name === 'model') assert.ok(spec.args.split(' | ').some((form) => form.startsWith(`${rest[0]} `)), `runlens model ${rest[0]} is not a subcommand`);
      const known = new Set(spec.flags.map((f) => /^--[a-z-]+/.exec(f.flag)![0]));
      for (const a of rest.filter((x) => x.startsWith('--'))) {
        const flag = a.split('=')[0]!;
        assert.ok(known.has(flag), `runlens ${name} has no ${flag} (in ${file}: runlens ${args.join(' ')})`);
      }
      const value = (flag: string) => rest.flatMap((x, i) => (x === flag ? [rest[i + 1]!] : x.startsWith(`${flag}=`) ? [x.slice(flag.length + 1)] : []));
      for (const gate of value('--gate')) assert.doesNotThrow(() => parseFilter(gate), gate);
      for (const f of value('--fail-on')) assert.match(f, /^(drift=large|drift=moderate|rows|schema)$/);
      for (const f of value('--format')) assert.match(f, /^(md|html)$/);
    }
  });

  test(`${file}: trains with a gate, checks the data with --fail-on, smoke-tests the image, reports in Markdown`, () => {
    const calls = invocations(file).map((a) => a.join(' '));
    assert.ok(calls.some((c) => /^train .*--gate /.test(c)), 'train --gate');
    assert.ok(calls.some((c) => /^diff .*--fail-on /.test(c)), 'diff --fail-on');
    assert.ok(calls.some((c) => /^smoke .*--target image/.test(c)), 'smoke --target image');
    assert.ok(calls.some((c) => /^report .*--format md/.test(c)), 'report --format md');
    const text = readFileSync(join(DIR, file), 'utf8');
    // The report is posted where reviewers read it.
    assert.match(text, file.startsWith('github') ? /gh pr comment .*--body-file report\.md/ : /merge_requests\/\$CI_MERGE_REQUEST_IID\/notes/);
  });
}
