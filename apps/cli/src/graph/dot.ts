import { printable } from '../printable.js';
import { type GraphModel, type GraphNode, STATUS_COLOURS, statusText } from './model.js';

/**
 * A Graphviz digraph: worker-thread tasks with a double border, an edge
 * labelled with how a result is passed (dashed when only the order
 * matters), and, with a report, each task filled by its status.
 */
export function renderDot(model: GraphModel): string {
  const lines = [
    `digraph ${quote(model.title || 'pipeline')} {`,
    '  rankdir=LR;',
    '  node [shape=box, style="rounded", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  // Double border: the task runs on a worker thread. Dashed edge: only the order matters.',
  ];
  for (const node of model.nodes) lines.push(`  ${quote(node.name)} [${nodeAttributes(node).join(', ')}];`);
  for (const edge of model.edges) {
    const attributes = edge.label === undefined ? ' [style=dashed]' : ` [label=${quote(edge.label)}]`;
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${attributes};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function nodeAttributes(node: GraphNode): string[] {
  const label = [node.name, ...node.traits];
  const attributes: string[] = [];
  const status = statusText(node);
  if (node.status !== undefined && status !== undefined) {
    label.push(status);
    const [fill, border, text] = STATUS_COLOURS[node.status] ?? (STATUS_COLOURS['unknown'] as [string, string, string]);
    attributes.push(
      'style="rounded,filled"',
      `fillcolor=${quote(fill)}`,
      `color=${quote(border)}`,
      `fontcolor=${quote(text)}`,
    );
  }
  if (node.worker) attributes.push('peripheries=2');
  return [`label=${quote(label.join('\n'))}`, ...attributes];
}

/** A DOT double-quoted string; a newline becomes the `\n` line break of a label, a control character shows. */
function quote(text: string): string {
  return `"${printable(text)
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')}"`;
}
