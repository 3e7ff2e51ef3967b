// Which agent worked when: one lane per agent, a bar per task from its start to its end, coloured
// by outcome with the theme's chart colours.
import type { Span } from './feed';

interface Bar { start: number; end: number; outcome: Span['outcome']; tasks: string[] }

/**
 * A long workflow has hundreds of task runs in a 400-unit-wide chart: runs of one agent with the same
 * outcome that would touch on screen become one bar, so the picture costs a few nodes, not thousands.
 */
function bars(spans: Span[], x: (t: number) => number): Bar[] {
  const out: Bar[] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && last.outcome === s.outcome && x(s.start) - x(last.end) < 1) {
      last.end = Math.max(last.end, s.end);
      last.tasks.push(s.taskId);
    } else {
      out.push({ start: s.start, end: s.end, outcome: s.outcome, tasks: [s.taskId] });
    }
  }
  return out;
}

const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function Timeline({ spans, from, to, agents }: { spans: Span[]; from: number; to: number; agents: readonly string[] }) {
  const lanes = agents.filter((a) => spans.some((s) => s.agent === a));
  const w = 400;
  const lane = 22;
  const pad = { l: 80, r: 8, t: 4, b: 18 };
  const h = pad.t + lanes.length * lane + pad.b;
  const span = Math.max(to - from, 1);
  const x = (t: number) => pad.l + ((t - from) / span) * (w - pad.l - pad.r);
  return (
    <figure class="chart" id="timeline">
      <figcaption>Timeline</figcaption>
      {lanes.length === 0 ? <p class="muted">No agent has started yet.</p> : (
        <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Timeline: ${spans.length} task run(s) by ${lanes.join(', ')}; ${spans.slice(-5).map((s) => `${s.agent} ${s.taskId} ${Math.round((s.end - s.start) / 1000)} s ${s.outcome}`).join(', ')}`}>
          {lanes.map((a, i) => (
            <g key={a} transform={`translate(0 ${pad.t + i * lane})`}>
              <text x={pad.l - 6} y={lane / 2 + 4} class="label" text-anchor="end">{a}</text>
              <line x1={pad.l} y1={lane / 2} x2={w - pad.r} y2={lane / 2} class="lane" />
              {bars(spans.filter((s) => s.agent === a), x).map((b) => (
                <rect key={`${b.start}`} x={x(b.start)} y="4" width={Math.max(2, x(b.end) - x(b.start))} height={lane - 8} rx="2" class={`span span-${b.outcome}`}>
                  <title>{`${a}: ${b.tasks.length > 3 ? `${b.tasks.length} tasks, ${b.tasks[0]}–${b.tasks.at(-1)}` : b.tasks.join(', ')}, ${clock(b.start)}–${clock(b.end)} (${b.outcome})`}</title>
                </rect>
              ))}
            </g>
          ))}
          <text x={pad.l} y={h - 4} class="tick">{clock(from)}</text>
          <text x={w - pad.r} y={h - 4} class="tick" text-anchor="end">{clock(to)}</text>
        </svg>
      )}
      <ul class="legend" aria-hidden="true">
        <li><span class="swatch span-working" />working</li>
        <li><span class="swatch span-done" />done</li>
        <li><span class="swatch span-failed" />failed</li>
      </ul>
    </figure>
  );
}
