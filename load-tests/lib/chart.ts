/**
 * The run's chart as SVG: delivered throughput and p99 end-to-end latency against offered load, one
 * line per series (the bare relay is the baseline), on log-2 offered-load axes.
 */
import type { WsSeries } from '../stages/ws.ts';

const COLORS = ['#888888', '#1f77b4', '#2ca02c', '#d62728', '#9467bd'];
const W = 460;
const H = 300;
const PAD = { left: 60, right: 15, top: 30, bottom: 45 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function panel(
  series: WsSeries[],
  title: string,
  value: (step: WsSeries['steps'][number]) => number,
  yLabel: string,
  offsetX: number,
  guide?: { y: number; label: string },
  cap = Infinity,
): string {
  const rates = series.flatMap((s) => s.steps.map((step) => step.offered));
  const minX = Math.log2(Math.min(...rates, 100));
  const maxX = Math.log2(Math.max(...rates, 200));
  const values = series.flatMap((s) => s.steps.map(value)).concat(guide ? [guide.y] : []);
  const maxY = Math.min(cap, Math.max(1, ...values) * 1.1);
  const x = (rate: number) => offsetX + PAD.left + ((Math.log2(rate) - minX) / (maxX - minX || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - Math.min(v, maxY) / maxY) * (H - PAD.top - PAD.bottom);
  const parts = [
    `<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${offsetX + PAD.left}" y1="${H - PAD.bottom}" x2="${offsetX + W - PAD.right}" y2="${H - PAD.bottom}" stroke="#000"/>`,
    `<line x1="${offsetX + PAD.left}" y1="${PAD.top}" x2="${offsetX + PAD.left}" y2="${H - PAD.bottom}" stroke="#000"/>`,
    `<text x="${offsetX + W / 2}" y="${H - 8}" text-anchor="middle">offered load (messages/s, log scale)</text>`,
    `<text x="${offsetX + 14}" y="${H / 2}" text-anchor="middle" transform="rotate(-90 ${offsetX + 14} ${H / 2})">${escape(yLabel)}</text>`,
  ];
  // Every other offered rate is labelled: the steps are √2 apart, too close for every label.
  for (const rate of [...new Set(rates)].sort((a, b) => a - b).filter((_, i) => i % 2 === 0)) {
    parts.push(`<text x="${x(rate)}" y="${H - PAD.bottom + 14}" text-anchor="middle" font-size="10">${rate}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    parts.push(`<text x="${offsetX + PAD.left - 4}" y="${y(v) + 3}" text-anchor="end" font-size="10">${Math.round(v)}</text>`);
    parts.push(`<line x1="${offsetX + PAD.left}" y1="${y(v)}" x2="${offsetX + W - PAD.right}" y2="${y(v)}" stroke="#eee"/>`);
  }
  if (guide) {
    parts.push(`<line x1="${offsetX + PAD.left}" y1="${y(guide.y)}" x2="${offsetX + W - PAD.right}" y2="${y(guide.y)}" stroke="#f80" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${offsetX + W - PAD.right}" y="${y(guide.y) - 3}" text-anchor="end" font-size="10" fill="#f80">${escape(guide.label)}</text>`);
  }
  series.forEach((s, index) => {
    const color = COLORS[index % COLORS.length];
    const points = s.steps.map((step) => `${x(step.offered).toFixed(1)},${y(value(step)).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const point of points) parts.push(`<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="2.5" fill="${color}"/>`);
  });
  return parts.join('\n');
}

/** Renders the two panels and a legend. */
export function renderChart(series: WsSeries[], subtitle: string): string {
  const legend = series
    .map((s, index) => `<rect x="${20 + index * 190}" y="${H + 8}" width="12" height="12" fill="${COLORS[index % COLORS.length]}"/><text x="${36 + index * 190}" y="${H + 18}">${escape(s.name)}</text>`)
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * 2}" height="${H + 50}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(series, 'Delivered throughput', (step) => step.throughput, 'messages/s delivered to every recipient', 0),
    panel(series, 'p99 end-to-end latency', (step) => step.endToEnd.p99, 'ms (send → each recipient; clipped at 250)', W, { y: 50, label: 'target 50 ms' }, 250),
    legend,
    `<text x="20" y="${H + 42}" font-size="10" fill="#555">${escape(subtitle)}</text>`,
    '</svg>',
  ].join('\n');
}
