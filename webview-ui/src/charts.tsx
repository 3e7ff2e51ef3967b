// Costs per agent and over time, drawn as inline SVG: no chart library, no canvas, colours from
// VS Code's theme (--vscode-charts-*) through CSS classes, so a theme change recolours them at once.
import type { AgentCost, CostPoint } from './feed';
import { formatUsd as usd } from '../../src/core/cost/money';

export const seriesClass = (agents: readonly string[], agent: string) => `c${Math.max(0, agents.indexOf(agent)) % 6}`;
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function CostByAgent({ costs, agents }: { costs: AgentCost[]; agents: readonly string[] }) {
  const max = Math.max(...costs.map((c) => c.usd), 0);
  const row = 22;
  const height = Math.max(row, costs.length * row) + 4;
  const summary = costs.map((c) => `${c.agent} ${usd(c.usd)}`).join(', ');
  return (
    <figure class="chart" id="cost-by-agent">
      <figcaption>Cost per agent</figcaption>
      {costs.length === 0 ? <p class="muted">No model call yet.</p> : (
        <svg viewBox={`0 0 400 ${height}`} role="img" aria-label={`Cost per agent: ${summary}`}>
          {costs.map((c, i) => {
            const w = max > 0 ? (c.usd / max) * 220 : 0;
            return (
              <g key={c.agent} transform={`translate(0 ${i * row + 2})`}>
                <title>{`${c.agent}: ${usd(c.usd)}`}</title>
                <text x="100" y="14" class="label" text-anchor="end">{c.agent}</text>
                <rect x="108" y="2" width={Math.max(1, w)} height={row - 6} class={`bar ${seriesClass(agents, c.agent)}`} rx="2" />
                <text x={114 + w} y="14" class="value">{usd(c.usd)}</text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

export function CostOverTime({ byAgent, total, agents }: { byAgent: Map<string, CostPoint[]>; total: CostPoint[]; agents: readonly string[] }) {
  const w = 400;
  const h = 140;
  const pad = { l: 44, r: 8, t: 8, b: 20 };
  const t0 = total[0]?.t ?? 0;
  const t1 = Math.max(total.at(-1)?.t ?? 0, t0 + 1);
  const top = Math.max(total.at(-1)?.usd ?? 0, 1e-9);
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / top) * (h - pad.t - pad.b);
  // A running total only moves at each call: steps, not slopes.
  const path = (points: CostPoint[]) => points.reduce((d, p, i) => `${d}${i === 0 ? `M${x(t0).toFixed(1)} ${y(0).toFixed(1)} H${x(p.t).toFixed(1)}` : ` H${x(p.t).toFixed(1)}`} V${y(p.usd).toFixed(1)}`, '') + ` H${x(t1).toFixed(1)}`;
  return (
    <figure class="chart" id="cost-over-time">
      <figcaption>Cost over time</figcaption>
      {total.length === 0 ? <p class="muted">No model call yet.</p> : (
        <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Cost over time: ${usd(top)} in ${Math.round((t1 - t0) / 1000)} s`}>
          <line x1={pad.l} y1={y(0)} x2={w - pad.r} y2={y(0)} class="axis" />
          <line x1={pad.l} y1={pad.t} x2={pad.l} y2={y(0)} class="axis" />
          <text x={pad.l - 4} y={pad.t + 8} class="tick" text-anchor="end">{usd(top)}</text>
          <text x={pad.l - 4} y={y(0)} class="tick" text-anchor="end">$0</text>
          <text x={pad.l} y={h - 4} class="tick">{clock(t0)}</text>
          <text x={w - pad.r} y={h - 4} class="tick" text-anchor="end">{clock(t1)}</text>
          <path d={path(total)} class="line total"><title>{`All agents: ${usd(top)}`}</title></path>
          {[...byAgent].map(([agent, points]) => (
            <path key={agent} d={path(points)} class={`line ${seriesClass(agents, agent)}`}><title>{`${agent}: ${usd(points.at(-1)?.usd ?? 0)}`}</title></path>
          ))}
        </svg>
      )}
      <Legend agents={[...byAgent.keys()]} all={agents} total />
    </figure>
  );
}

export function Legend({ agents, all, total }: { agents: readonly string[]; all: readonly string[]; total?: boolean }) {
  return (
    <ul class="legend" aria-hidden="true">
      {total && <li><span class="swatch total" />all agents</li>}
      {agents.map((a) => <li key={a}><span class={`swatch ${seriesClass(all, a)}`} />{a}</li>)}
    </ul>
  );
}
