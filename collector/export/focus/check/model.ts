/**
 * The FOCUS requirements model (focus_validator's `model-1.2.json`): rules with a
 * keyword, applicability criteria, an optional row condition and a requirement built
 * from check functions. Loaded from the shared copy; nothing here is hand-picked.
 */
import { readFile } from "node:fs/promises";

/** A check-function node. Argument keys vary by function (ColumnName, Value, Items, …). */
export interface CheckNode {
  CheckFunction?: string;
  ColumnName?: string;
  /** The model's alias for ColumnName in one condition (ResourceId-C-006-C). */
  CheckCondition?: string;
  ColumnAName?: string;
  ColumnBName?: string;
  ResultColumnName?: string;
  ExpectedCount?: number;
  ModelRuleId?: string;
  Value?: string | number | boolean | null;
  Items?: CheckNode[];
  /** The model's other condition form: `{ "AND": node | node[] }`. */
  AND?: CheckNode | CheckNode[];
}

export type Keyword = "MUST" | "MUST NOT" | "SHOULD" | "SHOULD NOT" | "RECOMMENDED" | "MAY";

export interface ModelRule {
  Function: string;
  Reference: string;
  EntityType: string;
  Type: "Static" | "Dynamic";
  ApplicabilityCriteria: string[];
  ValidationCriteria: {
    MustSatisfy: string;
    Keyword: Keyword;
    Requirement: CheckNode;
    Condition: CheckNode;
    Dependencies: string[];
  };
}

export interface RequirementsModel {
  Details: { ModelVersion: string; FOCUSVersion: string };
  ApplicabilityCriteria: Record<string, { Description: string }>;
  CheckFunctions: Record<string, unknown>;
  ModelRules: Record<string, ModelRule>;
}

export async function loadModel(path: string): Promise<RequirementsModel> {
  return JSON.parse(await readFile(path, "utf8")) as RequirementsModel;
}

/** Normalises the model's condition forms to a plain node, or undefined for none. */
export function conditionNode(node: CheckNode): CheckNode | undefined {
  if (node.AND !== undefined) {
    const items = Array.isArray(node.AND) ? node.AND : [node.AND];
    return items.length === 1 ? items[0] : { CheckFunction: "AND", Items: items };
  }
  return node.CheckFunction === undefined ? undefined : node;
}

/** Every column a subtree names (requirement leaves). */
export function columnsOf(node: CheckNode, out: Set<string> = new Set()): Set<string> {
  for (const c of [
    node.ColumnName,
    node.CheckCondition,
    node.ColumnAName,
    node.ColumnBName,
    node.ResultColumnName,
  ]) {
    if (c !== undefined) out.add(c);
  }
  for (const item of node.Items ?? []) columnsOf(item, out);
  return out;
}

/** Columns the model applies a check function to, e.g. every `FormatDateTime` column. */
export function columnsCheckedBy(model: RequirementsModel, fn: string): string[] {
  const out = new Set<string>();
  const walk = (n: CheckNode) => {
    if (n.CheckFunction === fn && n.ColumnName !== undefined) out.add(n.ColumnName);
    for (const i of n.Items ?? []) walk(i);
  };
  for (const r of Object.values(model.ModelRules)) walk(r.ValidationCriteria.Requirement);
  return [...out].sort();
}

/** Rule ids referenced through CheckModelRule, mapped to their referencing rules. */
export function parentsOf(model: RequirementsModel): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const walk = (id: string, n: CheckNode) => {
    if (n.CheckFunction === "CheckModelRule" && n.ModelRuleId !== undefined) {
      parents.set(n.ModelRuleId, [...(parents.get(n.ModelRuleId) ?? []), id]);
    }
    for (const i of n.Items ?? []) walk(id, i);
  };
  for (const [id, r] of Object.entries(model.ModelRules))
    walk(id, r.ValidationCriteria.Requirement);
  return parents;
}
