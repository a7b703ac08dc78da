import type { TableRow } from '../../src/protocol/compare';
import type { AxisScale } from '../../src/views/compare/axisValues';
import { axisScale } from '../../src/views/compare/axisValues';
import { h } from '../shared/dom';

/** A table row offered as a chart axis, e.g. `param:max_depth`. */
export interface AxisChoice {
  readonly id: string;
  readonly label: string;
  readonly row: TableRow;
  readonly scale: AxisScale;
}

export function axisChoices(table: readonly TableRow[], groups: readonly ('param' | 'metric')[]): AxisChoice[] {
  return groups.flatMap((g) =>
    table
      .filter((r) => r.group === g)
      .map((row) => ({ id: `${g}:${row.key}`, label: `${g === 'param' ? 'param' : 'metric'}: ${row.key}`, row, scale: axisScale(row.values) })),
  );
}

/** The saved choice when still offered, else the first that `prefer` likes, else the first. */
export function pickChoice(choices: readonly AxisChoice[], saved: string | undefined, ...prefer: ((c: AxisChoice) => boolean)[]): AxisChoice | undefined {
  const kept = choices.find((c) => c.id === saved);
  if (kept) return kept;
  for (const p of prefer) {
    const hit = choices.find(p);
    if (hit) return hit;
  }
  return choices[0];
}

/** A vscode-single-select listing the choices (labels are data: text nodes only). */
export function choiceSelect(label: string, choices: readonly AxisChoice[], selected: string | undefined, onChange: (id: string) => void): HTMLElement {
  const select = h('vscode-single-select', { attrs: { 'aria-label': label } });
  for (const c of choices) {
    const opt = h('vscode-option', { attrs: { value: c.id } }, c.label);
    if (c.id === selected) opt.setAttribute('selected', '');
    select.appendChild(opt);
  }
  select.addEventListener('change', () => onChange(select.value));
  return h('label', { className: 'control' }, `${label} `, select);
}

/** Tick text of a scale value: the category name, or the number. */
export function tickText(scale: AxisScale, v: number, format: (n: number) => string): string {
  if (scale.kind === 'numeric') return format(v);
  return Number.isInteger(v) ? (scale.categories[v] ?? '') : '';
}
