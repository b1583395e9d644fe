// Checks recorded responses against the served OpenAPI document with ajv (draft 2020-12).
import { Ajv2020 } from "ajv/dist/2020.js";

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: unknown;
};

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

function templateFor(doc: Doc, method: string, path: string): string | undefined {
  const bare = path.split("?")[0] as string;
  return Object.keys(doc.paths).find((template) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return pattern.test(bare) && doc.paths[template]?.[method.toLowerCase()] !== undefined;
  });
}

/** Returns a list of problems (empty when every JSON response matches its documented schema). */
export function checkResponses(doc: Doc, recorded: readonly Recorded[]): string[] {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: "doc", components: doc.components } as object);
  const problems: string[] = [];
  for (const reply of recorded) {
    if (reply.body === undefined) continue;
    const template = templateFor(doc, reply.method, reply.path);
    if (template === undefined) {
      problems.push(`${reply.method} ${reply.path}: not in the document`);
      continue;
    }
    const response = doc.paths[template]?.[reply.method.toLowerCase()]?.responses[String(reply.status)];
    const schema = response?.content?.["application/json"]?.schema;
    if (schema === undefined) {
      problems.push(`${reply.method} ${template} ${reply.status}: status not documented`);
      continue;
    }
    const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
    const validate = ajv.compile(rooted);
    if (!validate(reply.body))
      problems.push(`${reply.method} ${template} ${reply.status}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}
