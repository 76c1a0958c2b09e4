// Validates an OpenAPI document: first against the OpenAPI 3 schema, with every $ref resolved
// (@apidevtools/swagger-parser), then against this project's rules, which the schema leaves
// optional: every operation has a unique operationId and tags that the document declares, and
// every response, its own or a shared one, describes its body with a schema.
//
// usage: node check.mjs docs/openapi.yaml      exit 0 when valid; each problem on its own line
import SwaggerParser from "@apidevtools/swagger-parser";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function projectRuleProblems(api) {
  const problems = [];
  const declaredTags = new Set((api.tags ?? []).map((t) => t.name));
  const operationIds = new Map();
  for (const [path, item] of Object.entries(api.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) {
        problems.push(`${where}: no operationId`);
      } else if (operationIds.has(op.operationId)) {
        problems.push(`${where}: operationId ${op.operationId} is also used by ${operationIds.get(op.operationId)}`);
      } else {
        operationIds.set(op.operationId, where);
      }
      if (!op.tags || op.tags.length === 0) problems.push(`${where}: no tags`);
      for (const tag of op.tags ?? []) {
        if (!declaredTags.has(tag)) problems.push(`${where}: tag '${tag}' is not declared under tags`);
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const content = response.content ?? {};
        const types = Object.keys(content);
        if (types.length === 0) problems.push(`${where} ${status}: no content (every response has a body)`);
        for (const type of types) {
          if (!content[type].schema) problems.push(`${where} ${status} ${type}: no schema`);
        }
      }
    }
  }
  return problems;
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node check.mjs OPENAPI_FILE");
  process.exit(2);
}
try {
  // validate() resolves references in place; the rules read the resolved document.
  const api = await SwaggerParser.validate(file);
  const problems = projectRuleProblems(api);
  if (problems.length > 0) {
    for (const p of problems) console.error(`${file}: ${p}`);
    console.error(`${file}: ${problems.length} problem(s)`);
    process.exit(1);
  }
  const operations = Object.values(api.paths).reduce(
    (n, item) => n + METHODS.filter((m) => item[m]).length, 0);
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths, ${operations} operations`);
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
