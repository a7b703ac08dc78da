/**
 * The page's stylesheet, adopted as a constructable stylesheet (CSP allows
 * those without 'unsafe-inline', and it keeps the panel's files in its own
 * folder). Colours come only from VS Code's theme variables.
 */
export const STYLES = `
:root {
  --rl-border: var(--vscode-panel-border, var(--vscode-widget-border, rgba(128, 128, 128, 0.35)));
  --rl-added: var(--vscode-diffEditor-insertedTextBackground, rgba(155, 185, 85, 0.2));
  --rl-removed: var(--vscode-diffEditor-removedTextBackground, rgba(255, 0, 0, 0.2));
  --rl-added-fg: var(--vscode-charts-green, #89d185);
  --rl-removed-fg: var(--vscode-charts-red, #f14c4c);
  --rl-modified-fg: var(--vscode-charts-blue, #3794ff);
  --rl-row-h: 24px;
}
body { margin: 0; padding: 0 16px 24px; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
.muted, .loading, .empty, .note { color: var(--vscode-descriptionForeground); }
.note { font-size: 0.9em; }
header.sides { position: sticky; top: 0; z-index: 3; background: var(--vscode-editor-background); padding: 8px 0;
  border-bottom: 1px solid var(--rl-border); display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; }
.side { display: inline-flex; align-items: baseline; gap: 6px; min-width: 0; }
.side .tag { font-weight: 600; }
.side .label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40vw; }
.spacer { flex: 1; }
.sides-labels { display: inline-flex; flex-wrap: wrap; align-items: baseline; gap: 8px; min-width: 0; }
.actions { display: inline-flex; flex-wrap: wrap; gap: 6px; }
.actions[hidden] { display: none; } /* the rule above beats the UA's [hidden]: no export buttons before a result */
.banner { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--vscode-focusBorder);
  background: var(--vscode-textBlockQuote-background, transparent); display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.banner.error { border-left-color: var(--vscode-errorForeground); color: var(--vscode-errorForeground); }
.banner.identical { border-left-color: var(--rl-added-fg); }
.progress-track { flex: 1 1 200px; height: 3px; background: var(--rl-border); min-width: 120px; }
.progress-fill { height: 3px; width: 0; background: var(--vscode-progressBar-background, var(--vscode-focusBorder)); }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.count { border: 1px solid var(--rl-border); border-radius: 4px; padding: 6px 12px; min-width: 90px; }
.count .count-value { font-size: 1.5em; font-weight: 600; display: block; }
.count .count-label { color: var(--vscode-descriptionForeground); }
.count[data-count="added"] .count-value { color: var(--rl-added-fg); }
.count[data-count="removed"] .count-value { color: var(--rl-removed-fg); }
.count[data-count="modified"] .count-value, .count[data-count="changedCells"] .count-value { color: var(--rl-modified-fg); }
.key-line { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
vscode-collapsible.section { margin-top: 12px; }
.section-body { padding: 8px 4px; }
ul.schema { margin: 4px 0; padding-left: 20px; }
ul.schema li { margin: 2px 0; }
.schema .codicon { vertical-align: text-bottom; margin-right: 4px; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin-bottom: 8px; }
.filters label { display: inline-flex; align-items: center; gap: 6px; }
.rows-viewport { position: relative; overflow: auto; max-height: 55vh; min-height: 80px; resize: vertical;
  border: 1px solid var(--rl-border); }
.rows-head { position: sticky; top: 0; z-index: 2; background: var(--vscode-editor-background); }
.rows-spacer { position: relative; }
.rows-block { position: absolute; left: 0; }
table.grid { border-collapse: collapse; table-layout: fixed; }
table.grid th, table.grid td { height: var(--rl-row-h); box-sizing: border-box; padding: 0 6px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; border-right: 1px solid var(--rl-border); border-bottom: 1px solid var(--rl-border); text-align: left; }
table.grid th { font-weight: 600; background: var(--vscode-editor-background); border-bottom-color: var(--vscode-focusBorder); }
table.grid th.key-col, table.grid td.key-col { font-weight: 600; }
tr.row-added td { background: var(--rl-added); }
tr.row-removed td { background: var(--rl-removed); }
td.marker { text-align: center; }
tr.row-added td.marker { color: var(--rl-added-fg); }
tr.row-removed td.marker { color: var(--rl-removed-fg); }
tr.row-modified td.marker { color: var(--rl-modified-fg); }
td.cell-modified { outline: 1px solid var(--rl-modified-fg); outline-offset: -1px; }
td.cell-modified .before { background: var(--rl-removed); text-decoration: line-through; }
td.cell-modified .after { background: var(--rl-added); }
td.cell-modified .arrow { color: var(--vscode-descriptionForeground); white-space: pre; }
td .missing, .missing { color: var(--vscode-descriptionForeground); font-style: italic; }
tr.loading-row td { color: var(--vscode-descriptionForeground); }
td.line { color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
table.plain { border-collapse: collapse; margin: 4px 0; }
table.plain th, table.plain td { border-bottom: 1px solid var(--rl-border); padding: 4px 10px; text-align: left; vertical-align: top; }
table.plain td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-flex; align-items: center; gap: 4px; }
.verdict-large { color: var(--rl-removed-fg); }
.verdict-moderate { color: var(--vscode-charts-yellow, #cca700); }
.verdict-none { color: var(--rl-added-fg); }
.stats-side dl { display: grid; grid-template-columns: auto auto; gap: 0 10px; margin: 0 0 4px; }
.stats-side dt { color: var(--vscode-descriptionForeground); }
.stats-side dd { margin: 0; font-variant-numeric: tabular-nums; }
.stats-side dd.changed { color: var(--rl-modified-fg); font-weight: 600; }
.hist { display: flex; align-items: flex-end; gap: 1px; height: 40px; width: 180px; border-bottom: 1px solid var(--rl-border); }
.hist .bar { flex: 1; min-height: 1px; }
.hist.side-a .bar { background: var(--vscode-charts-blue, #3794ff); }
.hist.side-b .bar { background: var(--vscode-charts-orange, #d18616); }
.hist-range { display: flex; justify-content: space-between; width: 180px; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
.absent { color: var(--vscode-descriptionForeground); font-style: italic; }
`;
