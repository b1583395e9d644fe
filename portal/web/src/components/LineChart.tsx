// A small hand-written SVG line chart: time on x, one or more series on y, gaps where a value is
// missing. Drawn at the container's real width so labels stay legible on a phone.
import { useEffect, useRef, useState } from "react";
import { plural } from "../lib/format.js";
import { niceTicks, timeLabel, timeTicks } from "./chart-scale.js";

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  t: number;
  v: number | null;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
}

interface LineChartProps {
  title: string;
  series: readonly ChartSeries[];
  formatValue: (value: number) => string;
  /** Whole-number values (counts): axis ticks stay whole. */
  integer?: boolean;
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

function linePath(points: readonly ChartPoint[], x: (t: number) => number, y: (v: number) => number): string {
  let path = "";
  let penDown = false;
  for (const point of points) {
    if (point.v === null) {
      penDown = false;
      continue;
    }
    path += `${penDown ? "L" : "M"}${x(point.t).toFixed(1)},${y(point.v).toFixed(1)}`;
    penDown = true;
  }
  return path;
}

export function LineChart({
  title,
  series,
  formatValue,
  integer = false,
  from,
  to,
  height = 200,
}: LineChartProps) {
  const { ref, width } = useWidth<HTMLDivElement>(600);
  const present = series.flatMap((s) => s.points.filter((p): p is { t: number; v: number } => p.v !== null));
  // Counted in the report's own unit (points), so a chart and the report header never disagree.
  const samples = new Set(present.map((p) => p.t)).size;
  const points = new Set(series.flatMap((s) => s.points.map((p) => p.t))).size;
  const last = series[0]?.points.findLast((p) => p.v !== null)?.v ?? null;
  const summary =
    samples === 0
      ? "no data in this range"
      : `${samples === points ? plural(points, "point") : `${samples} of ${plural(points, "point")}`}${last === null ? "" : `, latest ${formatValue(last)}`}`;

  const tMin = from ?? Math.min(...present.map((p) => p.t));
  const tMax = to ?? Math.max(...present.map((p) => p.t));
  const yTicks = niceTicks(Math.min(0, ...present.map((p) => p.v)), Math.max(0, ...present.map((p) => p.v)), {
    integer,
  });
  const yLow = yTicks[0] ?? 0;
  const yHigh = yTicks.at(-1) ?? 1;
  const plotWidth = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const x = (t: number) =>
    MARGIN.left + (tMax === tMin ? plotWidth / 2 : ((t - tMin) / (tMax - tMin)) * plotWidth);
  const y = (v: number) => MARGIN.top + plotHeight - ((v - yLow) / (yHigh - yLow || 1)) * plotHeight;
  const xTicks = timeTicks(tMin, tMax, width < 420 ? 2 : 4);

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
          <svg width={width} height={height} role="img" aria-label={`${title}: ${summary}`}>
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
                  {formatValue(tick)}
                </text>
              </g>
            ))}
            {xTicks.map((tick, index) => (
              <text
                key={`x${tick}`}
                className="chart-label"
                x={x(tick)}
                y={height - 8}
                textAnchor={index === 0 ? "start" : index === xTicks.length - 1 ? "end" : "middle"}
              >
                {timeLabel(tick, tMax - tMin)}
              </text>
            ))}
            {series.map((s, index) => {
              const color = PALETTE[index % PALETTE.length];
              const only = s.points.filter((p) => p.v !== null);
              return (
                <g key={s.name}>
                  <path d={linePath(s.points, x, y)} fill="none" stroke={color} strokeWidth={2} />
                  {only.length <= 2
                    ? only.map((p) => <circle key={p.t} cx={x(p.t)} cy={y(p.v ?? 0)} r={3} fill={color} />)
                    : null}
                </g>
              );
            })}
          </svg>
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
