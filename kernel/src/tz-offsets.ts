/**
 * UTC offsets of an IANA time zone over a time range, from Intl (the ICU data Node ships),
 * so no tz library is needed. Used to expand local time-of-use schedules to UTC.
 */

/** Offset (local − UTC, seconds) offsetS[i] holds from timeS[i]; offsetS[0] also before. */
export interface OffsetTimeline {
  timeS: number[];
  offsetS: number[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (throws RangeError otherwise). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** local − UTC in seconds at the instant `tS` (whole seconds). */
export function utcOffsetS(timeZone: string, tS: number): number {
  const t = Math.floor(tS);
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t * 1000))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const localAsUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return localAsUtc / 1000 - t;
}

/** Zones change offset at most a few times a year; probing every 6 h finds every change. */
const PROBE_S = 6 * 3600;

/** Every offset change in [fromS, toS], each located to the second by bisection. */
export function offsetTimeline(timeZone: string, fromS: number, toS: number): OffsetTimeline {
  let t = Math.floor(fromS);
  let offset = utcOffsetS(timeZone, t);
  const timeline: OffsetTimeline = { timeS: [t], offsetS: [offset] };
  const end = Math.ceil(toS);
  while (t < end) {
    const next = Math.min(t + PROBE_S, end);
    const nextOffset = utcOffsetS(timeZone, next);
    if (nextOffset !== offset) {
      // lo has the old offset, hi the new one: narrow to the first second of the new.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (utcOffsetS(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      timeline.timeS.push(hi);
      timeline.offsetS.push(nextOffset);
    }
    t = next;
    offset = nextOffset;
  }
  return timeline;
}

export function offsetAt(timeline: OffsetTimeline, tS: number): number {
  let offset = timeline.offsetS[0];
  for (let i = 1; i < timeline.timeS.length && timeline.timeS[i] <= tS; i++) {
    offset = timeline.offsetS[i];
  }
  return offset;
}
