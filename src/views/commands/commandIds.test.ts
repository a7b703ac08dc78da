/**
 * package.json and the registered commands agree both ways: every contributed
 * command is one of the feature ids the extension registers (the composition
 * root's handlers are typed `AllCommandHandlers`, so every id has a handler),
 * every id is contributed, and every menu entry, palette rule and walkthrough
 * link names a contributed command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_GROUPS } from './commandIds';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command?: string; alt?: string; submenu?: string }[]>;
    walkthroughs?: unknown[];
    keybindings?: { command: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.commands.map((c) => c.command);
const ids = Object.values(COMMAND_GROUPS).flatMap((g) => Object.values(g) as string[]);

test('every id is in one feature only, and every contributed command is contributed once', () => {
  assert.equal(new Set(ids).size, ids.length, 'an id in two features');
  assert.equal(new Set(contributed).size, contributed.length, 'a command contributed twice');
});

test('the contributed commands are exactly the registered ids', () => {
  const registered = new Set(ids);
  assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed in package.json, registered by no feature');
  const declared = new Set(contributed);
  assert.deepEqual(ids.filter((c) => !declared.has(c)), [], 'registered, missing from contributes.commands');
});

test('every menu entry, palette rule and keybinding names a contributed command', () => {
  const declared = new Set(contributed);
  const unknown: string[] = [];
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const e of entries) {
      for (const c of [e.command, e.alt]) if (c !== undefined && !declared.has(c)) unknown.push(`${menu}: ${c}`);
    }
  }
  for (const k of manifest.contributes.keybindings ?? []) if (!declared.has(k.command)) unknown.push(`keybinding: ${k.command}`);
  assert.deepEqual(unknown, []);
});

test('the walkthrough\'s command links name contributed commands', () => {
  const links = [...JSON.stringify(manifest.contributes.walkthroughs ?? []).matchAll(/command:(runlens\.[A-Za-z.]+)/g)].map((m) => m[1]!);
  assert.ok(links.length > 0, 'the walkthrough links to commands');
  const declared = new Set(contributed);
  assert.deepEqual(links.filter((c) => !declared.has(c)), []);
});

test('every command has a title and the RunLens category', () => {
  const bad = manifest.contributes.commands.filter((c) => !c.title || c.category !== 'RunLens').map((c) => c.command);
  assert.deepEqual(bad, []);
});
