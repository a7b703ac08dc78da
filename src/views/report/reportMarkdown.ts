import { markdownCell } from '../compare/tableExport';
import type { Block } from './reportBlocks';

/** A Markdown report and the images it links (file name → SVG text), to be written beside it. */
export interface MarkdownReport {
  readonly text: string;
  readonly images: ReadonlyMap<string, string>;
}

/**
 * The report as GitHub-flavoured Markdown. Images are linked as
 * `<imageDir>/<name>` (the caller writes `images` there); without an
 * `imageDir` (the report goes to stdout) they are left out with a line
 * saying so. Every text from data is escaped (`markdownCell`), so a run
 * name cannot become a link, an image or HTML in a pull-request comment.
 */
export function renderReportMarkdown(blocks: readonly Block[], imageDir?: string): MarkdownReport {
  const images = new Map<string, string>();
  const lines: string[] = [];
  let skipped = 0;
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        lines.push(`${'#'.repeat(b.level)} ${markdownCell(b.text)}`, '');
        break;
      case 'paragraph':
        lines.push(markdownCell(b.text), '');
        break;
      case 'table':
        lines.push(`| ${b.headers.map(markdownCell).join(' | ')} |`, `|${b.headers.map(() => ' --- ').join('|')}|`);
        for (const r of b.rows) lines.push(`| ${r.map((c) => (c.best ? `**${markdownCell(c.text)}**` : markdownCell(c.text))).join(' | ')} |`);
        lines.push('');
        break;
      case 'image':
        if (imageDir === undefined) {
          skipped++;
          break;
        }
        images.set(b.name, b.svg);
        lines.push(`![${markdownCell(b.alt)}](${encodeURI(`${imageDir}/${b.name}`)})`, '');
        break;
    }
  }
  if (skipped > 0) lines.push(`_${skipped} chart${skipped > 1 ? 's' : ''} left out: write the report to a file (--out FILE) to get the charts beside it._`, '');
  return { text: lines.join('\n'), images };
}
