// The printed figures: each figure's detail as it finishes, then one markdown table of B1-B4 ready to paste
// into README.md's Performance section.
import type { FigureResult } from './context.ts';

export function formatFigure(result: FigureResult): string {
  return result.detail.join('\n');
}

/** The summary as a markdown table: figure, what it measures, result, baseline, target, verdict. */
export function formatTable(results: readonly FigureResult[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    '| figure | measures | result | Terraform-style baseline, same run | target | verdict |',
    '|---|---|---|---|---|---|',
    ...results.map(
      ({ figure, row }) =>
        `| ${figure} | ${cell(row.measures)} | ${cell(row.result)} | ${cell(row.baseline)} | ${cell(row.target)} | ${cell(row.verdict)} |`,
    ),
  ].join('\n');
}
