import { isAlias, isCollection, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, LineCounter, Node, ParsedNode } from 'yaml';
import type { ConfigIssue } from './configIssue';

/** A 1-based range; the end is exclusive (the column after the last character). */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Where `issue` sits in the document (see `ConfigIssue.target`). */
export type Locate = (issue: Pick<ConfigIssue, 'pointer' | 'target' | 'inner'>) => SourceRange;

/** Used when there is no document (validation of a plain object). */
export const NO_POSITION: SourceRange = { line: 0, column: 0, endLine: 0, endColumn: 0 };

type Range = readonly [number, number];

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * Maps config issues to ranges in a parsed YAML (or JSON) document. When the
 * node itself is absent, the deepest existing ancestor is marked.
 */
export function createLocator(doc: Document.Parsed, lineCounter: LineCounter, text: string): Locate {
  const toRange = ([start, end]: Range): SourceRange => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.max(end, start));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  const nodeRange = (n: Node | null | undefined): Range | undefined => {
    const r = (n as ParsedNode | null | undefined)?.range;
    return r ? [r[0], r[1]] : undefined;
  };
  const firstLine = (): Range => {
    const root = doc.contents;
    const first = isMap(root) ? root.items[0]?.key : undefined;
    return nodeRange(first as Node | undefined) ?? [0, Math.max(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'))];
  };

  return (issue) => {
    let node: unknown = doc.contents;
    let key: Node | undefined; // the key node of `node`, when it sits in a map
    let found = 0;
    for (const seg of issue.pointer) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === seg);
        if (!pair) break;
        key = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(seg) && Number(seg) < node.items.length) {
        key = undefined;
        node = node.items[Number(seg)];
      } else {
        break;
      }
      found++;
    }
    const complete = found === issue.pointer.length;
    const keyRange = nodeRange(key);
    const valueRange = nodeRange(node as Node);
    // At the root there is no key to mark: the first key stands for the file.
    const markKey = () => toRange(keyRange ?? (found > 0 ? valueRange : undefined) ?? firstLine());

    if (complete && issue.target === 'key') return toRange(keyRange ?? valueRange ?? firstLine());
    // `parent`, or a node that is absent: the deepest key that exists.
    if (!complete || issue.target === 'parent') return markKey();
    if (!valueRange || valueRange[1] <= valueRange[0]) return markKey();
    // A block mapping or list spans many lines; its key says the same in one.
    if (isCollection(node) && !node.flow) return markKey();
    if (issue.inner && isScalar(node)) return toRange(innerRange(node, valueRange, issue.inner, text));
    return toRange(valueRange);
  };
}

/** Offsets inside a scalar's value, when its source maps 1:1 onto the value. */
function innerRange(node: Scalar, range: Range, inner: { start: number; end: number }, text: string): Range {
  const src = text.slice(range[0], range[1]);
  const value = String(node.value);
  let offset: number | undefined;
  if (node.type === Scalar.PLAIN && src === value) offset = 0;
  else if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && src.slice(1, -1) === value) offset = 1;
  if (offset === undefined) return range;
  return [range[0] + offset + inner.start, range[0] + offset + Math.min(inner.end, value.length)];
}
