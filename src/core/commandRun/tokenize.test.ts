import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CommandSyntaxError, formatCommandLine, tokenizeCommand } from './tokenize';

const words = (text: string) => tokenizeCommand(text).tokens.map((t) => t.value);

test('whitespace separates words; runs of it count once', () => {
  assert.deepEqual(words('  python   train.py\t--epochs 20 \n'), ['python', 'train.py', '--epochs', '20']);
  assert.deepEqual(words(''), []);
});

test('quotes group words and join with what touches them', () => {
  assert.deepEqual(words(`python train.py --name "two words" --note 'it''s' --x="a b"c`), ['python', 'train.py', '--name', 'two words', '--note', 'its', '--x=a bc']);
  assert.deepEqual(words(`echo '' ""`), ['echo', '', '']);
});

test('single quotes are literal; double quotes unescape only \\" \\\\ \\$ \\`', () => {
  assert.deepEqual(words(String.raw`a '\n $HOME "x"'`), ['a', String.raw`\n $HOME "x"`]);
  assert.deepEqual(words(String.raw`a "say \"hi\" \\ \$5 \n"`), ['a', String.raw`say "hi" \ $5 \n`]);
  assert.deepEqual(words(String.raw`a b\ c d\"e`), ['a', 'b c', 'd"e']);
});

test('splits like a POSIX shell does (checked against sh itself)', (t) => {
  const sh = spawnSync('sh', ['-c', 'true']);
  if (sh.error) return t.skip('no sh on this system');
  const samples = [
    `python "a b" 'c d' e\\ f`,
    `x --k="v 1" '"q"' "it's" a""b ''`,
    String.raw`p "\\x" '\\y' \z "\$v" "\`"`,
  ];
  for (const sample of samples) {
    // printf '%s\0' prints each word the shell split, NUL-terminated; no expansion happens in these samples.
    const out = spawnSync('sh', ['-c', `printf '%s\\0' ${sample}`], { encoding: 'utf8' }).stdout;
    assert.deepEqual(words(sample), out.split('\0').slice(0, -1), sample);
  }
});

test('token offsets point into the text', () => {
  const { tokens } = tokenizeCommand(`run "a b" c`);
  assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[0, 3], [4, 9], [10, 11]]);
});

test('an unclosed quote or a trailing backslash is an error with its offset', () => {
  assert.throws(() => tokenizeCommand(`python "train.py`), (e: unknown) => e instanceof CommandSyntaxError && e.start === 7 && /unclosed double quote/.test(e.message));
  assert.throws(() => tokenizeCommand(`a 'b`), (e: unknown) => e instanceof CommandSyntaxError && e.start === 2 && /unclosed single quote/.test(e.message));
  assert.throws(() => tokenizeCommand('a b\\'), (e: unknown) => e instanceof CommandSyntaxError && e.start === 3);
});

test('shell syntax is passed on as arguments, with a warning at its position', () => {
  const { tokens, warnings } = tokenizeCommand('python a.py | tee log > out && echo $HOME "$(date)"');
  assert.deepEqual(tokens.map((t) => t.value), ['python', 'a.py', '|', 'tee', 'log', '>', 'out', '&&', 'echo', '$HOME', '$(date)']);
  assert.deepEqual(warnings.map((w) => [w.start, w.message.split(' ')[0]]), [[12, '"|"'], [22, '">"'], [28, '"&&"'], [36, 'environment'], [43, 'command']]);
  // Quoted, they are plain text: no warning.
  assert.deepEqual(tokenizeCommand(`grep '|' '$HOME' "{{x}}"`).warnings, []);
});

test('formatCommandLine quotes what a shell would split or expand', () => {
  assert.equal(formatCommandLine(['python3', 'train.py', '--lr=0.1', 'two words', "it's", '$HOME', '']), `python3 train.py --lr=0.1 'two words' 'it'\\''s' '$HOME' ''`);
  // The formatted line splits back into the same words.
  const argv = ['a b', `q"uote`, 'x\\y', "'"];
  assert.deepEqual(words(formatCommandLine(argv)), argv);
});
