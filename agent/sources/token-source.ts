import { createExpositionSource } from "./common/exposition-source.js";
import { extractTokens, type TokenSpec } from "./common/tokens.js";
import type { Source, SourceConfig } from "./types.js";

/** A token source is an exposition source whose extractor is a TokenSpec. */
export function createTokenSource(config: SourceConfig, spec: TokenSpec): Source {
  const wanted = [spec.prompt, spec.cached, spec.generation, spec.requests].flatMap((n) => n ?? []);
  return createExpositionSource(
    config,
    (index, scrape) => {
      scrape.tokens.push(...extractTokens(index, spec, scrape));
    },
    wanted,
  );
}
