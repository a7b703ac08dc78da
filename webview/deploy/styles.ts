/**
 * The page's stylesheet, adopted as a constructable stylesheet (CSP allows
 * those without 'unsafe-inline'). Colours come only from VS Code's theme variables.
 */
export const STYLES = `
:root {
  --rl-border: var(--vscode-panel-border, var(--vscode-widget-border, rgba(128, 128, 128, 0.35)));
  --rl-ok: var(--vscode-testing-iconPassed, var(--vscode-charts-green, #89d185));
  --rl-bad: var(--vscode-testing-iconFailed, var(--vscode-charts-red, #f14c4c));
  --rl-warn: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow, #cca700));
}
body { margin: 0; padding: 0 16px 24px; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
.muted, .loading, .note { color: var(--vscode-descriptionForeground); }
.note { font-size: 0.9em; }
header.top { position: sticky; top: 0; z-index: 2; background: var(--vscode-editor-background); padding: 10px 0 8px;
  border-bottom: 1px solid var(--rl-border); display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; }
header.top h1 { font-size: 1.2em; margin: 0; font-weight: 600; }
header.top vscode-single-select { min-width: 420px; max-width: 100%; }
section { margin-top: 18px; }
section > h2 { font-size: 1.05em; margin: 0 0 8px; display: flex; align-items: center; gap: 6px; }
.row { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; margin: 6px 0; }
.field { display: flex; flex-direction: column; gap: 3px; min-width: 260px; }
.field label { font-size: 0.9em; color: var(--vscode-descriptionForeground); }
.field .invalid { color: var(--vscode-errorForeground); font-size: 0.9em; min-height: 1.2em; }
.banner { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--vscode-focusBorder);
  background: var(--vscode-textBlockQuote-background, transparent); display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.banner.error { border-left-color: var(--vscode-errorForeground); color: var(--vscode-errorForeground); }
.banner.warn { border-left-color: var(--rl-warn); }
.banner.ok { border-left-color: var(--rl-ok); }
.banner .text { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.banners:empty { display: none; }
.status { margin: 6px 0; }
.command { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background, transparent);
  padding: 2px 6px; border-radius: 3px; word-break: break-all; }
.log { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size, 12px); max-height: 320px; overflow: auto;
  border: 1px solid var(--rl-border); padding: 4px 0; background: var(--vscode-terminal-background, var(--vscode-editor-background)); }
.log:empty { display: none; }
.log div { white-space: pre-wrap; word-break: break-all; padding: 0 8px; }
.log div.step { color: var(--vscode-textLink-foreground); }
.log div.failed { background: var(--vscode-inputValidation-errorBackground, rgba(255, 0, 0, 0.15)); color: var(--vscode-errorForeground); }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--rl-border); padding: 3px 10px; text-align: left; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.match { color: var(--rl-ok); }
.miss { color: var(--rl-bad); }
.figures { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 8px 0; }
.figure { display: flex; flex-direction: column; }
.figure .value { font-size: 1.4em; font-variant-numeric: tabular-nums; }
.figure .label { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.verdict-large { color: var(--rl-bad); font-weight: 600; }
.verdict-moderate { color: var(--rl-warn); }
.big { font-size: 1.3em; font-weight: 600; }
`;
