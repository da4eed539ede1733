/**
 * TEST-ONLY fault injection, for the reliability suite (test/reliability/). Never set it in
 * production. `TOKENWATT_FAULT=exit-after-commit`: the collector SIGKILLs itself right after
 * the first batch that stored lines is committed and before its Ack is sent — the window in
 * which an agent must retry and the store must keep one copy.
 */
export type FaultHook = () => void;

export function faultAfterCommit(env: string | undefined = process.env.TOKENWATT_FAULT): FaultHook {
  if (env !== "exit-after-commit") return () => undefined;
  return () => {
    process.stderr.write(
      "TOKENWATT_FAULT=exit-after-commit: killing the collector before the ack\n",
    );
    process.kill(process.pid, "SIGKILL");
  };
}
