/** Minimal exposition reading for simulator tests (independent of agent/exposition). */
export function samples(body: string, name: string): { labels: string; value: number }[] {
  const out: { labels: string; value: number }[] = [];
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^${esc}(\\{[^}]*\\})? (\\S+)$`, "gm");
  for (const m of body.matchAll(re)) out.push({ labels: m[1] ?? "", value: Number(m[2]) });
  return out;
}

export function sample(body: string, name: string, labelPart = ""): number {
  const hits = samples(body, name).filter((s) => s.labels.includes(labelPart));
  if (hits.length !== 1) throw new Error(`${name}${labelPart}: ${hits.length} samples`);
  return hits[0].value;
}

export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}
