// Small SVG charts drawn by hand: the page shows pictures, and a charting library would be
// most of the bundle for three shapes.
import { useEffect, useRef, useState } from 'react';

/** A class that is set for a moment each time `value` changes, so a moving number is seen. */
export function useFlash(value: unknown): string {
  const [flash, setFlash] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setFlash(true);
    const timer = setTimeout(() => setFlash(false), 700);
    return () => clearTimeout(timer);
  }, [value]);
  return flash ? 'flash' : '';
}

export interface BarProps {
  /** 0 to 1 of the track. */
  share: number;
  label: string;
  value: string;
  testId?: string;
  /** Exposed for tests and assistive tools: the number the bar stands for. */
  dataValue?: number;
  tone?: 'likes' | 'votes' | 'enrolments';
  marked?: boolean;
}

/** One horizontal bar with its label above and value at its end; it grows smoothly (CSS). */
export function Bar({ share, label, value, testId, dataValue, tone = 'likes', marked = false }: BarProps) {
  const flash = useFlash(dataValue ?? value);
  const width = Math.max(0, Math.min(1, share)) * 100;
  return (
    <div className={`bar ${tone} ${marked ? 'marked' : ''}`}>
      <div className="bar-label" title={label}>
        {label}
      </div>
      <div className="bar-row">
        <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`${label}: ${value}`}>
          <rect x="0" y="0" width="100" height="10" rx="2" className="track" />
          <rect x="0" y="0" width={width} height="10" rx="2" className="fill" data-testid={testId} data-value={dataValue} data-share={width.toFixed(1)} />
        </svg>
        <span className={`bar-value ${flash}`} data-testid={testId ? `${testId}-value` : undefined}>
          {value}
        </span>
      </div>
    </div>
  );
}

/** A ring filled to `share` (0 to 1), for a rate such as a course's completion. */
export function Ring({ share, label, testId }: { share: number; label: string; testId?: string }) {
  const radius = 15.9155; // circumference 100: the dash length is the percentage
  const percent = Math.round(Math.max(0, Math.min(1, share)) * 100);
  return (
    <svg className="ring" viewBox="0 0 36 36" role="img" aria-label={`${label}: ${percent}%`} data-testid={testId} data-value={percent}>
      <circle cx="18" cy="18" r={radius} className="ring-track" />
      <circle cx="18" cy="18" r={radius} className="ring-fill" strokeDasharray={`${percent} ${100 - percent}`} strokeDashoffset="25" />
      <text x="18" y="20.5" textAnchor="middle" className="ring-text">
        {percent}%
      </text>
    </svg>
  );
}

/** Points over time as an area chart; the newest on the right. */
export function AreaChart({ points, label, testId }: { points: ReadonlyArray<{ at: number; value: number }>; label: string; testId?: string }) {
  const width = 300;
  const height = 90;
  if (points.length === 0) return <div className="empty">No clicks yet</div>;
  const first = points[0]!.at;
  const last = points[points.length - 1]!.at;
  const span = Math.max(1, last - first);
  const top = Math.max(1, ...points.map((point) => point.value));
  const x = (at: number) => (points.length === 1 ? width : ((at - first) / span) * width);
  const y = (value: number) => height - (value / top) * (height - 8);
  const line = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.at).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const area = `${line} L${x(last).toFixed(1)},${height} L${x(first).toFixed(1)},${height} Z`;
  return (
    <svg className="area" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label} data-testid={testId}>
      <path d={area} className="area-fill" />
      <path d={line} className="area-line" />
    </svg>
  );
}
