/**
 * Evaluates every rule of the requirements model against a loaded file.
 *
 * - Applicability: a rule applies when all its criteria are claimed (the criteria of a rule
 *   are joined by "and" in its text; focus_validator reads them as "any"). A rule reached
 *   only through rules that do not apply does not apply either.
 * - Keywords: MUST / MUST NOT violated → fail; SHOULD / SHOULD NOT / RECOMMENDED → warn;
 *   MAY is a permission, never a requirement → not applicable.
 * - Conditions narrow the rows a requirement is checked on and pass down to the rules a
 *   composite references (a composite's "when X is not null" applies to its children).
 * - Static rules run their check functions; dynamic rules (prose only) run a native check
 *   where one exists (native.ts), else are not applicable with the reason.
 */
import { sqlIdent } from "../../../store/duckdb/driver.js";
import { checkKeyValue } from "./key-value.js";
import type { CheckNode, Keyword, ModelRule, RequirementsModel } from "./model.js";
import { conditionNode, parentsOf } from "./model.js";
import { NATIVE_CHECKS, type NativeContext } from "./native.js";
import { Compiler } from "./predicates.js";
import { countWhere, distinctText, type FocusTable } from "./table.js";
import { checkUnit } from "./units.js";

export type RuleStatus = "pass" | "fail" | "warn" | "not-applicable";

export interface RuleResult {
  ruleId: string;
  status: RuleStatus;
  keyword: Keyword;
  /** The column or attribute the rule is about. */
  reference: string;
  message: string;
  /** Offending rows (row checks) or values (dataset checks). */
  violations?: number;
  /** What decided it: the model's check functions, a native check, or nothing. */
  by: "model" | "native" | "none";
}

type Outcome =
  | { ok: true; message: string }
  | { ok: false; violations: number; message: string }
  | { na: string };

const PERMISSIVE: ReadonlySet<Keyword> = new Set(["MAY"]);
const ADVISORY: ReadonlySet<Keyword> = new Set(["SHOULD", "SHOULD NOT", "RECOMMENDED"]);

export class ModelEvaluator {
  private readonly results = new Map<string, RuleResult>();
  private readonly parents: Map<string, string[]>;
  private readonly compiler: Compiler;

  constructor(
    private readonly model: RequirementsModel,
    private readonly table: FocusTable,
    private readonly claimed: ReadonlySet<string>,
    private readonly native: NativeContext,
  ) {
    this.parents = parentsOf(model);
    this.compiler = new Compiler(table, claimed.has("VIRTUAL_CURRENCY_SUPPORTED"));
  }

  async run(): Promise<RuleResult[]> {
    const ids = Object.keys(this.model.ModelRules);
    for (const id of ids) if (!this.parents.has(id)) await this.rule(id, "TRUE");
    for (const id of ids) {
      if (this.results.has(id)) continue;
      const r = this.model.ModelRules[id];
      this.results.set(
        id,
        this.result(
          id,
          r,
          {
            na: `only referenced by rules that do not apply (${this.parents.get(id)?.join(", ")})`,
          },
          "none",
        ),
      );
    }
    return ids.map((id) => this.results.get(id)!);
  }

  private criteriaMet(rule: ModelRule): boolean {
    return rule.ApplicabilityCriteria.every((c) => this.claimed.has(c));
  }

  /** Evaluates (and records, first time) one rule under the rows `context` selects. */
  private async rule(id: string, context: string): Promise<RuleResult> {
    const rule = this.model.ModelRules[id];
    if (rule === undefined) {
      return {
        ruleId: id,
        status: "fail",
        keyword: "MUST",
        reference: "",
        message: `rule ${id} is not in the model`,
        by: "none",
      };
    }
    const keyword = rule.ValidationCriteria.Keyword;
    let outcome: Outcome;
    let by: RuleResult["by"] = "model";
    if (!this.criteriaMet(rule)) {
      outcome = {
        na: `criteria not claimed: ${rule.ApplicabilityCriteria.filter((c) => !this.claimed.has(c)).join(", ")}`,
      };
      by = "none";
    } else if (PERMISSIVE.has(keyword)) {
      outcome = { na: "MAY: a permission, nothing to check" };
      by = "none";
    } else if (rule.ValidationCriteria.Requirement.CheckFunction === undefined) {
      const native = NATIVE_CHECKS[id];
      if (native === undefined) {
        outcome = {
          na: "dynamic rule: prose only, needs data outside the file (invoices, price lists, history)",
        };
        by = "none";
      } else {
        const n = await native(this.native);
        outcome =
          "na" in n
            ? n
            : n.violations === 0
              ? { ok: true, message: n.message }
              : { ok: false, ...n };
        by = "native";
      }
    } else {
      const cond = conditionNode(rule.ValidationCriteria.Condition);
      let ctx = context;
      if (cond !== undefined) {
        const c = this.compiler.compile(cond, "condition");
        if ("sql" in c) ctx = context === "TRUE" ? `(${c.sql})` : `${context} AND (${c.sql})`;
      }
      outcome = await this.node(rule.ValidationCriteria.Requirement, ctx);
    }
    const result = this.result(id, rule, outcome, by);
    if (!this.results.has(id)) this.results.set(id, result);
    return result;
  }

  private result(id: string, rule: ModelRule, outcome: Outcome, by: RuleResult["by"]): RuleResult {
    const keyword = rule.ValidationCriteria.Keyword;
    const base = { ruleId: id, keyword, reference: rule.Reference, by };
    if ("na" in outcome) return { ...base, status: "not-applicable", message: outcome.na };
    if (outcome.ok) return { ...base, status: "pass", message: outcome.message };
    return {
      ...base,
      status: ADVISORY.has(keyword) ? "warn" : "fail",
      message: `${rule.ValidationCriteria.MustSatisfy} — ${outcome.message}`,
      violations: outcome.violations,
    };
  }

  private async node(node: CheckNode, context: string): Promise<Outcome> {
    const fn = node.CheckFunction ?? "";
    if (this.compiler.isRowLevel(node)) return this.rows(node, context);
    if (fn === "AND" || fn === "OR") {
      const outcomes: Outcome[] = [];
      for (const item of node.Items ?? []) outcomes.push(await this.node(item, context));
      const failed = outcomes.filter(
        (o): o is Extract<Outcome, { ok: false }> => "ok" in o && !o.ok,
      );
      const passed = outcomes.filter((o) => "ok" in o && o.ok);
      if (fn === "AND") {
        if (failed.length)
          return {
            ok: false,
            violations: failed.reduce((s, o) => s + o.violations, 0),
            message: failed.map((o) => o.message).join("; "),
          };
        return passed.length ? { ok: true, message: "all items hold" } : { na: "no item applies" };
      }
      if (passed.length) {
        // Alternatives that did not hold are not violations when another one does (e.g.
        // InvoiceId: null without an invoice, not null with one).
        for (const item of node.Items ?? []) {
          const r = item.ModelRuleId === undefined ? undefined : this.results.get(item.ModelRuleId);
          if (r !== undefined && (r.status === "fail" || r.status === "warn")) {
            this.results.set(r.ruleId, {
              ...r,
              status: "not-applicable",
              message: `an alternative of the same OR holds; this one does not apply (${r.message})`,
              violations: undefined,
            });
          }
        }
        return { ok: true, message: "an item holds" };
      }
      return failed.length
        ? {
            ok: false,
            violations: failed[0].violations,
            message: `no item holds: ${failed.map((o) => o.message).join("; ")}`,
          }
        : { na: "no item applies" };
    }
    switch (fn) {
      case "CheckModelRule": {
        const r = await this.rule(node.ModelRuleId ?? "", context);
        if (r.status === "not-applicable") return { na: r.message };
        // An advisory child that is violated does not fail the rule that references it.
        return r.status === "fail"
          ? { ok: false, violations: r.violations ?? 1, message: `${r.ruleId} failed` }
          : { ok: true, message: `${r.ruleId} ${r.status}` };
      }
      case "ColumnPresent": {
        const name = node.ColumnName ?? "";
        return this.table.columns.has(name)
          ? { ok: true, message: `${name} present` }
          : { ok: false, violations: 1, message: `column ${name} is missing` };
      }
      case "CheckDistinctCount":
        return this.distinctCount(node, context);
      case "FormatUnit":
        return this.values(
          node.ColumnName ?? "",
          (v) => checkUnit(v).form && checkUnit(v).casing,
          "not in Unit Format",
          context,
        );
      case "FormatKeyValue":
        return this.values(
          node.ColumnName ?? "",
          (v) => Object.values(checkKeyValue(v)).every(Boolean),
          "not a Key-Value Format object",
          context,
        );
      default:
        return { na: `check function ${fn} is not in the model's list` };
    }
  }

  private async rows(node: CheckNode, context: string): Promise<Outcome> {
    const c = this.compiler.compile(node, "requirement");
    if ("absent" in c) return { na: `column ${c.absent} absent (its presence rule decides)` };
    const n = await countWhere(this.table, `(${context}) AND NOT (${c.sql})`);
    return n === 0
      ? { ok: true, message: "all rows hold" }
      : { ok: false, violations: n, message: `${n} of ${this.table.rows} rows violate it` };
  }

  private async distinctCount(node: CheckNode, context: string): Promise<Outcome> {
    const a = node.ColumnAName ?? "";
    const b = node.ColumnBName ?? "";
    if (!this.table.columns.has(a) || !this.table.columns.has(b))
      return { na: `column ${a} or ${b} absent` };
    const r = await this.table.connection.runAndReadAll(
      `SELECT count(*) FROM (SELECT ${sqlIdent(a)} FROM focus WHERE ${context} AND ${sqlIdent(a)} IS NOT NULL GROUP BY ALL HAVING count(DISTINCT ${sqlIdent(b)}) <> ${Number(node.ExpectedCount)})`,
    );
    const n = Number(r.getRowsJS()[0][0]);
    return n === 0
      ? { ok: true, message: `each ${a} has ${node.ExpectedCount} ${b}` }
      : { ok: false, violations: n, message: `${n} ${a} values have another count of ${b}` };
  }

  private async values(
    column: string,
    good: (v: string) => boolean,
    what: string,
    context: string,
  ): Promise<Outcome> {
    if (!this.table.columns.has(column)) return { na: `column ${column} absent` };
    const bad = (await distinctText(this.table, column, context)).filter((v) => !good(v));
    return bad.length === 0
      ? { ok: true, message: "all values hold" }
      : {
          ok: false,
          violations: bad.length,
          message: `${bad.length} values ${what}, e.g. ${JSON.stringify(bad[0]).slice(0, 80)}`,
        };
  }
}
