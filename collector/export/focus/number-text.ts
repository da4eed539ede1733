/**
 * DuckDB writes doubles in shortest round-trip form, switching to exponent notation with a
 * signed exponent (`1e+20`, `1e-05`). FOCUS Numeric Format forbids a `+` on the exponent,
 * and the official validator accepts no exponent at all, so CSV numbers are written in plain
 * positional notation built from those same shortest digits: lossless, and a reader parsing
 * them as float64 gets the exact doubles back (so ListUnitPrice × PricingQuantity = ListCost
 * holds bit for bit).
 */
export const NUMBER_TEXT_MACROS = [
  `CREATE OR REPLACE TEMP MACRO tw_num_mant(s) AS split_part(ltrim(s, '-'), 'e', 1)`,
  `CREATE OR REPLACE TEMP MACRO tw_num_digits(s) AS replace(tw_num_mant(s), '.', '')`,
  `CREATE OR REPLACE TEMP MACRO tw_num_point(s) AS
    (CASE WHEN contains(tw_num_mant(s), '.') THEN strpos(tw_num_mant(s), '.') - 1 ELSE length(tw_num_mant(s)) END)
    + CAST(split_part(s, 'e', 2) AS INTEGER)`,
  `CREATE OR REPLACE TEMP MACRO tw_num_plain(s) AS
    (CASE WHEN starts_with(s, '-') THEN '-' ELSE '' END) ||
    CASE WHEN tw_num_point(s) <= 0 THEN '0.' || repeat('0', -tw_num_point(s)) || tw_num_digits(s)
         WHEN tw_num_point(s) >= length(tw_num_digits(s)) THEN tw_num_digits(s) || repeat('0', tw_num_point(s) - length(tw_num_digits(s)))
         ELSE left(tw_num_digits(s), tw_num_point(s)) || '.' || substr(tw_num_digits(s), tw_num_point(s) + 1) END`,
  // + 0.0 turns -0.0 into 0.0: a sign must mean a negative value.
  `CREATE OR REPLACE TEMP MACRO tw_num(v) AS
    CASE WHEN v IS NULL THEN NULL
         WHEN contains(CAST(v + 0.0 AS VARCHAR), 'e') THEN tw_num_plain(CAST(v + 0.0 AS VARCHAR))
         ELSE CAST(v + 0.0 AS VARCHAR) END`,
];
