import { printable } from '../printable.js';
import { type GraphModel, STATUS_COLOURS, statusText } from './model.js';

/**
 * A Mermaid flowchart: worker-thread tasks drawn as subroutines (`[[ ]]`),
 * an edge labelled with how a result is passed (dotted when only the order
 * matters), and, with a report, each task coloured by its status.
 * Task names become labels; node ids are generated, so any name is safe.
 */
export function renderMermaid(model: GraphModel): string {
  const ids = new Map(model.nodes.map((node, i) => [node.name, `t${i}`]));
  const lines: string[] = [];
  if (model.title) lines.push('---', `title: ${JSON.stringify(model.title)}`, '---');
  lines.push('flowchart LR');
  for (const node of model.nodes) {
    const status = statusText(node);
    const text = [node.name, ...node.traits, ...(status === undefined ? [] : [status])];
    const label = `"${text.map(escapeMermaid).join('<br/>')}"`;
    lines.push(`  ${ids.get(node.name)}${node.worker ? `[[${label}]]` : `[${label}]`}`);
  }
  for (const edge of model.edges) {
    const arrow = edge.label === undefined ? '-.->' : `-->|"${escapeMermaid(edge.label)}"|`;
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
  }
  if (model.withStatus) {
    const byStatus = new Map<string, string[]>();
    for (const node of model.nodes) {
      const status = node.status ?? 'unknown';
      byStatus.set(status, [...(byStatus.get(status) ?? []), ids.get(node.name) as string]);
    }
    for (const [status, members] of byStatus) {
      const [fill, stroke, color] = STATUS_COLOURS[status] ?? (STATUS_COLOURS['unknown'] as [string, string, string]);
      lines.push(`  classDef ${status} fill:${fill},stroke:${stroke},color:${color}`);
      lines.push(`  class ${members.join(',')} ${status}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Mermaid entity codes for what would end a quoted label or be read as markup. */
function escapeMermaid(text: string): string {
  return printable(text).replace(/[#"<>&|]/g, (c) => `#${c.charCodeAt(0)};`);
}
