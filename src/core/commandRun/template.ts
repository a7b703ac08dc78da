/**
 * `{{…}}` templates in a command run's `command` and `env` values:
 *
 * | template | value |
 * | --- | --- |
 * | `{{params.<key>}}` | the run's param `<key>` (a sweep trial's value in a sweep) |
 * | `{{python}}` | `$RUNLENS_PYTHON`, else `python3` (`python` on Windows) |
 * | `{{run_id}}` | the run's id |
 * | `{{experiment}}` | the run's experiment |
 * | `{{config_dir}}` | the folder holding the config file |
 *
 * A template is replaced inside one argument, after the command is split
 * into arguments, so a value with spaces or quotes stays one argument and is
 * never seen by a shell.
 */

/** The variables other than `params.<key>`. */
export const TEMPLATE_NAMES = ['python', 'run_id', 'experiment', 'config_dir'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** One `{{…}}` in a text, offsets end-exclusive; `name` is the trimmed inside. */
export interface TemplateRef {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export class TemplateError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Every `{{…}}` in `text`; throws `TemplateError` for a `{{` without its `}}`. */
export function findTemplates(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open < 0) return refs;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('"{{" is not closed with "}}"', open, text.length);
    refs.push({ name: text.slice(open + 2, close).trim(), start: open, end: close + 2 });
    from = close + 2;
  }
}

/** Why `name` is not a template this run can fill, or undefined when it is. */
export function templateProblem(name: string, paramKeys: readonly string[]): string | undefined {
  if ((TEMPLATE_NAMES as readonly string[]).includes(name)) return undefined;
  if (name.startsWith('params.')) {
    const key = name.slice('params.'.length);
    if (paramKeys.includes(key)) return undefined;
    return paramKeys.length === 0
      ? `{{${name}}}: the config has no params (add params: { ${key || 'key'}: … })`
      : `{{${name}}}: there is no param "${key}" (params: ${paramKeys.join(', ')})`;
  }
  const names = [...TEMPLATE_NAMES.map((n) => `{{${n}}}`), '{{params.<key>}}'].join(', ');
  return `unknown template {{${name}}} (known: ${names})`;
}

/** Replaces every template of `text` with `lookup(name)`; throws `TemplateError` for an unknown one. */
export function expandTemplates(text: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let last = 0;
  for (const ref of findTemplates(text)) {
    const value = lookup(ref.name);
    if (value === undefined) throw new TemplateError(`unknown template {{${ref.name}}}`, ref.start, ref.end);
    out += text.slice(last, ref.start) + value;
    last = ref.end;
  }
  return out + text.slice(last);
}
