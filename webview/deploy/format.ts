import { h } from '../shared/dom';

/** A vscode-button (secondary unless `primary`); the label is data-safe text. */
export function button(label: string, iconName: string, onClick: () => void, secondary = true): HTMLElement {
  const b = h('vscode-button', { attrs: { icon: iconName, ...(secondary ? { secondary: '' } : {}) } }, label);
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function seconds(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`;
}

export function num(v: number | null, digits: number, unit = ''): string {
  return v === null || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`;
}

export function percent(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}
