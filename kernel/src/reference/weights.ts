/**
 * Weighted tokens, `gen + α·max(prompt − cached, 0) + β·cached`: cached prompt tokens cost
 * little, uncached prompt tokens a fraction of a generated one (docs/metering-model.md).
 */
export function weightedTokens(
  prompt: number,
  cached: number,
  gen: number,
  promptWeight: number,
  cachedWeight: number,
): number {
  return gen + promptWeight * Math.max(prompt - cached, 0) + cachedWeight * cached;
}
