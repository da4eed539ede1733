import { parseExposition } from "../../exposition/parse.js";
import type { Scrape, Source, SourceConfig } from "../types.js";
import { checkCommon, requireUrl, timeoutMs } from "./config.js";
import { EXPOSITION_ACCEPT, httpGet } from "./http.js";
import { MetricIndex } from "./lookup.js";
import { newScrape } from "./values.js";

/** Turns the indexed samples of one scrape into GPU, token and series samples. Pure. */
export type Extractor = (index: MetricIndex, scrape: Scrape) => void;

/**
 * The one scrape/parse path every exposition-speaking source shares: HTTP GET with the
 * source's timeout, then `parseExposition`, then the kind's extractor. Malformed lines are
 * counted in `discarded` (the rest of the body still counts). `wanted`, when given, lists
 * every sample name the extractor reads; the parser then skips the rest unread.
 */
export function createExpositionSource(
  config: SourceConfig,
  extract: Extractor,
  wanted?: readonly string[],
): Source {
  checkCommon(config);
  const url = requireUrl(config);
  const timeout = timeoutMs(config);
  const only = wanted === undefined ? undefined : new Set(wanted);
  return {
    config,
    fetch: (signal) =>
      httpGet({ source: config.name, url, timeoutMs: timeout, signal, accept: EXPOSITION_ACCEPT }),
    parse: (body, timeMs) => parseWith(config.name, body, timeMs, extract, only),
  };
}

/**
 * `only`: the sample names the extractor reads; other lines are skipped unparsed, and a
 * malformed line among them is not counted in `discarded` (it is no sample we would use).
 */
export function parseWith(
  source: string,
  body: string,
  timeMs: number,
  extract: Extractor,
  only?: ReadonlySet<string>,
) {
  const parsed = parseExposition(body, { only });
  const scrape = newScrape(source, timeMs);
  scrape.discarded = parsed.errors.length;
  extract(new MetricIndex(parsed), scrape);
  return scrape;
}
