// A small hand-written SVG line chart: time on x, one or more series on y. Round ticks (binary steps for
// sizes), every stretch without data shaded and labelled, and a tooltip with the values under the pointer.
// Drawn at the container's real width so labels stay legible on a phone.
import {
  byteTicks,
  niceTicks,
  timeLabel,
  timeTicks,
  trimZeros,
  valueGaps,
  valueRuns,
} from "@pgaas/common/chart-scale";
import { type PointerEvent, useEffect, useRef, useState } from "react";
import { formatDateTime, plural } from "../lib/format.js";

export interface ChartPoint {
  /** Milliseconds since the epoch: the start of the point's bucket. */
  t: number;
  v: number | null;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
}

/** How the value axis steps: binary units for sizes, whole numbers for counts. */
export type TickKind = "bytes" | "integer" | "decimal";

interface LineChartProps {
  title: string;
  series: readonly ChartSeries[];
  formatValue: (value: number) => string;
  ticks?: TickKind;
  /** Width of one point's bucket: values further apart than this are not joined by the line. */
  bucketMs: number;
  /** Time domain; defaults to the span of the data. */
  from?: number;
  to?: number;
  height?: number;
}

const PALETTE = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce"] as const;
const MARGIN = { top: 12, right: 14, bottom: 26, left: 64 } as const;

function useWidth<E extends HTMLElement>(fallback: number) {
  const ref = useRef<E>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width;
      if (measured && measured > 0) setWidth(Math.round(measured));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

const valueTicks = (kind: TickKind, low: number, high: number) =>
  kind === "bytes" ? byteTicks(low, high) : niceTicks(low, high, { integer: kind === "integer" });

/** The instant among `times` nearest to `t` (times sorted). */
function nearest(times: readonly number[], t: number): number | undefined {
  let best: number | undefined;
  for (const time of times) if (best === undefined || Math.abs(time - t) < Math.abs(best - t)) best = time;
  return best;
}

export function LineChart({
  title,
  series,
  formatValue,
  ticks = "decimal",
  bucketMs,
  from,
  to,
  height = 200,
}: LineChartProps) {
  const { ref, width } = useWidth<HTMLDivElement>(600);
  const [hovered, setHovered] = useState<number | undefined>(undefined);
  const present = series.flatMap((s) => s.points.filter((p): p is { t: number; v: number } => p.v !== null));
  // Counted in the report's own unit (points), so a chart and the report header never disagree.
  const samples = new Set(present.map((p) => p.t)).size;
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const last = series[0]?.points.findLast((p) => p.v !== null)?.v ?? null;
  const summary =
    samples === 0
      ? "no data in this range"
      : `${samples === times.length ? plural(times.length, "point") : `${samples} of ${plural(times.length, "point")}`}${last === null ? "" : `, latest ${formatValue(last)}`}`;

  const tMin = from ?? Math.min(...present.map((p) => p.t));
  const tMax = to ?? Math.max(...present.map((p) => p.t));
  const yTicks = valueTicks(
    ticks,
    Math.min(0, ...present.map((p) => p.v)),
    Math.max(0, ...present.map((p) => p.v)),
  );
  const yLow = yTicks[0] ?? 0;
  const yHigh = yTicks.at(-1) ?? 1;
  const plotWidth = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const x = (t: number) =>
    MARGIN.left + (tMax === tMin ? plotWidth / 2 : ((t - tMin) / (tMax - tMin)) * plotWidth);
  const y = (v: number) => MARGIN.top + plotHeight - ((v - yLow) / (yHigh - yLow || 1)) * plotHeight;
  const xTicks = timeTicks(tMin, tMax, width < 420 ? 2 : 4);
  // Stretches where no series has a value: the whole chart is silent there.
  const gaps = valueGaps(
    times.map((t) => ({
      t,
      v: series.some((s) => s.points.some((p) => p.t === t && p.v !== null)) ? 1 : null,
    })),
    tMin,
    tMax,
    bucketMs,
  );

  const onPointerMove = (event: PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const t = tMin + ((event.clientX - box.left) / (box.width || 1)) * (tMax - tMin);
    setHovered(nearest(times, t));
  };
  const tooltipLeft = hovered === undefined ? 0 : x(hovered);

  return (
    <figure className="chart" data-chart={title} data-samples={samples}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-summary">{summary}</span>
      </figcaption>
      <div ref={ref} className="chart-canvas">
        {samples === 0 ? (
          <p className="chart-empty" style={{ height }}>
            No data in this range yet.
          </p>
        ) : (
          <>
            <svg width={width} height={height} role="img" aria-label={`${title}: ${summary}`}>
              {gaps.map((gap) => (
                <g key={`gap${gap.from}`} className="chart-gap">
                  <rect x={x(gap.from)} y={MARGIN.top} width={x(gap.to) - x(gap.from)} height={plotHeight}>
                    <title>{`No data ${formatDateTime(new Date(gap.from).toISOString())} – ${formatDateTime(new Date(gap.to).toISOString())}`}</title>
                  </rect>
                  {x(gap.to) - x(gap.from) >= 48 ? (
                    <text
                      className="chart-gap-label"
                      x={(x(gap.from) + x(gap.to)) / 2}
                      y={MARGIN.top + 14}
                      textAnchor="middle"
                    >
                      no data
                    </text>
                  ) : null}
                </g>
              ))}
              {yTicks.map((tick) => (
                <g key={`y${tick}`}>
                  <line
                    className="chart-grid"
                    x1={MARGIN.left}
                    x2={MARGIN.left + plotWidth}
                    y1={y(tick)}
                    y2={y(tick)}
                  />
                  <text
                    className="chart-label"
                    x={MARGIN.left - 6}
                    y={y(tick)}
                    textAnchor="end"
                    dominantBaseline="middle"
                  >
                    {trimZeros(formatValue(tick))}
                  </text>
                </g>
              ))}
              {xTicks.map((tick) => (
                <text key={`x${tick}`} className="chart-label" x={x(tick)} y={height - 8} textAnchor="middle">
                  {timeLabel(tick, tMax - tMin)}
                </text>
              ))}
              {series.map((s, index) => {
                const color = PALETTE[index % PALETTE.length];
                const runs = valueRuns(s.points, bucketMs);
                // One path per series, a subpath per run (the pen lifts over gaps); a lone value is a dot.
                const d = runs
                  .filter((run) => run.length > 1)
                  .map((run) =>
                    run
                      .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
                      .join(""),
                  )
                  .join("");
                return (
                  <g key={s.name}>
                    {d === "" ? null : <path d={d} fill="none" stroke={color} strokeWidth={2} />}
                    {runs
                      .filter((run) => run.length === 1)
                      .map(([p]) =>
                        p === undefined ? null : (
                          <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={3} fill={color} />
                        ),
                      )}
                  </g>
                );
              })}
              {hovered === undefined ? null : (
                <line
                  className="chart-cursor"
                  x1={x(hovered)}
                  x2={x(hovered)}
                  y1={MARGIN.top}
                  y2={MARGIN.top + plotHeight}
                />
              )}
              <rect
                className="chart-hover"
                x={MARGIN.left}
                y={MARGIN.top}
                width={plotWidth}
                height={plotHeight}
                onPointerMove={onPointerMove}
                onPointerLeave={() => setHovered(undefined)}
              />
            </svg>
            {hovered === undefined ? null : (
              <div
                className="chart-tooltip"
                role="tooltip"
                style={
                  tooltipLeft > width / 2
                    ? { right: width - tooltipLeft + 8, top: MARGIN.top }
                    : { left: tooltipLeft + 8, top: MARGIN.top }
                }
              >
                <div className="chart-tooltip-time">{formatDateTime(new Date(hovered).toISOString())}</div>
                {series.map((s, index) => {
                  const value = s.points.find((p) => p.t === hovered)?.v ?? null;
                  return (
                    <div key={s.name}>
                      <span
                        className="chart-swatch"
                        style={{ background: PALETTE[index % PALETTE.length] }}
                      />
                      {s.name}: {value === null ? "no data" : formatValue(value)}
                    </div>
                  );
                })}
              </div>
            )}
          </>
        )}
      </div>
      {series.length > 1 ? (
        <ul className="chart-legend">
          {series.map((s, index) => (
            <li key={s.name}>
              <span className="chart-swatch" style={{ background: PALETTE[index % PALETTE.length] }} />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
