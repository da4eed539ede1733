import { describe, expect, it } from "vitest";
import { sumTokenSamples } from "../../../agent/sources/common/tokens.js";
import { createSource } from "../../../agent/sources/registry.js";
import type { SourceConfig, SourceKind } from "../../../agent/sources/types.js";
import {
  HAVE_SHARED,
  readLocalFixture,
  readShared,
  warnIfNoShared,
} from "../../helpers/shared-fixtures.js";

warnIfNoShared("sources/token-sources");

const source = (kind: SourceKind, extra: Partial<SourceConfig> = {}) =>
  createSource({ name: kind, kind, url: "http://127.0.0.1:8000/metrics", ...extra });
const tokens = (kind: SourceKind, body: string, extra: Partial<SourceConfig> = {}) =>
  source(kind, extra).parse(body, 0);

describe("vllm", () => {
  it("keeps one sample per engine; NaN leaves that engine's field missing, never a partial sum", () => {
    const s = tokens("vllm", readLocalFixture("sources/vllm_two_engines.prom"));
    const m = "meta-llama/Llama-3.1-70B-Instruct";
    expect(s.tokens).toEqual([
      {
        key: `model=${m}|engine=0`,
        model: m,
        promptTokens: 1000,
        generationTokens: 300,
        cachedTokens: 640,
        requests: 10,
      },
      {
        key: `model=${m}|engine=1`,
        model: m,
        promptTokens: 2000,
        generationTokens: 700,
        requests: 20,
      },
    ]);
    expect(s.discarded).toBe(1);
  });

  it("sumTokenSamples sums engines per model (and tenant)", () => {
    const s = tokens("vllm", readLocalFixture("sources/vllm_two_engines.prom"));
    const m = "meta-llama/Llama-3.1-70B-Instruct";
    expect(sumTokenSamples(s.tokens)).toEqual([
      {
        key: `model=${m}`,
        model: m,
        promptTokens: 3000,
        generationTokens: 1000,
        cachedTokens: 640,
        requests: 30,
      },
    ]);
    expect(
      sumTokenSamples([
        { key: "a", model: "x", tenant: "t1", promptTokens: 1 },
        { key: "b", model: "x", tenant: "t2", promptTokens: 2 },
        { key: "c", model: "x", tenant: "t1", generationTokens: 5 },
      ]),
    ).toEqual([
      { key: "model=x|tenant=t1", model: "x", tenant: "t1", promptTokens: 1, generationTokens: 5 },
      { key: "model=x|tenant=t2", model: "x", tenant: "t2", promptTokens: 2 },
    ]);
  });
});

describe.skipIf(!HAVE_SHARED)("token sources on real expositions", () => {
  const at = (file: string) => readShared(`inference/${file}`);

  it("vLLM V0 (model_name only, requests summed over finished_reason)", () => {
    expect(tokens("vllm", at("vllm_v0_datadog_opt125m.prom")).tokens).toEqual([
      {
        key: "model=facebook/opt-125m",
        model: "facebook/opt-125m",
        promptTokens: 5,
        generationTokens: 7,
        requests: 1,
      },
    ]);
  });

  it("vLLM V1 (engine label, cached tokens in exponent notation)", () => {
    const m = "Qwen/Qwen2.5-0.5B-Instruct";
    expect(tokens("vllm", at("vllm_v1_pr51670_grep_fragment.prom")).tokens).toEqual([
      { key: `model=${m}|engine=0`, model: m, generationTokens: 14588, cachedTokens: 4879232 },
    ]);
  });

  it("vLLM 0.10 deprecated gpu_prefix_cache_hits_total; _created gauges are not counters", () => {
    const s = tokens("vllm", at("vllm_v1_0.10.0_glm45_fragment_a.prom"));
    expect(s.tokens).toEqual([
      { key: "model=zai-org/GLM-4.5|engine=0", model: "zai-org/GLM-4.5", cachedTokens: 0 },
    ]);
  });

  it("vLLM truncated histogram fragment yields nothing, without errors", () => {
    const s = tokens("vllm", at("vllm_v1_0.10.0_glm45_fragment_b.prom"));
    expect(s.tokens).toEqual([]);
    expect(s.discarded).toBe(0);
  });

  it("SGLang", () => {
    const m = "meta-llama/Llama-3.1-8B-Instruct";
    expect(tokens("sglang", at("sglang_docs_production_metrics.prom")).tokens).toEqual([
      { key: `model=${m}`, model: m, promptTokens: 8128902, generationTokens: 7557572 },
    ]);
  });

  it("TGI: histogram sums for tokens, unsuffixed counter for requests", () => {
    // The fixture lacks the generated-tokens family (see its README): generation stays missing.
    expect(tokens("tgi", at("tgi_datadog_payload_selected_families.prom")).tokens).toEqual([
      { key: "model=", model: "", promptTokens: 662, requests: 109 },
    ]);
  });

  it.each([
    ["llamacpp_pr13196_comment_fragment.prom", 143, 673],
    ["ik_llamacpp_pr695_fork_fragment.prom", 6886, 3469],
    ["llamacpp_pr11915_before_fix_nan.prom", 0, 0],
  ])("llama.cpp %s", (file, promptTokens, generationTokens) => {
    const s = tokens("llamacpp", at(file));
    expect(s.tokens).toEqual([{ key: "model=", model: "", promptTokens, generationTokens }]);
    // The -nan is in a family we do not read; nothing we read was discarded.
    expect(s.discarded).toBe(0);
  });

  it("llama.cpp gauges-only exposition has no token counters", () => {
    expect(tokens("llamacpp", at("llamacpp_commit_a2df278_requests_gauges.prom")).tokens).toEqual(
      [],
    );
  });

  it("TRT-LLM backend per-iteration gauges are not taken for cumulative tokens", () => {
    expect(tokens("trtllm", at("trtllm_backend_readme_ifb.prom")).tokens).toEqual([]);
    expect(tokens("trtllm", at("trtllm_backend_readme_v1.prom")).tokens).toEqual([]);
  });

  it("Triton base metrics give TRT-LLM requests per model and version", () => {
    const s = tokens("trtllm", at("triton_base_metrics_readme.prom"));
    expect(s.tokens.length).toBeGreaterThan(0);
    for (const t of s.tokens) {
      expect(t.key).toMatch(/^model=[^|]+\|version=/);
      expect(t.requests).toBeGreaterThanOrEqual(0);
      expect(t.promptTokens).toBeUndefined();
    }
  });

  it("NIM (unprefixed vLLM names)", () => {
    const m = "meta/llama-3.1-8b-instruct";
    expect(tokens("nim", at("nim_llm_datadog.prom")).tokens).toEqual([
      { key: `model=${m}`, model: m, promptTokens: 109, generationTokens: 174, requests: 5 },
    ]);
  });
});

describe("trtllm with the Triton token histograms", () => {
  it("reads nv_llm_*_token_len_sum", () => {
    const body = [
      "# TYPE nv_llm_input_token_len histogram",
      'nv_llm_input_token_len_bucket{model="tensorrt_llm",response_metric_type="total_input_tokens",version="1",le="+Inf"} 4',
      'nv_llm_input_token_len_sum{model="tensorrt_llm",response_metric_type="total_input_tokens",version="1"} 812',
      'nv_llm_input_token_len_count{model="tensorrt_llm",response_metric_type="total_input_tokens",version="1"} 4',
      'nv_llm_output_token_len_sum{model="tensorrt_llm",response_metric_type="total_output_tokens",version="1"} 2048',
      'nv_inference_request_success{model="tensorrt_llm",version="1"} 4',
      'nv_inference_request_success{model="ensemble",version="1"} 4',
    ].join("\n");
    expect(tokens("trtllm", body).tokens).toEqual([
      {
        key: "model=tensorrt_llm|version=1",
        model: "tensorrt_llm",
        promptTokens: 812,
        generationTokens: 2048,
        requests: 4,
      },
      { key: "model=ensemble|version=1", model: "ensemble", requests: 4 },
    ]);
  });
});

describe("sglang with current labels", () => {
  it("sums cache_source and is_streaming, keeps dp ranks apart", () => {
    const L = 'model_name="q"';
    const body = [
      `sglang:prompt_tokens_total{${L},dp_rank="0",is_streaming="false"} 10`,
      `sglang:prompt_tokens_total{${L},dp_rank="0",is_streaming="true"} 5`,
      `sglang:prompt_tokens_total{${L},dp_rank="1",is_streaming="true"} 7`,
      `sglang:cached_tokens_total{${L},dp_rank="0",cache_source="device"} 3`,
      `sglang:cached_tokens_total{${L},dp_rank="0",cache_source="host"} 2`,
      `sglang:num_requests_total{${L},dp_rank="0",is_streaming="true"} 2`,
    ].join("\n");
    expect(tokens("sglang", body).tokens).toEqual([
      { key: "model=q|dp_rank=0", model: "q", promptTokens: 15, cachedTokens: 5, requests: 2 },
      { key: "model=q|dp_rank=1", model: "q", promptTokens: 7 },
    ]);
  });
});

describe("litellm (hand-written, team label)", () => {
  const body = readLocalFixture("sources/litellm_team.prom");

  it("splits by team per requested model, summing api keys and users", () => {
    expect(tokens("litellm", body).tokens).toEqual([
      {
        key: "model=llama-70b|tenant=acme",
        model: "llama-70b",
        tenant: "acme",
        promptTokens: 1500,
        generationTokens: 500,
        requests: 8,
      },
      {
        key: "model=llama-70b|tenant=globex",
        model: "llama-70b",
        tenant: "globex",
        promptTokens: 500,
        generationTokens: 250,
        requests: 3,
      },
      {
        key: "model=gpt-4o-mini|tenant=globex",
        model: "gpt-4o-mini",
        tenant: "globex",
        promptTokens: 77,
        generationTokens: 12,
      },
    ]);
  });

  it("keeps only the configured model", () => {
    const s = tokens("litellm", body, { model: "llama-70b" });
    expect(s.tokens.map((t) => t.tenant)).toEqual(["acme", "globex"]);
  });

  it("splits by another label and model label when configured", () => {
    const s = tokens("litellm", body, {
      label: "user",
      model_label: "model",
      model: "openai/gpt-4o-mini",
    });
    expect(s.tokens).toEqual([
      {
        key: "model=openai/gpt-4o-mini|tenant=u3",
        model: "openai/gpt-4o-mini",
        tenant: "u3",
        promptTokens: 77,
        generationTokens: 12,
      },
    ]);
  });
});

describe("format independence and TGI generated tokens", () => {
  it("reads vLLM served as OpenMetrics (_created series, family without _total)", () => {
    const body = [
      "# TYPE vllm:prompt_tokens counter",
      'vllm:prompt_tokens_total{engine="0",model_name="m"} 1.2e3',
      'vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7537953269e9',
      "# TYPE vllm:generation_tokens counter",
      'vllm:generation_tokens_total{engine="0",model_name="m"} 34',
      "# EOF",
    ].join("\n");
    expect(tokens("vllm", body).tokens).toEqual([
      { key: "model=m|engine=0", model: "m", promptTokens: 1200, generationTokens: 34 },
    ]);
  });

  it("TGI generated tokens from the histogram _sum", () => {
    const body = [
      "# TYPE tgi_request_generated_tokens histogram",
      'tgi_request_generated_tokens_bucket{le="+Inf"} 109',
      "tgi_request_generated_tokens_sum 5230",
      "tgi_request_generated_tokens_count 109",
      "tgi_request_input_length_sum 662",
      "tgi_request_success 109",
    ].join("\n");
    expect(tokens("tgi", body).tokens).toEqual([
      { key: "model=", model: "", promptTokens: 662, generationTokens: 5230, requests: 109 },
    ]);
  });
});
