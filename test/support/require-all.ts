/** True when every real component must be present (CI): suites fail instead of skipping. */
export function requireAll(): boolean {
  return process.env.GENFLOW_REQUIRE_ALL === '1';
}
